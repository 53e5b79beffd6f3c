/**
 * The import plan: what applying an export would change in this store, computed by comparing
 * the file with the store, plus the problems that comparison alone can find (duplicates in the
 * file, a revoked key brought back, sealed credentials of another store, a new key without its
 * hash). The store's own validators run when the plan is tried (import-apply.ts).
 */
import type { EndpointPolicy } from '../src/proxy/endpoint-policy.ts'
import { listAllowEntries, normaliseCidr } from './allow-list.ts'
import { readMeta, type Store } from './db.ts'
import type { ExportDocument, ExportedKey, ExportedRoute } from './export.ts'
import type { PrunableSection } from './import-parse.ts'
import { type ApiKey, listApiKeys } from './keys.ts'
import { listRoutes, type Route, type RouteFields } from './routes.ts'
import { readSettings } from './settings.ts'
import { listTrustedProxies, trustProblem } from './trusted-proxies.ts'

/** One change the import makes, with the line that describes it. */
export type PlannedChange = { text: string } & (
  | { kind: 'route.add'; fields: RouteFields }
  | { kind: 'route.update'; fields: RouteFields }
  | { kind: 'route.remove'; name: string }
  | { kind: 'credential.set'; route: string; credentialKind: string; sealed: Uint8Array }
  | { kind: 'allow.add'; cidr: string; route: string | null; note: string }
  | { kind: 'allow.note'; id: number; note: string }
  | { kind: 'allow.remove'; id: number }
  | { kind: 'trusted.add'; cidr: string; note: string }
  | { kind: 'trusted.note'; id: number; note: string }
  | { kind: 'trusted.remove'; cidr: string }
  | { kind: 'key.add'; key: ExportedKey & { hash: string } }
  | { kind: 'key.update'; key: ExportedKey; current: ApiKey }
  | { kind: 'key.revoke'; name: string }
  | { kind: 'setting.set'; name: string; value: number }
)

/** The plan and the problems found while making it. */
export interface ImportPlan {
  changes: PlannedChange[]
  problems: string[]
}

const time = (text: string | null) => (text === null ? undefined : Date.parse(text))

/** Route fields from an exported route. */
export function routeFields(route: ExportedRoute): RouteFields {
  return {
    name: route.name,
    basePath: route.basePath,
    upstreamUrl: route.upstreamUrl,
    publicUrl: route.publicUrl ?? undefined,
    upstreamCaFile: route.upstreamCaFile ?? undefined,
    upstreamPin: route.upstreamPin ?? undefined,
    isPlainHttpAllowed: route.isPlainHttpAllowed,
    rewriteLinks: route.rewriteLinks,
    headerTimeoutMs: route.headerTimeoutMs,
    anonymousPaths: route.anonymousPaths,
    policy: route.policy as EndpointPolicy,
  }
}

function changedFields(current: Route, next: RouteFields): string[] {
  const names = Object.keys(next) as (keyof RouteFields)[]
  return names.filter((n) => JSON.stringify(current[n]) !== JSON.stringify(next[n]))
}

/** The values that appear more than once, each named once, in order of first repeat. */
function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const value of values) {
    if (seen.has(value)) repeated.add(value)
    seen.add(value)
  }
  return [...repeated]
}

function planRoutes(db: Store, doc: ExportDocument, isPrune: boolean, plan: ImportPlan): void {
  const current = new Map(listRoutes(db).map((r) => [r.name, r]))
  for (const name of duplicates(doc.routes.map((r) => r.name))) {
    plan.problems.push(`routes.${name}: appears more than once in the file`)
  }
  for (const route of doc.routes) {
    for (const rule of duplicates(route.policy.rules)) {
      plan.problems.push(`routes.${route.name}.policy.rules: "${rule}" appears more than once`)
    }
    const fields = routeFields(route)
    const found = current.get(route.name)
    if (!found) {
      plan.changes.push({
        kind: 'route.add',
        fields,
        text: `+ route ${route.name} ${route.basePath} → ${route.upstreamUrl}`,
      })
      continue
    }
    const changed = changedFields(found, fields)
    if (changed.length) {
      plan.changes.push({
        kind: 'route.update',
        fields,
        text: `~ route ${route.name}: ${changed.join(', ')}`,
      })
    }
  }
  if (!isPrune) return
  const names = new Set(doc.routes.map((r) => r.name))
  for (const name of current.keys()) {
    if (!names.has(name)) plan.changes.push({ kind: 'route.remove', name, text: `- route ${name}` })
  }
}

function planCredentials(db: Store, doc: ExportDocument, plan: ImportPlan): void {
  const withSealed = doc.routes.filter((r) => r.credential?.sealed !== undefined)
  if (withSealed.length === 0) return
  if (doc.publicKey !== readMeta(db, 'public_key')) {
    plan.problems.push(
      'publicKey: the sealed credentials belong to another store ' +
        '(set them with `japroxy credential set`)',
    )
    return
  }
  const stored = new Map(
    (
      db
        .query('SELECT r.name, c.sealed FROM credentials c JOIN routes r ON r.id = c.route_id')
        .all() as {
        name: string
        sealed: Uint8Array
      }[]
    ).map((row) => [row.name, Buffer.from(row.sealed).toString('base64')]),
  )
  for (const route of withSealed) {
    const { kind, sealed } = route.credential as { kind: string; sealed: string }
    if (kind !== 'basic' && kind !== 'bearer') {
      plan.problems.push(`routes.${route.name}.credential.kind: must be basic or bearer`)
    } else if (stored.get(route.name) !== sealed) {
      const bytes = new Uint8Array(Buffer.from(sealed, 'base64'))
      plan.changes.push({
        kind: 'credential.set',
        route: route.name,
        credentialKind: kind,
        sealed: bytes,
        text: `~ credential ${route.name} (${kind}, sealed)`,
      })
    }
  }
}

function planAllowList(db: Store, doc: ExportDocument, isPrune: boolean, plan: ImportPlan): void {
  const current = new Map(listAllowEntries(db).map((e) => [`${e.route ?? ''} ${e.cidr}`, e]))
  const seen = new Set<string>()
  doc.allowList.forEach((entry, i) => {
    const { cidr, problems } = normaliseCidr(entry.cidr)
    plan.problems.push(
      ...problems.map((p) => `allowList[${i}].cidr: ${p.replace(/^allowList\.cidr: /, '')}`),
    )
    if (!cidr) return
    const key = `${entry.route ?? ''} ${cidr}`
    const where = entry.route ? `route ${entry.route}` : 'global'
    if (seen.has(key))
      plan.problems.push(`allowList[${i}]: ${cidr} (${where}) appears more than once`)
    seen.add(key)
    const found = current.get(key)
    if (!found) {
      plan.changes.push({
        kind: 'allow.add',
        cidr,
        route: entry.route,
        note: entry.note,
        text: `+ allow ${cidr} (${where}) "${entry.note}"`,
      })
    } else if (found.note !== entry.note) {
      plan.changes.push({
        kind: 'allow.note',
        id: found.id,
        note: entry.note,
        text: `~ allow ${cidr} (${where}): note "${entry.note}"`,
      })
    }
  })
  if (!isPrune) return
  for (const [key, entry] of current) {
    if (!seen.has(key)) {
      const where = entry.route ? `route ${entry.route}` : 'global'
      plan.changes.push({
        kind: 'allow.remove',
        id: entry.id,
        text: `- allow ${entry.cidr} (${where})`,
      })
    }
  }
}

function planTrusted(db: Store, doc: ExportDocument, isPrune: boolean, plan: ImportPlan): void {
  const current = new Map(listTrustedProxies(db).map((t) => [t.cidr, t]))
  const seen = new Set<string>()
  doc.trustedProxies.forEach((entry, i) => {
    const { cidr, problems } = normaliseCidr(entry.cidr)
    plan.problems.push(
      ...problems.map((p) => `trustedProxies[${i}].cidr: ${p.replace(/^allowList\.cidr: /, '')}`),
    )
    if (!cidr) return
    if (seen.has(cidr)) plan.problems.push(`trustedProxies[${i}]: ${cidr} appears more than once`)
    const unsafe = trustProblem(cidr)
    if (unsafe) plan.problems.push(`trustedProxies[${i}].cidr: ${unsafe}`)
    seen.add(cidr)
    const found = current.get(cidr)
    if (!found)
      plan.changes.push({
        kind: 'trusted.add',
        cidr,
        note: entry.note,
        text: `+ trusted ${cidr} "${entry.note}"`,
      })
    else if (found.note !== entry.note) {
      plan.changes.push({
        kind: 'trusted.note',
        id: found.id,
        note: entry.note,
        text: `~ trusted ${cidr}: note "${entry.note}"`,
      })
    }
  })
  if (!isPrune) return
  for (const cidr of current.keys()) {
    if (!seen.has(cidr))
      plan.changes.push({ kind: 'trusted.remove', cidr, text: `- trusted ${cidr}` })
  }
}

function keyDifferences(current: ApiKey, key: ExportedKey): string[] {
  const changed: string[] = []
  if (current.routes.join(',') !== [...key.routes].sort().join(',')) changed.push('routes')
  if (current.expiresAt !== time(key.expiresAt)) changed.push('expiresAt')
  if ((current.revokedAt === undefined) !== (key.revokedAt === null)) changed.push('revoked')
  if (
    (current.ratePerMinute ?? null) !== key.ratePerMinute ||
    (current.rateBurst ?? null) !== key.rateBurst
  ) {
    changed.push('rate')
  }
  return changed
}

function planKeys(db: Store, doc: ExportDocument, isPrune: boolean, plan: ImportPlan): void {
  const keys = listApiKeys(db)
  const byName = new Map(keys.map((k) => [k.name, k]))
  for (const name of duplicates(doc.keys.map((k) => k.name)))
    plan.problems.push(`keys.${name}: appears more than once`)
  for (const key of doc.keys) {
    const current = byName.get(key.name)
    if (!current) {
      if (!key.hash || !/^[0-9a-f]{64}$/.test(key.hash)) {
        plan.problems.push(
          `keys.${key.name}: not in this store and the file has no hash ` +
            '(export with --include-secrets, or leave it out)',
        )
      } else
        plan.changes.push({
          kind: 'key.add',
          key: { ...key, hash: key.hash },
          text: `+ key ${key.name} (${key.keyId}) → ${key.routes.join(',')}`,
        })
      continue
    }
    if (current.keyId !== key.keyId)
      plan.problems.push(
        `keys.${key.name}: keyId ${key.keyId} is not this store's key of that name ` +
          `(${current.keyId})`,
      )
    if (current.revokedAt !== undefined && key.revokedAt === null)
      plan.problems.push(
        `keys.${key.name}: is revoked here; a revoked key is never brought back (create a new one)`,
      )
    const changed = keyDifferences(current, key)
    if (changed.length)
      plan.changes.push({
        kind: 'key.update',
        key,
        current,
        text: `~ key ${key.name}: ${changed.join(', ')}`,
      })
  }
  if (!isPrune) return
  const names = new Set(doc.keys.map((k) => k.name))
  for (const key of keys) {
    if (!names.has(key.name) && key.revokedAt === undefined)
      plan.changes.push({ kind: 'key.revoke', name: key.name, text: `- key ${key.name} (revoked)` })
  }
}

function planSettings(db: Store, doc: ExportDocument, plan: ImportPlan): void {
  const current = readSettings(db)
  for (const name of Object.keys(doc.settings).sort()) {
    const value = doc.settings[name]!
    if (current[name] !== value)
      plan.changes.push({
        kind: 'setting.set',
        name,
        value,
        text: `~ setting ${name}: ${current[name] ?? '(unknown)'} → ${value}`,
      })
  }
}

/** Compares the file with the store: what would change, and what is wrong with the file. */
export function planImport(
  db: Store,
  doc: ExportDocument,
  options: { isPrune?: boolean; absent?: readonly PrunableSection[] } = {},
): ImportPlan {
  // A list the file leaves out says nothing about what the store should hold: never prune it.
  const prunes = (section: PrunableSection) =>
    Boolean(options.isPrune) && !options.absent?.includes(section)
  const plan: ImportPlan = { changes: [], problems: [] }
  planRoutes(db, doc, prunes('routes'), plan)
  planCredentials(db, doc, plan)
  planAllowList(db, doc, prunes('allowList'), plan)
  planTrusted(db, doc, prunes('trustedProxies'), plan)
  planKeys(db, doc, prunes('keys'), plan)
  planSettings(db, doc, plan)
  return plan
}
