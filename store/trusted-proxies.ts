/**
 * Trusted proxies: peers whose `X-Forwarded-For` japroxy believes. Empty by default, so the
 * socket peer is the client IP.
 */
import { isBadNote, isVeryBroad, normaliseCidr, noteRule } from './allow-list.ts'
import { applyChange, type Store, StoreError, ValidationError } from './db.ts'

/** One trusted proxy entry. */
export interface TrustedProxy {
  id: number
  cidr: string
  note: string
  createdAt: number
}

/** Every trusted proxy. */
export function listTrustedProxies(db: Store): TrustedProxy[] {
  return db
    .query('SELECT id, cidr, note, created_at AS createdAt FROM trusted_proxies ORDER BY id')
    .all() as TrustedProxy[]
}

/**
 * What is wrong with trusting `cidr` beyond its syntax: a block as wide as a large part of the
 * Internet would let most clients name their own client IP in X-Forwarded-For and walk past the
 * allow-list (two /1 blocks are as open as a /0).
 */
export function trustProblem(cidr: string): string | undefined {
  if (!isVeryBroad(cidr)) return undefined
  return (
    `${cidr} is wider than an IPv4 /8 or an IPv6 /32, so clients could choose their client IP ` +
    'with X-Forwarded-For; trust only your load balancer (its address or subnet)'
  )
}

/** Adds a trusted proxy CIDR. */
export function addTrustedProxy(
  db: Store,
  actor: string,
  input: { cidr: string; note?: string },
): TrustedProxy {
  const { cidr, problems } = normaliseCidr(input.cidr)
  const fixed = problems.map((p) => p.replace('allowList.cidr', 'trustedProxies.cidr'))
  if (cidr && listTrustedProxies(db).some((t) => t.cidr === cidr))
    fixed.push(`trustedProxies.cidr: ${cidr} is already trusted`)
  const unsafe = cidr ? trustProblem(cidr) : undefined
  if (unsafe) fixed.push(`trustedProxies.cidr: ${unsafe}`)
  if (isBadNote(input.note ?? '')) fixed.push(`trustedProxies.note: ${noteRule}`)
  if (fixed.length || !cidr) throw new ValidationError(fixed)
  return applyChange(
    db,
    { actor, action: 'trusted.add', target: cidr, detail: { note: input.note ?? '' } },
    () => {
      db.query('INSERT INTO trusted_proxies (cidr, note, created_at) VALUES (?, ?, ?)').run(
        cidr,
        input.note ?? '',
        Date.now(),
      )
      return listTrustedProxies(db).find((t) => t.cidr === cidr)!
    },
  )
}

/** Removes a trusted proxy by CIDR. */
export function removeTrustedProxy(db: Store, actor: string, text: string): void {
  const cidr = normaliseCidr(text).cidr ?? text
  const found = listTrustedProxies(db).find((t) => t.cidr === cidr)
  if (!found) throw new StoreError(`${text} is not a trusted proxy`, 'see `japroxy trusted list`')
  applyChange(db, { actor, action: 'trusted.remove', target: cidr }, () => {
    db.query('DELETE FROM trusted_proxies WHERE id = ?').run(found.id)
  })
}
