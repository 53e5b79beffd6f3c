/**
 * Grows a benchmark store in bulk, in one transaction each, for the growth, reload and startup
 * measurements: synthetic API keys granted a route (stored as `key import` stores them: a hash
 * and a fresh keyId) and global allow-list entries, IPv4 and IPv6 mixed, none of which contains
 * the loopback addresses the benchmark sends from. Run with
 * `npx bun bench/fill-store.ts DB ROUTE --keys N --allow M`.
 */

import { configVersion, openStore, writeMeta } from '../store/db.ts'
import { hashApiKey } from '../store/keys.ts'

function option(name: string): number {
  const at = process.argv.indexOf(name)
  return at < 0 ? 0 : Number(process.argv[at + 1])
}

const keyIdAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789'

/** A keyId made from a counter: unique, shaped like a generated one. */
function syntheticKeyId(n: number): string {
  let id = ''
  for (let i = 0, rest = n; i < 10; i++, rest = Math.floor(rest / 32)) {
    id += keyIdAlphabet[rest % 32]
  }
  return id
}

/** Adds `count` keys named bench-fill-N granted `routeId`. */
function addKeys(db: ReturnType<typeof openStore>, routeId: number, count: number): void {
  const insert = db.query(
    'INSERT INTO api_keys (key_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id',
  )
  const grant = db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, ?)')
  const now = Date.now()
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const apiKey = `bench-fill-${i}-${Bun.hash(`fill ${i}`).toString(36)}-not-a-real-key`
      const row = insert.get(syntheticKeyId(i), `bench-fill-${i}`, hashApiKey(apiKey), now) as {
        id: number
      }
      grant.run(row.id, routeId)
    }
  })()
}

/**
 * The n-th synthetic allow-list entry: even n an IPv4 /32 in 10.0.0.0/8 or 172.16.0.0/12
 * style ranges, odd n an IPv6 /64 or /128 under 2001:db8::/32 (documentation space).
 */
function syntheticCidr(n: number): string {
  if (n % 2 === 0) {
    const v = n / 2
    return `10.${(v >> 16) & 255}.${(v >> 8) & 255}.${v & 255}/32`
  }
  const v = (n - 1) / 2
  return n % 4 === 1
    ? `2001:db8:${(v >> 16).toString(16)}:${(v & 0xffff).toString(16)}::/64`
    : `2001:db8:ff:${(v >> 16).toString(16)}::${(v & 0xffff).toString(16)}/128`
}

/** Adds `count` global allow-list entries. */
function addAllowEntries(db: ReturnType<typeof openStore>, count: number): void {
  const insert = db.query(
    'INSERT INTO allow_list (cidr, route_id, note, created_at) VALUES (?, NULL, ?, ?)',
  )
  const now = Date.now()
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(syntheticCidr(i), 'bench fill', now)
  })()
}

const [path, routeName] = process.argv.slice(2)
if (!path || !routeName) {
  console.error('usage: bun bench/fill-store.ts DB ROUTE [--keys N] [--allow M]')
  process.exit(1)
}
const db = openStore(path)
const route = db.query('SELECT id FROM routes WHERE name = ?').get(routeName) as { id: number }
const started = performance.now()
addKeys(db, route.id, option('--keys'))
addAllowEntries(db, option('--allow'))
writeMeta(db, 'config_version', String(configVersion(db) + 1))
db.close()
const ms = Math.round(performance.now() - started)
console.log(
  `filled ${path}: +${option('--keys')} keys, +${option('--allow')} allow entries (${ms} ms)`,
)
