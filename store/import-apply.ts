/**
 * Applying an import plan: every change in one immediate transaction, through the same store
 * functions the commands use (so the same validation and audit records). Every change is tried
 * in its own savepoint so that all problems are found in one run; if there is any problem, or
 * on a dry run, the whole transaction is rolled back and nothing is written.
 */
import { addAllowEntry, isBadNote, noteRule, removeAllowEntry } from './allow-list.ts'
import { bindingHash } from './credentials.ts'
import { applyChange, asStoreError, type Store, StoreError, ValidationError } from './db.ts'
import type { ExportDocument } from './export.ts'
import type { PrunableSection } from './import-parse.ts'
import { type PlannedChange, planImport } from './import-plan.ts'
import { revokeApiKey, setApiKeyExpiry, setApiKeyRateLimit, validateNewKey } from './keys.ts'
import { addRoute, getRoute, removeRoute, updateRoute } from './routes.ts'
import { writeSetting } from './settings.ts'
import { addTrustedProxy, removeTrustedProxy } from './trusted-proxies.ts'

type Change<K extends PlannedChange['kind']> = Extract<PlannedChange, { kind: K }>

// Removals first, so that a renamed base path or CIDR never clashes with what it replaces.
const order: PlannedChange['kind'][] = [
  'allow.remove',
  'trusted.remove',
  'route.remove',
  'route.update',
  'route.add',
  'credential.set',
  'allow.add',
  'allow.note',
  'trusted.add',
  'trusted.note',
  'key.update',
  'key.add',
  'key.revoke',
  'setting.set',
]

function checkNote(note: string): void {
  if (isBadNote(note)) throw new ValidationError([`note: ${noteRule}`])
}

function setSealedCredential(db: Store, actor: string, c: Change<'credential.set'>): void {
  const route = getRoute(db, c.route)
  const detail = { kind: c.credentialKind, via: 'import' }
  applyChange(db, { actor, action: 'credential.set', target: c.route, detail }, () => {
    // The file pairs the sealed value with its route as written; serve checks the binding
    // sealed inside and warns if a hand-edited file paired them wrongly.
    db.query(
      `INSERT INTO credentials (route_id, kind, sealed, set_at, set_by, bound_to)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(route_id) DO UPDATE SET kind = excluded.kind, sealed = excluded.sealed,
       set_at = excluded.set_at, set_by = excluded.set_by, bound_to = excluded.bound_to`,
    ).run(route.id, c.credentialKind, c.sealed, Date.now(), actor, bindingHash(route))
  })
}

function setNote(
  db: Store,
  actor: string,
  table: 'allow_list' | 'trusted_proxies',
  id: number,
  note: string,
): void {
  checkNote(note)
  const action = table === 'allow_list' ? 'allow.note' : 'trusted.note'
  applyChange(db, { actor, action, target: String(id), detail: { note } }, () => {
    db.query(`UPDATE ${table} SET note = ? WHERE id = ?`).run(note, id)
  })
}

function grantRoutes(db: Store, actor: string, name: string, routes: string[]): void {
  const routeIds = routes.map((route) => getRoute(db, route).id)
  if (routeIds.length === 0) throw new ValidationError(['routes: grant at least one route'])
  applyChange(db, { actor, action: 'key.grant', target: name, detail: { routes } }, () => {
    const { id } = db.query('SELECT id FROM api_keys WHERE name = ?').get(name) as { id: number }
    db.query('DELETE FROM api_key_routes WHERE api_key_id = ?').run(id)
    const grant = db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, ?)')
    for (const routeId of routeIds) grant.run(id, routeId)
  })
}

const time = (text: string | null) => (text === null ? undefined : Date.parse(text))

function updateKey(db: Store, actor: string, { key, current }: Change<'key.update'>): void {
  if (current.routes.join(',') !== [...key.routes].sort().join(','))
    grantRoutes(db, actor, key.name, key.routes)
  if (current.expiresAt !== time(key.expiresAt))
    setApiKeyExpiry(db, actor, key.name, time(key.expiresAt))
  const rate =
    key.ratePerMinute === null
      ? undefined
      : { perMinute: key.ratePerMinute, burst: key.rateBurst ?? key.ratePerMinute }
  if (
    (current.ratePerMinute ?? null) !== key.ratePerMinute ||
    (current.rateBurst ?? null) !== key.rateBurst
  ) {
    setApiKeyRateLimit(db, actor, key.name, rate)
  }
  if (current.revokedAt === undefined && key.revokedAt !== null) revokeApiKey(db, actor, key.name)
}

function addKey(db: Store, actor: string, { key }: Change<'key.add'>): void {
  const problems = validateNewKey(db, key.name, key.routes, time(key.expiresAt))
  if (!/^[a-z0-9]{4,32}$/.test(key.keyId))
    problems.push(`keys.keyId: "${key.keyId}" is not a keyId`)
  if (problems.length) throw new ValidationError(problems)
  const detail = { keyId: key.keyId, routes: key.routes, via: 'import' }
  applyChange(db, { actor, action: 'key.create', target: key.name, detail }, () => {
    const row = db
      .query(
        `INSERT INTO api_keys (key_id, name, hash, created_at, expires_at, revoked_at, rate_per_minute,
         rate_burst) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        key.keyId,
        key.name,
        key.hash,
        time(key.createdAt) ?? Date.now(),
        time(key.expiresAt) ?? null,
        time(key.revokedAt) ?? null,
        key.ratePerMinute,
        key.rateBurst,
      ) as { id: number }
    const grant = db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, ?)')
    for (const route of key.routes) grant.run(row.id, getRoute(db, route).id)
  })
}

type Handler<K extends PlannedChange['kind']> = (
  db: Store,
  actor: string,
  change: Change<K>,
) => unknown

// One store function per kind of change: the same validation and audit as the commands.
const handlers: { [K in PlannedChange['kind']]: Handler<K> } = {
  'route.add': (db, actor, c) => addRoute(db, actor, c.fields),
  'route.update': (db, actor, c) => updateRoute(db, actor, c.fields),
  'route.remove': (db, actor, c) => removeRoute(db, actor, c.name),
  'credential.set': setSealedCredential,
  'allow.add': (db, actor, c) =>
    addAllowEntry(db, actor, { cidr: c.cidr, route: c.route ?? undefined, note: c.note }),
  'allow.note': (db, actor, c) => setNote(db, actor, 'allow_list', c.id, c.note),
  'allow.remove': (db, actor, c) => removeAllowEntry(db, actor, { id: c.id }),
  'trusted.add': (db, actor, c) => addTrustedProxy(db, actor, { cidr: c.cidr, note: c.note }),
  'trusted.note': (db, actor, c) => setNote(db, actor, 'trusted_proxies', c.id, c.note),
  'trusted.remove': (db, actor, c) => removeTrustedProxy(db, actor, c.cidr),
  'key.update': updateKey,
  'key.add': addKey,
  'key.revoke': (db, actor, c) => revokeApiKey(db, actor, c.name),
  'setting.set': (db, actor, c) => writeSetting(db, actor, c.name, String(c.value)),
}

function applyOne(db: Store, actor: string, change: PlannedChange): void {
  const handler = handlers[change.kind] as Handler<PlannedChange['kind']>
  handler(db, actor, change)
}

// Problems that already name their route or setting need no label.
const ownPath = /^(routes|settings)\./

/** Tries one change in a savepoint; a refused change adds its problems and leaves no trace. */
function attempt(db: Store, actor: string, change: PlannedChange, problems: string[]): void {
  const label = change.text.slice(2)
  try {
    db.transaction(() => applyOne(db, actor, change))()
  } catch (error) {
    if (error instanceof ValidationError)
      problems.push(...error.problems.map((p) => (ownPath.test(p) ? p : `${label}: ${p}`)))
    else if (error instanceof StoreError) problems.push(`${label}: ${error.message}`)
    else throw error
  }
}

const rollback = new Error('roll back the import')

/** Tries every change; commits only when all succeed and this is not a dry run. */
export function applyImport(
  db: Store,
  changes: readonly PlannedChange[],
  options: { actor: string; isDryRun: boolean },
): string[] {
  const problems: string[] = []
  const sorted = [...changes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
  try {
    db.transaction(() => {
      for (const change of sorted) attempt(db, options.actor, change, problems)
      if (problems.length || options.isDryRun) throw rollback
      if (sorted.length === 0) return
      const detail = { changes: sorted.map((c) => c.text) }
      applyChange(
        db,
        {
          actor: options.actor,
          action: 'settings.import',
          target: `${sorted.length} changes`,
          detail,
        },
        () => {},
      )
    }).immediate()
  } catch (error) {
    if (error !== rollback) throw asStoreError(error, db.filename)
  }
  return problems
}

/** Plans and applies an import, all or nothing; throws ValidationError listing every problem. */
export function importSettings(
  db: Store,
  doc: ExportDocument,
  options: {
    actor: string
    isPrune?: boolean
    isDryRun?: boolean
    absent?: readonly PrunableSection[]
  },
): PlannedChange[] {
  const plan = planImport(db, doc, { isPrune: options.isPrune, absent: options.absent })
  const isDryRun = Boolean(options.isDryRun) || plan.problems.length > 0
  const problems = [
    ...plan.problems,
    ...applyImport(db, plan.changes, { actor: options.actor, isDryRun }),
  ]
  if (problems.length) throw new ValidationError(problems)
  return plan.changes
}
