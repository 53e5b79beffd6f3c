/**
 * Reading a settings export back: JSON, then the shape of every field, with every problem
 * reported at once as `path: problem`. What the values mean is checked by the import plan.
 */
import type { ExportDocument, ExportedAllowEntry, ExportedKey, ExportedRoute } from './export.ts'
import { exportFormat } from './export.ts'
import { settingDefinitions } from './settings.ts'

type Json = unknown

/** The lists `--prune` may empty; a list the file leaves out is never pruned. */
export const prunableSections = ['routes', 'allowList', 'trustedProxies', 'keys'] as const

/** One of the lists `--prune` may empty. */
export type PrunableSection = (typeof prunableSections)[number]

/** How many single-character edits turn `a` into `b` (Levenshtein distance). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}

/** A section's value, or an empty list when the file leaves it out; `null` is refused as one. */
function listOrAbsent(value: Json | undefined): Json {
  return value === undefined ? [] : value
}

/** The known name `name` most likely misspells, if one is close enough. */
function likelyName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(name, candidate)
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined
}

const routeFields = [
  'name',
  'basePath',
  'upstreamUrl',
  'publicUrl',
  'upstreamCaFile',
  'upstreamPin',
  'isPlainHttpAllowed',
  'rewriteLinks',
  'headerTimeoutMs',
  'anonymousPaths',
  'policy',
  'credential',
]
const keyFields = [
  'name',
  'keyId',
  'routes',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'ratePerMinute',
  'rateBurst',
  'hash',
]
const topFields = ['japroxy', 'format', 'publicKey', ...prunableSections, 'settings']
const settingNames = settingDefinitions.map((d) => d.name)

/** Collects problems while reading fields of unknown JSON. */
class Reader {
  readonly problems: string[] = []

  record(value: Json, at: string): Record<string, Json> {
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, Json>
    this.problems.push(`${at}: must be an object`)
    return {}
  }

  list(value: Json, at: string): Json[] {
    if (Array.isArray(value)) return value
    this.problems.push(`${at}: must be a list`)
    return []
  }

  text(value: Json, at: string): string {
    if (typeof value === 'string') return value
    this.problems.push(`${at}: must be a string`)
    return ''
  }

  optionalText(value: Json, at: string): string | null {
    return value === null || value === undefined ? null : this.text(value, at)
  }

  number(value: Json, at: string): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value
    this.problems.push(`${at}: must be a number`)
    return 0
  }

  optionalNumber(value: Json, at: string): number | null {
    return value === null || value === undefined ? null : this.number(value, at)
  }

  flag(value: Json, at: string): boolean {
    if (typeof value === 'boolean') return value
    this.problems.push(`${at}: must be true or false`)
    return false
  }

  texts(value: Json, at: string): string[] {
    return this.list(value, at).map((item, i) => this.text(item, `${at}[${i}]`))
  }

  /** Refuses fields outside `known`: a misspelt field would otherwise be ignored unseen. */
  known(value: Record<string, Json>, known: readonly string[], at: string): void {
    for (const name of Object.keys(value)) {
      if (known.includes(name)) continue
      const likely = likelyName(name, known)
      const path = at ? `${at}.${name}` : name
      this.problems.push(`${path}: unknown field${likely ? ` (did you mean ${likely}?)` : ''}`)
    }
  }

  /** Text that must match `pattern`; `rule` says what a good value looks like. */
  matching(value: Json, at: string, pattern: RegExp, rule: (text: string) => string): string {
    const text = this.text(value, at)
    if (typeof value === 'string' && !pattern.test(text)) this.problems.push(`${at}: ${rule(text)}`)
    return text
  }

  time(value: Json, at: string): string | null {
    const text = this.optionalText(value, at)
    if (text !== null && Number.isNaN(Date.parse(text))) {
      this.problems.push(`${at}: "${text}" is not a date and time (like 2027-01-31T00:00:00.000Z)`)
    }
    return text
  }
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function readCredential(r: Reader, value: Json, at: string): ExportedRoute['credential'] {
  if (value === null || value === undefined) return null
  const c = r.record(value, at)
  r.known(c, ['kind', 'sealed'], at)
  const kind = r.matching(
    c.kind,
    `${at}.kind`,
    /^(basic|bearer)$/,
    (text) => `"${text}" is not basic or bearer`,
  )
  const credential: ExportedRoute['credential'] = { kind }
  if (c.sealed !== undefined) {
    credential.sealed = r.matching(c.sealed, `${at}.sealed`, base64, () => 'not base64')
  }
  return credential
}

function readRoute(r: Reader, value: Json, i: number): ExportedRoute {
  const v = r.record(value, `routes[${i}]`)
  const at = `routes.${typeof v.name === 'string' ? v.name : `[${i}]`}`
  r.known(v, routeFields, at)
  const policy = r.record(v.policy, `${at}.policy`)
  r.known(policy, ['profile', 'rules'], `${at}.policy`)
  return {
    name: r.text(v.name, `${at}.name`),
    basePath: r.text(v.basePath, `${at}.basePath`),
    upstreamUrl: r.text(v.upstreamUrl, `${at}.upstreamUrl`),
    publicUrl: r.optionalText(v.publicUrl, `${at}.publicUrl`),
    upstreamCaFile: r.optionalText(v.upstreamCaFile, `${at}.upstreamCaFile`),
    upstreamPin: r.optionalText(v.upstreamPin, `${at}.upstreamPin`),
    isPlainHttpAllowed: r.flag(v.isPlainHttpAllowed ?? false, `${at}.isPlainHttpAllowed`),
    rewriteLinks: r.flag(v.rewriteLinks ?? true, `${at}.rewriteLinks`),
    headerTimeoutMs: r.number(v.headerTimeoutMs, `${at}.headerTimeoutMs`),
    anonymousPaths: r.texts(v.anonymousPaths, `${at}.anonymousPaths`),
    policy: {
      profile: r.text(policy.profile, `${at}.policy.profile`),
      rules: r.texts(policy.rules ?? [], `${at}.policy.rules`),
    },
    credential: readCredential(r, v.credential, `${at}.credential`),
  }
}

function readAllowEntry(r: Reader, value: Json, i: number): ExportedAllowEntry {
  const v = r.record(value, `allowList[${i}]`)
  r.known(v, ['cidr', 'route', 'note'], `allowList[${i}]`)
  return {
    cidr: r.text(v.cidr, `allowList[${i}].cidr`),
    route: r.optionalText(v.route, `allowList[${i}].route`),
    note: r.text(v.note ?? '', `allowList[${i}].note`),
  }
}

function readKey(r: Reader, value: Json, i: number): ExportedKey {
  const v = r.record(value, `keys[${i}]`)
  const at = `keys.${typeof v.name === 'string' ? v.name : `[${i}]`}`
  r.known(v, keyFields, at)
  const key: ExportedKey = {
    name: r.text(v.name, `${at}.name`),
    keyId: r.matching(
      v.keyId,
      `${at}.keyId`,
      /^[a-z0-9]{4,32}$/,
      (text) => `"${text}" is not a keyId (4 to 32 lower-case letters and digits)`,
    ),
    routes: r.texts(v.routes, `${at}.routes`),
    createdAt: r.time(v.createdAt, `${at}.createdAt`) ?? new Date().toISOString(),
    expiresAt: r.time(v.expiresAt, `${at}.expiresAt`),
    revokedAt: r.time(v.revokedAt, `${at}.revokedAt`),
    ratePerMinute: r.optionalNumber(v.ratePerMinute, `${at}.ratePerMinute`),
    rateBurst: r.optionalNumber(v.rateBurst, `${at}.rateBurst`),
  }
  if (v.hash !== undefined) {
    key.hash = r.matching(
      v.hash,
      `${at}.hash`,
      /^[0-9a-f]{64}$/,
      () => 'not a key hash (64 lower-case hex digits, as export --include-secrets writes)',
    )
  }
  return key
}

function readSettingsBlock(r: Reader, value: Json): Record<string, number> {
  const v = r.record(value ?? {}, 'settings')
  r.known(v, settingNames, 'settings')
  return Object.fromEntries(Object.entries(v).map(([n, x]) => [n, r.number(x, `settings.${n}`)]))
}

/** What parsing an export found: the document, or every problem; and the lists it left out. */
export interface ParsedExport {
  doc?: ExportDocument
  problems: string[]
  /** Lists the file does not have: `--prune` leaves them as they are. */
  absent: PrunableSection[]
}

/** Parses an export; returns the document or every problem found. */
export function parseExport(text: string): ParsedExport {
  let json: Json
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { problems: [`file: not JSON (${(error as Error).message})`], absent: [] }
  }
  const r = new Reader()
  const top = r.record(json, 'file')
  if (top.japroxy !== 'settings' || top.format !== exportFormat) {
    return {
      problems: [`file: not a japroxy settings export of format ${exportFormat}`],
      absent: [],
    }
  }
  r.known(top, topFields, '')
  const absent = prunableSections.filter((name) => top[name] === undefined)
  const doc: ExportDocument = {
    japroxy: 'settings',
    format: exportFormat,
    routes: r.list(listOrAbsent(top.routes), 'routes').map((v, i) => readRoute(r, v, i)),
    allowList: r
      .list(listOrAbsent(top.allowList), 'allowList')
      .map((v, i) => readAllowEntry(r, v, i)),
    trustedProxies: r.list(listOrAbsent(top.trustedProxies), 'trustedProxies').map((v, i) => {
      const t = r.record(v, `trustedProxies[${i}]`)
      r.known(t, ['cidr', 'note'], `trustedProxies[${i}]`)
      return {
        cidr: r.text(t.cidr, `trustedProxies[${i}].cidr`),
        note: r.text(t.note ?? '', `trustedProxies[${i}].note`),
      }
    }),
    keys: r.list(listOrAbsent(top.keys), 'keys').map((v, i) => readKey(r, v, i)),
    settings: readSettingsBlock(r, top.settings),
  }
  if (top.publicKey !== undefined) doc.publicKey = r.text(top.publicKey, 'publicKey')
  return r.problems.length ? { problems: r.problems, absent } : { doc, problems: [], absent }
}
