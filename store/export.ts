/**
 * Settings export for change control: routes, allow-lists, trusted proxies, key metadata and
 * settings as JSON with a fixed key order and one value per line, so two exports diff cleanly.
 * No key hash and no sealed credential is included unless the admin asks for them.
 */
import { listAllowEntries } from './allow-list.ts'
import { readMeta, type Store } from './db.ts'
import { listApiKeys } from './keys.ts'
import { listRoutes, type Route } from './routes.ts'
import { readSettings } from './settings.ts'
import { listTrustedProxies } from './trusted-proxies.ts'

/** The version of the export format; import refuses other versions. */
export const exportFormat = 1

/** A route as exported: every editable field, plus its credential when secrets are included. */
export interface ExportedRoute {
  name: string
  basePath: string
  upstreamUrl: string
  publicUrl: string | null
  upstreamCaFile: string | null
  upstreamPin: string | null
  isPlainHttpAllowed: boolean
  rewriteLinks: boolean
  headerTimeoutMs: number
  anonymousPaths: string[]
  policy: { profile: string; rules: string[] }
  /** `basic` or `bearer` when a credential is set; `sealed` only with secrets. */
  credential: { kind: string; sealed?: string } | null
}

/** An API key's metadata; `hash` only with secrets. */
export interface ExportedKey {
  name: string
  keyId: string
  routes: string[]
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  ratePerMinute: number | null
  rateBurst: number | null
  hash?: string
}

/** An allow-list entry; `route` null means global. */
export interface ExportedAllowEntry {
  cidr: string
  route: string | null
  note: string
}

/** The whole export. */
export interface ExportDocument {
  japroxy: 'settings'
  format: number
  /** The store's public key, present with secrets: sealed credentials only open in its store. */
  publicKey?: string
  routes: ExportedRoute[]
  allowList: ExportedAllowEntry[]
  trustedProxies: { cidr: string; note: string }[]
  keys: ExportedKey[]
  settings: Record<string, number>
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())

function sealedCredentials(db: Store): Map<number, { kind: string; sealed: Uint8Array }> {
  const rows = db.query('SELECT route_id, kind, sealed FROM credentials').all() as {
    route_id: number
    kind: string
    sealed: Uint8Array
  }[]
  return new Map(rows.map((r) => [r.route_id, { kind: r.kind, sealed: r.sealed }]))
}

function exportRoute(route: Route, credential: ExportedRoute['credential']): ExportedRoute {
  return {
    name: route.name,
    basePath: route.basePath,
    upstreamUrl: route.upstreamUrl,
    publicUrl: route.publicUrl ?? null,
    upstreamCaFile: route.upstreamCaFile ?? null,
    upstreamPin: route.upstreamPin ?? null,
    isPlainHttpAllowed: route.isPlainHttpAllowed,
    rewriteLinks: route.rewriteLinks,
    headerTimeoutMs: route.headerTimeoutMs,
    anonymousPaths: [...route.anonymousPaths],
    policy: { profile: route.policy.profile, rules: [...route.policy.rules] },
    credential,
  }
}

function exportRoutes(db: Store, isWithSecrets: boolean): ExportedRoute[] {
  const credentials = sealedCredentials(db)
  return listRoutes(db).map((route) => {
    const found = credentials.get(route.id)
    const credential = found
      ? isWithSecrets
        ? { kind: found.kind, sealed: Buffer.from(found.sealed).toString('base64') }
        : { kind: found.kind }
      : null
    return exportRoute(route, credential)
  })
}

function exportKeys(db: Store, isWithSecrets: boolean): ExportedKey[] {
  const hashes = new Map(
    (db.query('SELECT name, hash FROM api_keys').all() as { name: string; hash: string }[]).map(
      (r) => [r.name, String(r.hash)],
    ),
  )
  return listApiKeys(db).map((key) => {
    const exported: ExportedKey = {
      name: key.name,
      keyId: key.keyId,
      routes: [...key.routes].sort(),
      createdAt: iso(key.createdAt)!,
      expiresAt: iso(key.expiresAt),
      revokedAt: iso(key.revokedAt),
      ratePerMinute: key.ratePerMinute ?? null,
      rateBurst: key.rateBurst ?? null,
    }
    if (isWithSecrets) exported.hash = hashes.get(key.name)
    return exported
  })
}

function byText<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
}

/** Reads everything exportable, in one read transaction. */
export function buildExport(db: Store, options: { isWithSecrets?: boolean } = {}): ExportDocument {
  const isWithSecrets = Boolean(options.isWithSecrets)
  return db.transaction(() => {
    const settings = readSettings(db)
    const doc: ExportDocument = {
      japroxy: 'settings',
      format: exportFormat,
      routes: exportRoutes(db, isWithSecrets),
      allowList: listAllowEntries(db)
        .map((e) => ({ cidr: e.cidr, route: e.route ?? null, note: e.note }))
        .sort(byText((e) => `${e.route ?? ''} ${e.cidr}`)),
      trustedProxies: listTrustedProxies(db)
        .map((t) => ({ cidr: t.cidr, note: t.note }))
        .sort(byText((t) => t.cidr)),
      keys: exportKeys(db, isWithSecrets),
      settings: Object.fromEntries(
        Object.keys(settings)
          .sort()
          .map((n) => [n, settings[n]!]),
      ),
    }
    if (isWithSecrets) doc.publicKey = readMeta(db, 'public_key')
    return doc
  })()
}

/** The export as text: two-space JSON, one value per line, ending in a newline. */
export function renderExport(doc: ExportDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}
