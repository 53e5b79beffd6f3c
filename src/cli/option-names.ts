/**
 * The store words a problem by the field it is about (`routes.prod.upstreamCaFile: …`), as an
 * import file names it. An admin command says the option instead (`--ca-file: …`), so the
 * message points at what was typed. `import` keeps the field paths: they are the file's.
 */

// Fields by their path after the section (and a route's name), with what the command calls them.
const optionNames: Record<string, string> = {
  'routes.name': 'NAME',
  'routes.basePath': '--base-path',
  'routes.upstreamUrl': '--upstream',
  'routes.publicUrl': '--public-url',
  'routes.upstreamCaFile': '--ca-file',
  'routes.upstreamPin': '--pin',
  'routes.headerTimeoutMs': '--header-timeout',
  'routes.anonymousPaths': '--anonymous',
  'routes.policy.rules': '--rule',
  'routes.policy.profile': '--profile',
  'keys.name': 'NAME',
  'keys.routes': '--route',
  'keys.expires': 'the expiry',
  'keys.rate': 'RATE',
  'keys.burst': '--burst',
  'allowList.cidr': 'ADDRESS',
  'allowList.note': '--note',
  'allowList.route': '--route',
  'trustedProxies.cidr': 'ADDRESS',
  'trustedProxies.note': '--note',
  'credential.username': '--user',
  'credential.password': 'the password',
  'credential.token': 'the token',
}

// `routes.NAME.field` or `section.field`, an optional `[i]`, then the colon.
const routeField = /^(routes)\.[^.:]+\.([A-Za-z]+(?:\.[A-Za-z]+)?)(?:\[\d+\])?:/
const sectionField = /^(keys|allowList|trustedProxies|credential)\.([A-Za-z]+)(?:\[\d+\])?:/
const fieldPath = new RegExp(`${routeField.source}|${sectionField.source}`)

/** `problem` with its leading field path replaced by the name `names` gives it, if any. */
export function renameField(problem: string, names: Readonly<Record<string, string>>): string {
  const match = fieldPath.exec(problem)
  if (!match) return problem
  const field = match[1] ? `${match[1]}.${match[2]}` : `${match[3]}.${match[4]}`
  const name = names[field]
  return name ? `${name}:${problem.slice(match[0].length)}` : problem
}

/** `problem` with its leading field path replaced by the option's name, when it has one. */
export function namedAsOption(problem: string): string {
  return renameField(problem, optionNames)
}

/** `problem` without its leading field path, for a place that already shows the field. */
export function withoutFieldPath(problem: string): string {
  const match = fieldPath.exec(problem)
  return match ? problem.slice(match[0].length).trimStart() : problem
}
