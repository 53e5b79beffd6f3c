/** Routes: one public base path to one upstream, with its timeouts, anonymous paths and policy. */
import { existsSync, readFileSync } from 'node:fs'
import { defaultAnonymousPaths, defaultHeaderTimeoutMs, defaultProfile } from '../src/defaults.ts'
import { type EndpointPolicy, parseRule } from '../src/proxy/endpoint-policy.ts'
import { parseIp } from './cidr.ts'
import { applyChange, type Store, StoreError, ValidationError } from './db.ts'
import { firstUnsafeCharacter } from './unsafe-text.ts'

/** What is wrong with a CA file: missing, unreadable, or holding no PEM certificate. */
function caFileProblem(path: string): string | undefined {
  if (!existsSync(path)) return `${path} does not exist (give a PEM file)`
  try {
    if (readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----')) return undefined
    return `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`
  } catch (error) {
    return `${path} cannot be read (${(error as Error).message})`
  }
}

/** A route as stored. */
export interface Route {
  id: number
  name: string
  basePath: string
  upstreamUrl: string
  publicUrl: string | undefined
  upstreamCaFile: string | undefined
  /** SHA-256 fingerprint the upstream certificate must have (hex, colons allowed). */
  upstreamPin: string | undefined
  /** The admin allowed a plain http:// upstream that is not on loopback. */
  isPlainHttpAllowed: boolean
  /**
   * Rewrite links to the upstream in JSON response bodies to the public URL (#7). On by
   * default; takes effect only when the route has a public URL.
   */
  rewriteLinks: boolean
  headerTimeoutMs: number
  anonymousPaths: string[]
  policy: EndpointPolicy
  createdAt: number
  updatedAt: number
}

/** The editable fields of a route. */
export type RouteFields = Omit<Route, 'id' | 'createdAt' | 'updatedAt'>

/** Options that loosen validation; each one is a decision the admin makes explicitly. */
export interface RouteRules {
  /** Allows `http://` upstreams that are not on loopback. */
  isPlainHttpAllowed?: boolean
}

/** Fills in defaults for a new route. */
export function newRouteFields(
  fields: Pick<RouteFields, 'name' | 'basePath' | 'upstreamUrl'> & Partial<RouteFields>,
): RouteFields {
  return {
    publicUrl: undefined,
    upstreamCaFile: undefined,
    upstreamPin: undefined,
    isPlainHttpAllowed: false,
    rewriteLinks: true,
    headerTimeoutMs: defaultHeaderTimeoutMs,
    anonymousPaths: [...defaultAnonymousPaths],
    policy: { profile: defaultProfile, rules: [] },
    ...fields,
  }
}

const namePattern = /^[a-z0-9][a-z0-9-]{0,62}$/
const pinPattern = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/
const basePathPattern = /^(\/[A-Za-z0-9._~-]+)+$/

/** Problems with free-text route fields that hold a control character (ESC, BEL, DEL...). */
function controlProblems(at: string, fields: RouteFields): string[] {
  const texts = {
    upstreamUrl: fields.upstreamUrl,
    publicUrl: fields.publicUrl,
    upstreamCaFile: fields.upstreamCaFile,
  }
  return Object.entries(texts).flatMap(([name, text]) => {
    const found = firstUnsafeCharacter(text)
    return found ? [`${at}.${name}: has a control character (${found})`] : []
  })
}

/**
 * Checks a route against the rules and the other routes; returns every problem as
 * `routes.NAME.field: problem (what to do)`. Pure apart from checking the CA file exists.
 */
export function validateRoute(
  fields: RouteFields,
  others: readonly Route[],
  rules: RouteRules = {},
): string[] {
  const at = `routes.${fields.name || '?'}`
  const problems: string[] = []
  if (!namePattern.test(fields.name)) {
    problems.push(
      `${at}.name: "${fields.name}" is not a valid name (lower-case letters, digits, -)`,
    )
  }
  if (others.some((r) => r.name === fields.name)) {
    problems.push(`${at}.name: a route named "${fields.name}" already exists (choose another)`)
  }
  if (!basePathPattern.test(fields.basePath) || /\/\.\.?(\/|$)/.test(fields.basePath)) {
    problems.push(
      `${at}.basePath: "${fields.basePath}" is not a base path (like /jira-prod, no trailing /)`,
    )
  }
  const clash = others.find((r) => r.basePath === fields.basePath)
  if (clash) problems.push(`${at}.basePath: already used by route "${clash.name}" (choose another)`)
  const isPlainAllowed = Boolean(rules.isPlainHttpAllowed || fields.isPlainHttpAllowed)
  problems.push(...upstreamProblems(at, fields.upstreamUrl, { isPlainHttpAllowed: isPlainAllowed }))
  if (fields.upstreamPin !== undefined && !pinPattern.test(fields.upstreamPin)) {
    problems.push(`${at}.upstreamPin: not a SHA-256 fingerprint (64 hex digits, colons allowed)`)
  }
  if (fields.publicUrl !== undefined) problems.push(...publicUrlProblems(at, fields.publicUrl))
  const caProblem = fields.upstreamCaFile && caFileProblem(fields.upstreamCaFile)
  if (caProblem) problems.push(`${at}.upstreamCaFile: ${caProblem}`)
  if (
    !Number.isInteger(fields.headerTimeoutMs) ||
    fields.headerTimeoutMs < 100 ||
    fields.headerTimeoutMs > 3_600_000
  ) {
    problems.push(
      `${at}.headerTimeoutMs: must be from 100 ms to 1 hour (3600000 ms; a duration like 30s where one is typed)`,
    )
  }
  fields.anonymousPaths.forEach((entry, i) => {
    const problem = anonymousPathProblem(entry)
    if (problem) problems.push(`${at}.anonymousPaths[${i}]: ${problem}`)
  })
  problems.push(...policyProblems(at, fields.policy))
  problems.push(...controlProblems(at, fields))
  return problems
}

/** A URL as echoed in a message: a user and password in it are never repeated. */
function echoedUrl(text: string): string {
  return text.replace(/^([^/]*\/\/)[^/?#]*@/, '$1…@')
}

function upstreamProblems(at: string, text: string, rules: RouteRules): string[] {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return [
      `${at}.upstreamUrl: "${echoedUrl(text)}" is not an http(s) URL (like https://jira.internal:8443)`,
    ]
  }
  if (url.username || url.password) {
    return [`${at}.upstreamUrl: must not hold a user or password (use \`japroxy credential set\`)`]
  }
  if (url.search || url.hash) return [`${at}.upstreamUrl: must not have a query or fragment`]
  if (url.protocol === 'http:' && !rules.isPlainHttpAllowed && !isLoopbackHost(url.hostname)) {
    return [
      `${at}.upstreamUrl: plain http is only allowed to loopback` +
        ' (use https, or --allow-plain-http on `japroxy route add` or `route set`)',
    ]
  }
  return []
}

/** Whether a URL host names the loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true
  const ip = parseIp(hostname)
  if (!ip) return false
  return ip.family === 4 ? ip.value >>> 24 === 127 : ip.value === 1n
}

function publicUrlProblems(at: string, text: string): string[] {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url && (url.username || url.password))
    return [`${at}.publicUrl: must not hold a user or password`]
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    return [
      `${at}.publicUrl: "${echoedUrl(text)}" is not a plain http(s) URL (like https://japroxy.example.com)`,
    ]
  }
  if (url.pathname !== '/') {
    return [
      `${at}.publicUrl: give the origin only (like https://japroxy.example.com); the base path is added`,
    ]
  }
  return []
}

/** Checks one anonymous path entry (`METHOD /exact/path`); undefined when fine. */
export function anonymousPathProblem(entry: string): string | undefined {
  const match = /^([A-Z]+) (\/[A-Za-z0-9._~!$&'()*+,=:@/-]*)$/.exec(entry)
  if (!match || match[2]!.includes('//') || /\/\.\.?(\/|$)/.test(match[2]!)) {
    return `"${entry}" is not "METHOD /exact/path" (like "GET /rest/api/2/serverInfo")`
  }
  // Anonymous paths are exact: a pattern here would be taken literally and match nothing.
  if (match[2]!.includes('*'))
    return `"${entry}" has a pattern; anonymous paths are exact (like "GET /rest/api/2/serverInfo")`
  return undefined
}

function policyProblems(at: string, policy: EndpointPolicy): string[] {
  const problems: string[] = []
  if (policy.profile !== 'jira-align' && policy.profile !== 'none') {
    problems.push(`${at}.policy.profile: "${policy.profile}" is not jira-align or none`)
  }
  policy.rules.forEach((text, i) => {
    const rule = parseRule(text)
    if (typeof rule === 'string') problems.push(`${at}.policy.rules[${i}]: ${rule}`)
  })
  return problems
}

interface RouteRow {
  id: number
  name: string
  base_path: string
  upstream_url: string
  public_url: string | null
  upstream_ca_file: string | null
  upstream_pin: string | null
  is_plain_http_allowed: number
  rewrite_links: number
  header_timeout_ms: number
  anonymous_paths: string
  endpoint_policy: string
  created_at: number
  updated_at: number
}

function fromRow(row: RouteRow): Route {
  return {
    id: row.id,
    name: row.name,
    basePath: row.base_path,
    upstreamUrl: row.upstream_url,
    publicUrl: row.public_url ?? undefined,
    upstreamCaFile: row.upstream_ca_file ?? undefined,
    upstreamPin: row.upstream_pin ?? undefined,
    isPlainHttpAllowed: row.is_plain_http_allowed === 1,
    rewriteLinks: row.rewrite_links === 1,
    headerTimeoutMs: row.header_timeout_ms,
    anonymousPaths: JSON.parse(row.anonymous_paths),
    policy: JSON.parse(row.endpoint_policy),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Every route, by name. */
export function listRoutes(db: Store): Route[] {
  return (db.query('SELECT * FROM routes ORDER BY name').all() as RouteRow[]).map(fromRow)
}

/** One route by name, or a StoreError listing the names there are. */
export function getRoute(db: Store, name: string): Route {
  const row = db.query('SELECT * FROM routes WHERE name = ?').get(name) as RouteRow | null
  if (!row) {
    const names = listRoutes(db).map((r) => r.name)
    throw new StoreError(
      `no route named "${name}"`,
      names.length ? `routes are: ${names.join(', ')}` : 'add one with `japroxy route add`',
    )
  }
  return fromRow(row)
}

function rowValues(fields: RouteFields, now: number): (string | number | null)[] {
  return [
    fields.name,
    fields.basePath,
    fields.upstreamUrl,
    fields.publicUrl ?? null,
    fields.upstreamCaFile ?? null,
    fields.headerTimeoutMs,
    JSON.stringify(fields.anonymousPaths),
    JSON.stringify(fields.policy),
    fields.upstreamPin ?? null,
    fields.isPlainHttpAllowed ? 1 : 0,
    fields.rewriteLinks ? 1 : 0,
    now,
  ]
}

/** Adds a validated route; throws StoreError listing every problem, writing nothing. */
export function addRoute(
  db: Store,
  actor: string,
  fields: RouteFields,
  rules: RouteRules = {},
): Route {
  const problems = validateRoute(fields, listRoutes(db), rules)
  if (problems.length) throw new ValidationError(problems)
  return applyChange(
    db,
    { actor, action: 'route.add', target: fields.name, detail: { ...fields } },
    () => {
      const now = Date.now()
      db.query(
        `INSERT INTO routes (name, base_path, upstream_url, public_url, upstream_ca_file,
        header_timeout_ms, anonymous_paths, endpoint_policy, upstream_pin, is_plain_http_allowed,
        rewrite_links, updated_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...rowValues(fields, now), now)
      return getRoute(db, fields.name)
    },
  )
}

/** Replaces a route's fields (its name stays); validates first. */
export function updateRoute(
  db: Store,
  actor: string,
  fields: RouteFields,
  rules: RouteRules = {},
): Route {
  const current = getRoute(db, fields.name)
  const others = listRoutes(db).filter((r) => r.id !== current.id)
  const problems = validateRoute(fields, others, rules)
  if (problems.length) throw new ValidationError(problems)
  return applyChange(
    db,
    { actor, action: 'route.set', target: fields.name, detail: { ...fields } },
    () => {
      db.query(
        `UPDATE routes SET name = ?, base_path = ?, upstream_url = ?, public_url = ?,
        upstream_ca_file = ?, header_timeout_ms = ?, anonymous_paths = ?, endpoint_policy = ?,
        upstream_pin = ?, is_plain_http_allowed = ?, rewrite_links = ?, updated_at = ?
        WHERE id = ?`,
      ).run(...rowValues(fields, Date.now()), current.id)
      return getRoute(db, fields.name)
    },
  )
}

/** Removes a route with its credential, grants and allow-list entries. */
export function removeRoute(db: Store, actor: string, name: string): void {
  const route = getRoute(db, name)
  applyChange(db, { actor, action: 'route.remove', target: name }, () => {
    db.query('DELETE FROM routes WHERE id = ?').run(route.id)
  })
}
