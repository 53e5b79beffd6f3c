/**
 * The snapshot: an immutable, compiled view of the store that answers every per-request
 * question. `serve` builds a new one when an admin change lands and swaps it in atomically;
 * a request keeps the snapshot it started with.
 */
import { readFileSync } from 'node:fs'
import { listAllowEntries } from '../../store/allow-list.ts'
import { unsealCredentials } from '../../store/credentials.ts'
import { configVersion, type Store } from '../../store/db.ts'
import { loadKeyGrants } from '../../store/keys.ts'
import { listRoutes } from '../../store/routes.ts'
import type { MasterKey } from '../../store/seal.ts'
import { type AllowMatcher, compileAllowList } from './allow-list.ts'
import { type CompiledPolicy, compilePolicy, policyPath } from './endpoint-policy.ts'

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
  /** PEM text of the upstream CA, when configured. */
  upstreamCa: string | undefined
  anonymous: ReadonlySet<string>
  policy: CompiledPolicy
  allowList: AllowMatcher
  /** The `Authorization` value to inject, or undefined when no credential is set. */
  credential: string | undefined
}

/** A key compiled for lookup by hash. */
export interface KeyRuntime {
  keyId: string
  name: string
  routeIds: ReadonlySet<number>
  expiresAt: number | undefined
  isRevoked: boolean
}

/** Everything a request needs, frozen. */
export interface Snapshot {
  version: number
  builtAt: number
  /** Longest base path first, so the first match is the longest. */
  routes: readonly RouteRuntime[]
  keysByHash: ReadonlyMap<string, KeyRuntime>
  warnings: readonly string[]
}

/** Whether an anonymous-path set holds this method + path (judged as the policy judges it). */
export function isAnonymous(route: RouteRuntime, method: string, path: string): boolean {
  return route.anonymous.has(`${method} ${policyPath(path)}`)
}

/** Reads and compiles the store in one read transaction, so a half-written change is never seen. */
export function buildSnapshot(db: Store, masterKey: MasterKey): Snapshot {
  return db.transaction(() => {
    const version = configVersion(db)
    const credentials = unsealCredentials(db, masterKey)
    const entries = listAllowEntries(db)
    const globals = entries.filter((e) => e.route === undefined)
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
        upstreamCa: route.upstreamCaFile ? readFileSync(route.upstreamCaFile, 'utf8') : undefined,
        anonymous: new Set(
          route.anonymousPaths.map((p) => {
            const [method, path] = p.split(' ') as [string, string]
            return `${method} ${policyPath(path)}`
          }),
        ),
        policy: compilePolicy(route.policy),
        allowList: compileAllowList(sources),
        credential: credentials.get(route.id),
      }
    })
    routes.sort((a, b) => b.basePath.length - a.basePath.length)
    const keysByHash = new Map<string, KeyRuntime>()
    for (const key of loadKeyGrants(db)) {
      keysByHash.set(key.hash, {
        keyId: key.keyId,
        name: key.name,
        routeIds: new Set(key.routeIds),
        expiresAt: key.expiresAt,
        isRevoked: key.isRevoked,
      })
    }
    return { version, builtAt: Date.now(), routes, keysByHash, warnings: snapshotWarnings(routes) }
  })()
}

function snapshotWarnings(routes: readonly RouteRuntime[]): string[] {
  const warnings: string[] = []
  if (routes.length === 0)
    warnings.push('no routes: every request gets 404 (add one with `japroxy route add`)')
  for (const route of routes) {
    if (route.allowList.size === 0) {
      warnings.push(
        `route ${route.name}: the allow-list is empty, so nobody gets in (japroxy allow add)`,
      )
    }
    if (!route.credential) {
      warnings.push(`route ${route.name}: no credential set (japroxy credential set ${route.name})`)
    }
  }
  return warnings
}
