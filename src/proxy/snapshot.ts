/**
 * The snapshot: an immutable, compiled view of the store that answers every per-request
 * question. `serve` builds a new one when an admin change lands and swaps it in atomically;
 * a request keeps the snapshot it started with.
 */
import { readFileSync } from 'node:fs'
import { isVeryBroad, listAllowEntries } from '../../store/allow-list.ts'
import { listBreakers } from '../../store/breakers.ts'
import { unsealCredentials } from '../../store/credentials.ts'
import { configVersion, readMeta, type Store } from '../../store/db.ts'
import { listRoutes } from '../../store/routes.ts'
import { decodePublicKey, isSamePublicKey, type MasterKey } from '../../store/seal.ts'
import { readSettings, type Settings } from '../../store/settings.ts'
import { listTrustedProxies } from '../../store/trusted-proxies.ts'
import { type AllowMatcher, compileAllowList } from './allow-list.ts'
import { type CompiledPolicy, compilePolicy, policyPath } from './endpoint-policy.ts'
import {
  type KeyTable,
  loadKeyTable,
  loadKeyTableInSlices,
  readThroughKeyTable,
} from './key-table.ts'
import { compileLinkRewrite, type LinkRewrite } from './link-rewrite.ts'

/** A route compiled for the request path. */
export interface RouteRuntime {
  id: number
  name: string
  basePath: string
  /** Upstream origin + base path, no trailing slash: the rest of the path is appended. */
  upstreamPrefix: string
  upstreamOrigin: string
  upstreamBasePath: string
  /** The route's public origin (no path), when configured. */
  publicOrigin: string | undefined
  publicHost: string | undefined
  headerTimeoutMs: number
  /** TLS options for the upstream fetch (CA, pin), when any are configured. */
  upstreamTls: UpstreamTls | undefined
  /** Rewrites upstream links in JSON bodies to the public URL; undefined when off (#7). */
  linkRewrite: LinkRewrite | undefined
  /** Anonymous paths (as the policy judges them) and the methods each is anonymous for. */
  anonymous: ReadonlyMap<string, ReadonlySet<string>>
  policy: CompiledPolicy
  allowList: AllowMatcher
  /** Whether an entry is wider than an IPv4 /8 or IPv6 /32, which the startup line warns of. */
  allowsEveryone: boolean
  /** The `Authorization` value to inject, or undefined when no credential is set. */
  credential: string | undefined
  /** A credential is stored but was sealed for another upstream (or CA, pin): not sent. */
  isCredentialStale: boolean
  /** Why the credential breaker is tripped, or undefined when it is not. */
  breaker: string | undefined
}

/** TLS options for fetch to the upstream. */
export interface UpstreamTls {
  ca?: string
  checkServerIdentity?: (hostname: string, cert: { fingerprint256?: string }) => Error | undefined
}

/** A key compiled for lookup by hash. */
export interface KeyRuntime {
  keyId: string
  name: string
  routeIds: ReadonlySet<number>
  expiresAt: number | undefined
  isRevoked: boolean
  /** Token bucket: refill per minute and capacity, when the key has a rate limit. */
  rate: { perMinute: number; burst: number } | undefined
}

/** Everything a request needs, frozen. */
export interface Snapshot {
  version: number
  builtAt: number
  /** Longest base path first, so the first match is the longest. */
  routes: readonly RouteRuntime[]
  keysByHash: KeyTable
  /** Peers whose X-Forwarded-For is believed; undefined when none. */
  trustedProxies: AllowMatcher | undefined
  settings: Settings
  warnings: readonly string[]
}

/** Whether an anonymous-path set holds this method + path (judged as the policy judges it). */
export function isAnonymous(route: RouteRuntime, method: string, path: string): boolean {
  return route.anonymous.get(policyPath(path))?.has(method) ?? false
}

function compileAnonymous(paths: readonly string[]): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>()
  for (const pair of paths) {
    const [method, path] = pair.split(' ') as [string, string]
    const judged = policyPath(path)
    const methods = byPath.get(judged) ?? new Set<string>()
    methods.add(method)
    byPath.set(judged, methods)
  }
  return byPath
}

/** Reads and compiles the store in one read transaction, so a half-written change is never seen. */
export function buildSnapshot(db: Store, masterKey: MasterKey): Snapshot {
  return db.transaction(() => ({ ...readSnapshot(db, masterKey), keysByHash: loadKeyTable(db) }))()
}

/**
 * The snapshot `serve` starts with: the same, but its keys looked up in the store as they are
 * presented, so start-up does not wait for 100,000 keys to be read (bench/NOTES.md); the full
 * snapshot is built in slices right after the proxy listens.
 */
export function buildStartupSnapshot(db: Store, masterKey: MasterKey): Snapshot {
  return db.transaction(() => ({
    ...readSnapshot(db, masterKey),
    keysByHash: readThroughKeyTable(db),
  }))()
}

/**
 * The same snapshot, built without holding up requests: read in one read transaction on
 * `reader` (a second connection, so request records can be written meanwhile), with the key
 * index read in slices and a turn of the event loop between them. A reload of a 100,000-key
 * store held every request for ~50 ms at once before (bench/NOTES.md). Keys' details are
 * read through `db` when first used.
 */
export async function buildSnapshotInSlices(
  reader: Store,
  db: Store,
  masterKey: MasterKey,
): Promise<Snapshot> {
  reader.run('BEGIN')
  try {
    const parts = readSnapshot(reader, masterKey)
    return { ...parts, keysByHash: await loadKeyTableInSlices(reader, db) }
  } finally {
    reader.run('COMMIT')
  }
}

/** Everything but the keys, read in the caller's transaction. */
function readSnapshot(db: Store, masterKey: MasterKey): Omit<Snapshot, 'keysByHash'> {
  const version = configVersion(db)
  const { headers: credentials, stale } = unsealCredentials(db, masterKey)
  const entries = listAllowEntries(db)
  const globals = entries.filter((e) => e.route === undefined)
  const breakers = new Map(listBreakers(db).map((b) => [b.routeId, b.reason]))
  const trusted = listTrustedProxies(db)
  const routes = listRoutes(db).map((route): RouteRuntime => {
    const upstream = new URL(route.upstreamUrl)
    const upstreamBasePath = upstream.pathname.replace(/\/+$/, '')
    const sources = [...globals, ...entries.filter((e) => e.route === route.name)].map((e) => ({
      cidr: e.cidr,
      scope: e.route ?? 'global',
      note: e.note,
    }))
    const publicUrl = route.publicUrl ? new URL(route.publicUrl) : undefined
    return {
      id: route.id,
      name: route.name,
      basePath: route.basePath,
      upstreamOrigin: upstream.origin,
      upstreamBasePath,
      upstreamPrefix: upstream.origin + upstreamBasePath,
      publicOrigin: publicUrl?.origin,
      publicHost: publicUrl?.host,
      headerTimeoutMs: route.headerTimeoutMs,
      upstreamTls: upstreamTls(route.upstreamCaFile, route.upstreamPin),
      linkRewrite:
        route.rewriteLinks && publicUrl
          ? compileLinkRewrite(
              upstream.origin + upstreamBasePath,
              publicUrl.origin + route.basePath,
            )
          : undefined,
      anonymous: compileAnonymous(route.anonymousPaths),
      policy: compilePolicy(route.policy),
      allowList: compileAllowList(sources),
      allowsEveryone: sources.some((source) => isVeryBroad(source.cidr)),
      credential: credentials.get(route.id),
      isCredentialStale: stale.has(route.id),
      breaker: breakers.get(route.id),
    }
  })
  routes.sort((a, b) => b.basePath.length - a.basePath.length)
  return {
    version,
    builtAt: Date.now(),
    routes,
    trustedProxies: trusted.length
      ? compileAllowList(trusted.map((t) => ({ cidr: t.cidr, scope: 'trusted', note: t.note })))
      : undefined,
    settings: readSettings(db),
    warnings: [...keyWarnings(db, masterKey), ...snapshotWarnings(routes)],
  }
}

/** Normalises a fingerprint to upper-case hex pairs joined by colons, as Node reports them. */
export function normalisePin(pin: string): string {
  const hex = pin.replaceAll(':', '').toUpperCase()
  return hex.match(/../g)!.join(':')
}

function upstreamTls(caFile: string | undefined, pin: string | undefined): UpstreamTls | undefined {
  if (!caFile && !pin) return undefined
  const tls: UpstreamTls = {}
  if (caFile) tls.ca = readFileSync(caFile, 'utf8')
  if (pin) {
    const expected = normalisePin(pin)
    tls.checkServerIdentity = (_hostname, cert) =>
      cert.fingerprint256 === expected
        ? undefined
        : new Error('the upstream certificate does not match the pinned fingerprint')
  }
  return tls
}

/**
 * Whether the store's public key is still the master key's: someone who can write the store
 * could replace it and read the next credential an admin seals (which `credential set` refuses
 * when it can read the master key; serve always can, and says so at every reload).
 */
function keyWarnings(db: Store, masterKey: MasterKey): string[] {
  const text = readMeta(db, 'public_key')
  if (text && isSamePublicKey(decodePublicKey(text), masterKey.publicKey)) return []
  return [
    "the store's public key is not the master key's: someone who can write the store replaced " +
      'it, and could read any credential sealed now; restore meta.public_key or a backup',
  ]
}

function snapshotWarnings(routes: readonly RouteRuntime[]): string[] {
  const warnings: string[] = []
  if (routes.length === 0)
    warnings.push('no routes: every request gets 404 (add one with `japroxy route add`)')
  for (const route of routes) {
    if (route.allowsEveryone) {
      warnings.push(
        `route ${route.name}: the allow-list lets a large part of the Internet in (an entry ` +
          'wider than an IPv4 /8 or IPv6 /32); the API key is the only check left (japroxy allow ' +
          'list)',
      )
    }
    if (route.allowList.size === 0) {
      warnings.push(
        `route ${route.name}: the allow-list is empty, so nobody gets in (japroxy allow add)`,
      )
    }
    if (route.isCredentialStale) {
      warnings.push(
        `route ${route.name}: its credential was set for another upstream URL, CA file, pin or ` +
          `plain-http allowance and is not sent; set it again (japroxy credential set ${route.name})`,
      )
    } else if (!route.credential) {
      warnings.push(`route ${route.name}: no credential set (japroxy credential set ${route.name})`)
    }
    if (route.breaker) {
      warnings.push(
        `route ${route.name}: Jira rejected the service credential (${route.breaker}); it is not ` +
          'sent until replaced (japroxy credential set) or resumed' +
          ` (japroxy route resume ${route.name})`,
      )
    }
  }
  return warnings
}
