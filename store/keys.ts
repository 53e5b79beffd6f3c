/**
 * API keys: generated here with 256 bits of randomness, shown once, stored only as a SHA-256
 * hash. The `keyId` inside the key is public: it is what logs and screens show.
 */
import { randomBytes } from 'node:crypto'
import { applyChange, type Store, StoreError, ValidationError } from './db.ts'
import { keyStrengthProblem } from './key-strength.ts'
import { getRoute } from './routes.ts'

/** An API key's stored metadata (never the key itself). */
export interface ApiKey {
  id: number
  keyId: string
  name: string
  routes: string[]
  createdAt: number
  expiresAt: number | undefined
  revokedAt: number | undefined
  lastUsedAt: number | undefined
  /** Requests per minute this key may make, or undefined for no limit. */
  ratePerMinute: number | undefined
  /** How many requests may come at once before the rate applies. */
  rateBurst: number | undefined
}

/** A key's state at a moment. */
export type KeyStatus = 'active' | 'expired' | 'revoked'

const keyPrefix = 'jpx'
const keyIdAlphabet = 'abcdefghijkmnpqrstuvwxyz23456789'
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const nameRule = 'is not a valid name (ASCII letters, digits, . _ -; up to 64)'

/** SHA-256 of a key, hex; the only form of a key the store holds. */
export function hashApiKey(apiKey: string): string {
  return new Bun.CryptoHasher('sha256').update(apiKey).digest('hex')
}

function newKeyId(): string {
  const bytes = randomBytes(10)
  let id = ''
  for (const byte of bytes) id += keyIdAlphabet[byte % keyIdAlphabet.length]
  return id
}

/** Generates a key `jpx_<keyId>_<43 chars>`: 256 random bits after the public keyId. */
export function generateApiKey(): { apiKey: string; keyId: string } {
  const keyId = newKeyId()
  const secret = randomBytes(32).toString('base64url')
  return { apiKey: `${keyPrefix}_${keyId}_${secret}`, keyId }
}

/** The status of a key at `now`. */
export function keyStatus(key: ApiKey, now = Date.now()): KeyStatus {
  if (key.revokedAt !== undefined) return 'revoked'
  if (key.expiresAt !== undefined && key.expiresAt <= now) return 'expired'
  return 'active'
}

/** Checks a new key's name, routes and expiry; returns every problem. */
export function validateNewKey(
  db: Store,
  name: string,
  routes: readonly string[],
  expiresAt: number | undefined,
): string[] {
  const problems: string[] = []
  if (!namePattern.test(name)) {
    problems.push(`keys.name: "${name}" ${nameRule}`)
  } else if (db.query('SELECT 1 FROM api_keys WHERE name = ?').get(name)) {
    problems.push(`keys.name: a key named "${name}" already exists (choose another)`)
  }
  if (routes.length === 0) problems.push('keys.routes: grant at least one route (--route NAME)')
  for (const route of routes) {
    if (!db.query('SELECT 1 FROM routes WHERE name = ?').get(route)) {
      problems.push(`keys.routes: no route named "${route}" (see \`japroxy route list\`)`)
    }
  }
  const late = expiryProblem(expiresAt)
  if (late) problems.push(late)
  return problems
}

/** The last moment a key may expire: the last of year 9999, which every date format can show. */
export const latestExpiry = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

function expiryProblem(expiresAt: number | undefined): string | undefined {
  if (expiresAt === undefined) return undefined
  if (!Number.isFinite(expiresAt) || expiresAt <= Date.now())
    return 'keys.expires: must be a date in the future'
  if (expiresAt > latestExpiry)
    return 'keys.expires: must be no later than 9999-12-31 (or never, for no expiry)'
  return undefined
}

/** Creates a key granted `routes`; returns the full key, which is never stored or shown again. */
export function createApiKey(
  db: Store,
  actor: string,
  input: { name: string; routes: string[]; expiresAt?: number },
): { apiKey: string; key: ApiKey } {
  // A route named twice is granted once.
  input = { ...input, routes: [...new Set(input.routes)] }
  const problems = validateNewKey(db, input.name, input.routes, input.expiresAt)
  if (problems.length) throw new ValidationError(problems)
  const { apiKey, keyId } = generateApiKey()
  const detail = { keyId, routes: input.routes, expiresAt: input.expiresAt ?? null }
  const key = applyChange(db, { actor, action: 'key.create', target: input.name, detail }, () => {
    const row = db
      .query(
        `INSERT INTO api_keys (key_id, name, hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(keyId, input.name, hashApiKey(apiKey), Date.now(), input.expiresAt ?? null) as {
      id: number
    }
    for (const route of input.routes) {
      db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, ?)').run(
        row.id,
        getRoute(db, route).id,
      )
    }
    return getApiKey(db, input.name)
  })
  return { apiKey, key }
}

/**
 * Why an imported key is too weak to be unguessable, or undefined when it is fine: too short,
 * a repeated part, too few different characters, or under 128 bits by length and kinds.
 */
export function importedKeyProblem(apiKey: string): string | undefined {
  return keyStrengthProblem(apiKey)
}

/**
 * Imports keys made elsewhere (e.g. moved from another gateway), all or nothing. Each gets a
 * fresh keyId; only the hash is stored. Problems name the line, never echo the key.
 */
export function importApiKeys(
  db: Store,
  actor: string,
  entries: readonly { name: string; apiKey: string }[],
  routes: string[],
): ApiKey[] {
  const problems: string[] = []
  const names = new Set<string>()
  const hashes = new Set<string>()
  entries.forEach((entry, i) => {
    const at = `keys[${i + 1}]`
    // A name that is not one may be a whole line with the key in it: it is never echoed.
    const isName = namePattern.test(entry.name)
    if (!isName) problems.push(`${at} keys.name: ${nameRule} (the name is not shown)`)
    const found = validateNewKey(db, isName ? entry.name : 'x', routes, undefined)
    problems.push(
      ...found.filter((p) => isName || !p.startsWith('keys.name')).map((p) => `${at} ${p}`),
    )
    const weak = importedKeyProblem(entry.apiKey)
    if (weak) problems.push(`${at} keys.key: the key ${weak}`)
    const hash = hashApiKey(entry.apiKey)
    if (names.has(entry.name)) problems.push(`${at} keys.name: "${entry.name}" appears twice`)
    if (hashes.has(hash) || db.query('SELECT 1 FROM api_keys WHERE hash = ?').get(hash)) {
      problems.push(`${at} keys.key: the same key is already stored or appears twice`)
    }
    names.add(entry.name)
    hashes.add(hash)
  })
  if (entries.length === 0) problems.push('keys: nothing to import (one "name<TAB>key" per line)')
  if (problems.length) throw new ValidationError([...new Set(problems)].slice(0, 50))
  const detail = { count: entries.length, routes }
  return applyChange(
    db,
    { actor, action: 'key.import', target: `${entries.length} keys`, detail },
    () => {
      const routeIds = routes.map((route) => getRoute(db, route).id)
      const insert = db.query(
        'INSERT INTO api_keys (key_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id',
      )
      const grant = db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, ?)')
      for (const entry of entries) {
        const row = insert.get(
          generateApiKey().keyId,
          entry.name,
          hashApiKey(entry.apiKey),
          Date.now(),
        ) as { id: number }
        for (const routeId of routeIds) grant.run(row.id, routeId)
      }
      return listApiKeys(db).filter((k) => names.has(k.name))
    },
  )
}

interface KeyRow {
  id: number
  key_id: string
  name: string
  routes: string | null
  created_at: number
  expires_at: number | null
  revoked_at: number | null
  last_used_at: number | null
  rate_per_minute: number | null
  rate_burst: number | null
}

const selectKeys = `SELECT k.id, k.key_id, k.name, k.created_at, k.expires_at, k.revoked_at,
  k.last_used_at, k.rate_per_minute, k.rate_burst,
  (SELECT group_concat(r.name, ',') FROM api_key_routes g
    JOIN routes r ON r.id = g.route_id WHERE g.api_key_id = k.id) AS routes
  FROM api_keys k`

function fromRow(row: KeyRow): ApiKey {
  return {
    id: row.id,
    keyId: row.key_id,
    name: row.name,
    routes: row.routes ? row.routes.split(',').sort() : [],
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
    ratePerMinute: row.rate_per_minute ?? undefined,
    rateBurst: row.rate_burst ?? undefined,
  }
}

/** Every key's metadata, by name. */
export function listApiKeys(db: Store): ApiKey[] {
  return (db.query(`${selectKeys} ORDER BY k.name`).all() as KeyRow[]).map(fromRow)
}

/** One key by name or keyId. */
export function getApiKey(db: Store, nameOrKeyId: string): ApiKey {
  const row = db
    .query(`${selectKeys} WHERE k.name = ? OR k.key_id = ?`)
    .get(nameOrKeyId, nameOrKeyId) as KeyRow | null
  if (!row) throw new StoreError(`no API key named "${nameOrKeyId}"`, 'see `japroxy key list`')
  return fromRow(row)
}

/** Revokes a key at once; a revoked key stays listed for the record. */
export function revokeApiKey(db: Store, actor: string, nameOrKeyId: string): ApiKey {
  const key = getApiKey(db, nameOrKeyId)
  if (key.revokedAt !== undefined) throw new StoreError(`key "${key.name}" is already revoked`)
  return applyChange(
    db,
    { actor, action: 'key.revoke', target: key.name, detail: { keyId: key.keyId } },
    () => {
      db.query('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), key.id)
      return getApiKey(db, key.name)
    },
  )
}

/** Sets or clears (undefined) a key's expiry. */
export function setApiKeyExpiry(
  db: Store,
  actor: string,
  nameOrKeyId: string,
  expiresAt: number | undefined,
): ApiKey {
  const key = getApiKey(db, nameOrKeyId)
  // A revoked key stays revoked; changing its expiry would only suggest otherwise.
  if (key.revokedAt !== undefined)
    throw new StoreError(`key "${key.name}" is revoked`, 'create a new key instead')
  const late = expiryProblem(expiresAt)
  if (late) throw new ValidationError([late])
  const detail = { keyId: key.keyId, expiresAt: expiresAt ?? null }
  return applyChange(db, { actor, action: 'key.expiry', target: key.name, detail }, () => {
    db.query('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(expiresAt ?? null, key.id)
    return getApiKey(db, key.name)
  })
}

/** Sets a key's rate limit (requests per minute and burst), or clears it with undefined. */
export function setApiKeyRateLimit(
  db: Store,
  actor: string,
  nameOrKeyId: string,
  limit: { perMinute: number; burst: number } | undefined,
): ApiKey {
  const key = getApiKey(db, nameOrKeyId)
  if (key.revokedAt !== undefined)
    throw new StoreError(`key "${key.name}" is revoked`, 'create a new key instead')
  if (
    limit &&
    (!Number.isInteger(limit.perMinute) || limit.perMinute < 1 || limit.perMinute > 1_000_000)
  ) {
    throw new ValidationError([
      'keys.rate: requests per minute must be a whole number from 1 to 1000000',
    ])
  }
  if (limit && (!Number.isInteger(limit.burst) || limit.burst < 1 || limit.burst > 1_000_000)) {
    throw new ValidationError(['keys.burst: must be a whole number from 1 to 1000000'])
  }
  const detail = {
    keyId: key.keyId,
    perMinute: limit?.perMinute ?? null,
    burst: limit?.burst ?? null,
  }
  return applyChange(db, { actor, action: 'key.limit', target: key.name, detail }, () => {
    db.query('UPDATE api_keys SET rate_per_minute = ?, rate_burst = ? WHERE id = ?').run(
      limit?.perMinute ?? null,
      limit?.burst ?? null,
      key.id,
    )
    return getApiKey(db, key.name)
  })
}

/** Records when keys were last used (called by `serve` in its record batches; no audit). */
export function touchApiKeys(db: Store, lastUsed: ReadonlyMap<string, number>): void {
  const update = db.query('UPDATE api_keys SET last_used_at = ? WHERE key_id = ?')
  for (const [keyId, at] of lastUsed) update.run(at, keyId)
}

/** A key as `serve` needs it: hash, keyId, granted route ids and validity. */
export interface KeyGrant {
  hash: string
  keyId: string
  name: string
  routeIds: number[]
  expiresAt: number | undefined
  isRevoked: boolean
  ratePerMinute: number | undefined
  rateBurst: number | undefined
}

const selectGrants = `SELECT k.hash, k.key_id, k.name, k.expires_at, k.revoked_at,
  k.rate_per_minute, k.rate_burst,
  (SELECT group_concat(route_id, ',') FROM api_key_routes WHERE api_key_id = k.id) AS route_ids
  FROM api_keys k`

interface GrantRow {
  hash: string
  key_id: string
  name: string
  expires_at: number | null
  revoked_at: number | null
  route_ids: string | null
  rate_per_minute: number | null
  rate_burst: number | null
}

function grantFromRow(row: GrantRow): KeyGrant {
  return {
    hash: row.hash,
    keyId: row.key_id,
    name: row.name,
    routeIds: row.route_ids ? row.route_ids.split(',').map(Number) : [],
    expiresAt: row.expires_at ?? undefined,
    isRevoked: row.revoked_at !== null,
    ratePerMinute: row.rate_per_minute ?? undefined,
    rateBurst: row.rate_burst ?? undefined,
  }
}

/** Every key with its hash. */
export function loadKeyGrants(db: Store): KeyGrant[] {
  return (db.query(selectGrants).all() as GrantRow[]).map(grantFromRow)
}

/**
 * Every key's hash and row id, for the snapshot's index: two columns, read as arrays, so
 * 100,000 keys load in tens of milliseconds (bench/NOTES.md).
 */
export function loadKeyIndex(db: Store): Map<string, number> {
  const index = new Map<string, number>()
  const rows = db.query('SELECT hash, id FROM api_keys').values() as [string, number][]
  for (const [hash, id] of rows) index.set(hash, id)
  return index
}

/** Up to `limit` keys' hashes and row ids after row id `afterId`, in row id order. */
export function loadKeyIndexPage(db: Store, afterId: number, limit: number): [string, number][] {
  return db
    .query('SELECT hash, id FROM api_keys WHERE id > ? ORDER BY id LIMIT ?')
    .values(afterId, limit) as [string, number][]
}

/** One key by the hash of the key (the unique index on `hash`); undefined when there is none. */
export function loadKeyGrantByHash(db: Store, hash: string): KeyGrant | undefined {
  const row = db.query(`${selectGrants} WHERE k.hash = ?`).get(hash) as GrantRow | null
  return row ? grantFromRow(row) : undefined
}

/** How many keys the store holds. */
export function countApiKeys(db: Store): number {
  return (db.query('SELECT count(*) AS n FROM api_keys').get() as { n: number }).n
}

/** One key by row id, as `serve` needs it; undefined when it is gone. */
export function loadKeyGrant(db: Store, id: number): KeyGrant | undefined {
  const row = db.query(`${selectGrants} WHERE k.id = ?`).get(id) as GrantRow | null
  return row ? grantFromRow(row) : undefined
}
