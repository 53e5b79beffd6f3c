/**
 * Reading a settings export back: JSON, then the shape of every field, with every problem
 * reported at once as `path: problem`. What the values mean is checked by the import plan.
 */
import type { ExportDocument, ExportedAllowEntry, ExportedKey, ExportedRoute } from './export.ts'
import { exportFormat } from './export.ts'

type Json = unknown

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

  time(value: Json, at: string): string | null {
    const text = this.optionalText(value, at)
    if (text !== null && Number.isNaN(Date.parse(text))) {
      this.problems.push(`${at}: "${text}" is not a date and time (like 2027-01-31T00:00:00.000Z)`)
    }
    return text
  }
}

function readCredential(r: Reader, value: Json, at: string): ExportedRoute['credential'] {
  if (value === null || value === undefined) return null
  const c = r.record(value, at)
  const credential: ExportedRoute['credential'] = { kind: r.text(c.kind, `${at}.kind`) }
  if (c.sealed !== undefined) credential.sealed = r.text(c.sealed, `${at}.sealed`)
  return credential
}

function readRoute(r: Reader, value: Json, i: number): ExportedRoute {
  const v = r.record(value, `routes[${i}]`)
  const at = `routes.${typeof v.name === 'string' ? v.name : `[${i}]`}`
  const policy = r.record(v.policy, `${at}.policy`)
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
  return {
    cidr: r.text(v.cidr, `allowList[${i}].cidr`),
    route: r.optionalText(v.route, `allowList[${i}].route`),
    note: r.text(v.note ?? '', `allowList[${i}].note`),
  }
}

function readKey(r: Reader, value: Json, i: number): ExportedKey {
  const v = r.record(value, `keys[${i}]`)
  const at = `keys.${typeof v.name === 'string' ? v.name : `[${i}]`}`
  const key: ExportedKey = {
    name: r.text(v.name, `${at}.name`),
    keyId: r.text(v.keyId, `${at}.keyId`),
    routes: r.texts(v.routes, `${at}.routes`),
    createdAt: r.time(v.createdAt, `${at}.createdAt`) ?? new Date().toISOString(),
    expiresAt: r.time(v.expiresAt, `${at}.expiresAt`),
    revokedAt: r.time(v.revokedAt, `${at}.revokedAt`),
    ratePerMinute: r.optionalNumber(v.ratePerMinute, `${at}.ratePerMinute`),
    rateBurst: r.optionalNumber(v.rateBurst, `${at}.rateBurst`),
  }
  if (v.hash !== undefined) key.hash = r.text(v.hash, `${at}.hash`)
  return key
}

function readSettingsBlock(r: Reader, value: Json): Record<string, number> {
  const v = r.record(value ?? {}, 'settings')
  return Object.fromEntries(Object.entries(v).map(([n, x]) => [n, r.number(x, `settings.${n}`)]))
}

/** Parses an export; returns the document or every problem found. */
export function parseExport(text: string): { doc?: ExportDocument; problems: string[] } {
  let json: Json
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { problems: [`file: not JSON (${(error as Error).message})`] }
  }
  const r = new Reader()
  const top = r.record(json, 'file')
  if (top.japroxy !== 'settings' || top.format !== exportFormat) {
    return { problems: [`file: not a japroxy settings export of format ${exportFormat}`] }
  }
  const doc: ExportDocument = {
    japroxy: 'settings',
    format: exportFormat,
    routes: r.list(top.routes ?? [], 'routes').map((v, i) => readRoute(r, v, i)),
    allowList: r.list(top.allowList ?? [], 'allowList').map((v, i) => readAllowEntry(r, v, i)),
    trustedProxies: r.list(top.trustedProxies ?? [], 'trustedProxies').map((v, i) => {
      const t = r.record(v, `trustedProxies[${i}]`)
      return {
        cidr: r.text(t.cidr, `trustedProxies[${i}].cidr`),
        note: r.text(t.note ?? '', `trustedProxies[${i}].note`),
      }
    }),
    keys: r.list(top.keys ?? [], 'keys').map((v, i) => readKey(r, v, i)),
    settings: readSettingsBlock(r, top.settings),
  }
  if (top.publicKey !== undefined) doc.publicKey = r.text(top.publicKey, 'publicKey')
  return r.problems.length ? { problems: r.problems } : { doc, problems: [] }
}
