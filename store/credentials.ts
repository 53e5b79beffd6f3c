/**
 * Credentials: the Jira service account's user + password (sent as Basic) or personal access
 * token (sent as Bearer), sealed to the store's public key. Writing needs no master key.
 */
import { createHash } from 'node:crypto'
import { accessSync, constants } from 'node:fs'
import { applyChange, readMeta, type Store, StoreError, ValidationError } from './db.ts'
import { getRoute, listRoutes, type Route } from './routes.ts'
import {
  decodePublicKey,
  isSamePublicKey,
  type MasterKey,
  readMasterKeyFile,
  seal,
  toBase64,
  unseal,
} from './seal.ts'
import { unsafeCharacter } from './unsafe-text.ts'

/** A credential in clear, only ever held in memory. */
export type CredentialSecret =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

/** What may be shown about a credential: never its value. */
export interface CredentialInfo {
  route: string
  kind: 'basic' | 'bearer'
  setAt: number
  setBy: string
  /** Set for another upstream URL, CA file, pin or plain-http allowance: serve does not send it. */
  isStale: boolean
}

/** What is wrong with a Jira user name, or undefined. */
export function usernameProblem(username: string): string | undefined {
  if (
    !username ||
    username.length > 255 ||
    username.includes(':') ||
    unsafeCharacter.test(username)
  ) {
    return 'give the Jira user name (no colon, line break, control or invisible character; at most 255 characters)'
  }
  return undefined
}

/** What is wrong with a password (never echoing it), or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (!password) return 'is empty'
  if (password.length > 1024) return 'is longer than 1024 characters'
  if (/[\r\n]/.test(password)) return 'has a line break'
  return undefined
}

/** What is wrong with a personal access token (never echoing it), or undefined. */
export function tokenProblem(token: string): string | undefined {
  if (token.length > 8192) return 'is longer than 8192 characters'
  if (!/^[\x21-\x7e]+$/.test(token)) return 'is empty or has spaces or non-ASCII characters'
  return undefined
}

/** Checks a credential before sealing; returns every problem (never echoing the secret). */
export function validateCredential(secret: CredentialSecret): string[] {
  const found: [string, string | undefined][] =
    secret.kind === 'basic'
      ? [
          ['username', usernameProblem(secret.username)],
          ['password', passwordProblem(secret.password)],
        ]
      : [['token', tokenProblem(secret.token)]]
  return found.flatMap(([field, problem]) => (problem ? [`credential.${field}: ${problem}`] : []))
}

/**
 * Checks, before sealing, that the store's public key is the master key's. Someone who can write
 * the store could put in a public key of their own and read whatever is sealed next. Returns
 * false when the master key cannot be read here (not root): the check could not be made.
 */
export function verifySealingKey(db: Store, masterKeyPath: string): boolean {
  let masterKey: MasterKey
  try {
    accessSync(masterKeyPath, constants.R_OK)
    masterKey = readMasterKeyFile(masterKeyPath)
  } catch {
    return false
  }
  if (!isSamePublicKey(masterKey.publicKey, storePublicKey(db))) {
    throw new StoreError(
      "the store's public key is not the master key's: someone who can write the store may " +
        'have replaced it, and could read a credential sealed to it; nothing was sealed',
      'restore the store from a backup (or put back meta.public_key), then set the credential',
    )
  }
  return true
}

/** The store's public key, for sealing. */
export function storePublicKey(db: Store): Uint8Array {
  const text = readMeta(db, 'public_key')
  if (!text) throw new StoreError('store has no public key', 'run `japroxy init` on a new store')
  return decodePublicKey(text)
}

/** Seals and stores a route's credential, replacing any earlier one. */
export function setCredential(
  db: Store,
  actor: string,
  routeName: string,
  secret: CredentialSecret,
): void {
  const problems = validateCredential(secret)
  if (problems.length) throw new ValidationError(problems)
  const route = getRoute(db, routeName)
  const sealed = seal(storePublicKey(db), JSON.stringify({ secret, boundTo: bindingOf(route) }))
  const detail = {
    kind: secret.kind,
    ...(secret.kind === 'basic' ? { username: secret.username } : {}),
  }
  applyChange(db, { actor, action: 'credential.set', target: routeName, detail }, () => {
    db.query(
      `INSERT INTO credentials (route_id, kind, sealed, set_at, set_by, bound_to)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(route_id) DO UPDATE SET kind = excluded.kind, sealed = excluded.sealed,
       set_at = excluded.set_at, set_by = excluded.set_by, bound_to = excluded.bound_to`,
    ).run(route.id, secret.kind, sealed, Date.now(), actor, bindingHash(route))
    // A new credential is the admin's answer to a tripped breaker.
    db.query('DELETE FROM route_breakers WHERE route_id = ?').run(route.id)
  })
}

/** Removes a route's credential. */
export function clearCredential(db: Store, actor: string, routeName: string): void {
  const route = getRoute(db, routeName)
  applyChange(db, { actor, action: 'credential.clear', target: routeName }, () => {
    db.query('DELETE FROM credentials WHERE route_id = ?').run(route.id)
  })
}

/** What can be shown about every credential. */
export function listCredentials(db: Store): CredentialInfo[] {
  const rows = db
    .query(
      `SELECT r.name AS route, c.kind, c.set_at AS setAt, c.set_by AS setBy, c.bound_to AS boundTo
       FROM credentials c JOIN routes r ON r.id = c.route_id ORDER BY r.name`,
    )
    .all() as (Omit<CredentialInfo, 'isStale'> & { boundTo: string | null })[]
  const routes = new Map(listRoutes(db).map((route) => [route.name, route]))
  return rows.map(({ boundTo, ...info }) => {
    const route = routes.get(info.route)
    return { ...info, isStale: !route || boundTo !== bindingHash(route) }
  })
}

/**
 * Where a route's credential may be sent: the route itself, its upstream URL and how japroxy
 * trusts that upstream. It is sealed with the secret, so someone who can write the store but has
 * no master key cannot point a route somewhere else and have serve send the password there.
 */
function bindingOf(route: Route): string {
  // The name, not the row id, so an export and import into the same store keeps it bound.
  return JSON.stringify([
    route.name,
    route.upstreamUrl,
    route.upstreamCaFile ?? null,
    route.upstreamPin ?? null,
    route.isPlainHttpAllowed,
  ])
}

/** The binding's SHA-256, kept in clear so a stale credential shows without the master key. */
export function bindingHash(route: Route): string {
  return createHash('sha256').update(bindingOf(route)).digest('hex')
}

/** Whether `route` has a credential that was set for another upstream (or CA, pin...). */
export function isCredentialStale(db: Store, route: Route): boolean {
  const row = db.query('SELECT bound_to FROM credentials WHERE route_id = ?').get(route.id) as {
    bound_to: string | null
  } | null
  return row !== null && row.bound_to !== bindingHash(route)
}

/** Every credential unsealed: the `Authorization` value to inject, by route id, and the routes
 * whose credential was sealed for another upstream (or CA, pin, plain-http allowance). */
export function unsealCredentials(
  db: Store,
  key: MasterKey,
): { headers: Map<number, string>; stale: Set<number> } {
  const rows = db.query('SELECT route_id, sealed FROM credentials').all() as {
    route_id: number
    sealed: Uint8Array
  }[]
  const routes = new Map(listRoutes(db).map((route) => [route.id, route]))
  const headers = new Map<number, string>()
  const stale = new Set<number>()
  for (const row of rows) {
    const sealed = JSON.parse(unseal(key, row.sealed)) as {
      secret?: CredentialSecret
      boundTo?: string
    }
    const route = routes.get(row.route_id)
    if (sealed.secret && route && sealed.boundTo === bindingOf(route)) {
      headers.set(row.route_id, authorizationValue(sealed.secret))
    } else stale.add(row.route_id)
  }
  return { headers, stale }
}

/** The `Authorization` header value for a credential. */
export function authorizationValue(secret: CredentialSecret): string {
  return secret.kind === 'basic'
    ? `Basic ${toBase64(`${secret.username}:${secret.password}`)}`
    : `Bearer ${secret.token}`
}
