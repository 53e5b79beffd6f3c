/**
 * Endpoint policy: which method + path pairs a route lets through to Jira.
 *
 * A rule reads `allow|deny METHODS PATTERN`. METHODS is `*` or a comma list (`GET,POST`).
 * PATTERN is exact by default; a `{name}` segment matches exactly one non-empty segment; a
 * pattern ending in `/**` is a prefix rule and matches that path and everything below it.
 * Custom rules are evaluated before the profile's; the first rule that matches decides; when
 * none does, the request is denied. Paths under `/rest/api/latest/` are judged as
 * `/rest/api/2/` (Jira serves the same resources under both; `/rest/agile/latest/` and
 * `/rest/greenhopper/latest/` as `1.0`), and a trailing slash is judged without it (Jersey serves
 * `/x/` as `/x`).
 */

/** One parsed rule. */
export interface PolicyRule {
  effect: 'allow' | 'deny'
  /** Upper-case methods, or undefined for every method. */
  methods: readonly string[] | undefined
  pattern: string
  /** The rule as the admin wrote it (canonical spacing). */
  text: string
}

/** A route's policy as stored: a built-in profile plus custom rules evaluated first. */
export interface EndpointPolicy {
  profile: 'jira-align' | 'none'
  rules: readonly string[]
}

/** What the policy decided and which rule decided it. */
export interface PolicyDecision {
  isAllowed: boolean
  /** The deciding rule's text, or undefined when no rule matched. */
  rule: string | undefined
  source: 'custom' | 'profile' | 'default'
}

/** A compiled policy: `decide` runs per request and never parses. */
export interface CompiledPolicy {
  decide(method: string, path: string): PolicyDecision
}

const jiraAlignMethods = 'GET,POST,PUT,DELETE'

/**
 * Jira administration endpoints the Jira Align connector never needs; denied before the REST
 * families are allowed. Each would let a leaked key change who may do what in Jira, or
 * reconfigure or stall the server.
 */
export const jiraAlignDenyRules: readonly string[] = [
  'deny POST,PUT,DELETE /rest/api/2/user/**',
  'deny * /rest/api/2/group/**',
  'deny POST,PUT,DELETE /rest/api/2/groups/**',
  'deny * /rest/api/2/permissionscheme/**',
  'deny POST,PUT,DELETE /rest/api/2/role/**',
  'deny POST,PUT,DELETE /rest/api/2/project/{projectKey}/role/**',
  'deny * /rest/api/2/applicationrole/**',
  'deny * /rest/api/2/application-properties/**',
  'deny * /rest/api/2/settings/**',
  'deny * /rest/api/2/reindex/**',
  'deny * /rest/api/2/index/**',
  'deny * /rest/api/2/upgrade/**',
  'deny * /rest/api/2/cluster/**',
  'deny * /rest/api/2/auditing/**',
  'deny * /rest/api/2/licenseValidator/**',
  'deny POST,PUT,DELETE /rest/api/2/workflowscheme/**',
  'deny POST,PUT,DELETE /rest/api/2/screens/**',
  'deny POST /rest/api/2/field',
  'deny DELETE /rest/api/2/customFields',
  'deny POST /rest/api/2/project',
  'deny PUT,DELETE /rest/api/2/project/{projectKey}',
  // Per-project schemes and the project's life cycle (archive, restore), found in review (#4).
  'deny POST,PUT,DELETE /rest/api/2/project/{projectKey}/permissionscheme/**',
  'deny POST,PUT,DELETE /rest/api/2/project/{projectKey}/notificationscheme/**',
  'deny POST,PUT,DELETE /rest/api/2/project/{projectKey}/issuesecuritylevelscheme/**',
  'deny * /rest/api/2/project/{projectKey}/archive/**',
  'deny * /rest/api/2/project/{projectKey}/restore/**',
  // Instance-wide configuration: e-mail templates and time tracking (#4).
  'deny * /rest/api/2/email-templates/**',
  'deny POST,PUT,DELETE /rest/api/2/configuration/**',
  // The service account's own password, e-mail address and preferences (#7).
  'deny POST,PUT,DELETE /rest/api/2/myself/**',
  'deny POST,PUT,DELETE /rest/api/2/mypreferences/**',
  // Catalogues every project shares: issue types, priorities, resolutions, categories (#7).
  'deny POST,PUT,DELETE /rest/api/2/issuetype/**',
  'deny POST,PUT,DELETE /rest/api/2/priority/**',
  'deny POST,PUT,DELETE /rest/api/2/resolution/**',
  'deny POST,PUT,DELETE /rest/api/2/projectCategory/**',
  'deny POST,PUT,DELETE /rest/api/2/issueLinkType/**',
  'deny POST,PUT,DELETE /rest/api/2/priorityschemes/**',
  'deny POST,PUT,DELETE /rest/api/2/issuetypescheme/**',
  'deny POST,PUT,DELETE /rest/api/2/notificationscheme/**',
  'deny POST,PUT,DELETE /rest/api/2/workflow/**',
  // Switching on JMX metrics and app monitoring, and mail sent to anyone about an issue (#4).
  'deny * /rest/api/2/monitoring/**',
  'deny POST /rest/api/2/issue/{issueIdOrKey}/notify',
  // Found in the security review: an index snapshot, instance-wide renames of Epic and Sprint,
  // archiving issues (archiving projects was already denied), avatars, boards (#4).
  'deny * /rest/api/2/index-snapshot/**',
  'deny * /rest/api/2/terminology/**',
  'deny * /rest/api/2/nomenclature/**',
  'deny * /rest/api/2/issue/archive/**',
  'deny * /rest/api/2/issue/{issueIdOrKey}/archive/**',
  'deny * /rest/api/2/issue/{issueIdOrKey}/restore/**',
  'deny POST,PUT,DELETE /rest/api/2/universal_avatar/**',
  'deny POST,PUT,DELETE /rest/api/2/avatar/**',
  'deny DELETE /rest/agile/1.0/board/{boardId}',
  'deny POST,PUT,DELETE /rest/greenhopper/1.0/rapidview/**',
  'deny * /rest/greenhopper/1.0/rapidviewconfig/**',
]

/** The REST families Jira Align reads and writes. */
export const jiraAlignAllowRules: readonly string[] = [
  `allow ${jiraAlignMethods} /rest/api/2/**`,
  `allow ${jiraAlignMethods} /rest/agile/1.0/**`,
  `allow ${jiraAlignMethods} /rest/greenhopper/1.0/**`,
]

/** Every rule of a built-in profile, in evaluation order. */
export function profileRules(profile: EndpointPolicy['profile']): readonly string[] {
  return profile === 'jira-align' ? [...jiraAlignDenyRules, ...jiraAlignAllowRules] : []
}

const methodPattern = /^[A-Z]+$/
const segmentPattern = /^([A-Za-z0-9._~!$&'()*+,=:@%-]+|\{[A-Za-z][A-Za-z0-9_]*\})$/

/** Parses one rule; returns it or a problem text saying what is wrong. */
export function parseRule(text: string): PolicyRule | string {
  const parts = text.trim().split(/\s+/)
  if (parts.length !== 3)
    return 'a rule is "allow|deny METHODS PATTERN", e.g. "deny DELETE /rest/api/2/issue/{key}"'
  const [effect, methodText, pattern] = parts as [string, string, string]
  if (effect !== 'allow' && effect !== 'deny') return `"${effect}" is not allow or deny`
  let methods: string[] | undefined
  if (methodText !== '*') {
    methods = methodText.toUpperCase().split(',')
    if (methods.some((m) => !methodPattern.test(m)))
      return `"${methodText}" is not * or a comma list of methods`
  }
  const problem = patternProblem(pattern)
  if (problem) return problem
  return {
    effect,
    methods,
    pattern,
    text: `${effect} ${methods ? methods.join(',') : '*'} ${pattern}`,
  }
}

function patternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return `pattern "${pattern}" must start with /`
  const body = pattern.endsWith('/**') ? pattern.slice(0, -3) : pattern
  if (body === '') return undefined
  const segments = body.slice(1).split('/')
  for (const segment of segments) {
    if (
      !segmentPattern.test(segment) ||
      segment === '.' ||
      segment === '..' ||
      segment.includes('*')
    ) {
      const fix = 'use literal text, {name}, or end with /**'
      return `pattern "${pattern}" has a bad segment "${segment}" (${fix})`
    }
  }
  return undefined
}

/**
 * The path a rule judges: `/rest/api/latest/...` as `/rest/api/2/...` (and `agile` and
 * `greenhopper`'s `latest` as `1.0`), without a trailing slash or a media suffix.
 */
export function policyPath(path: string): string {
  // Jersey (Jira's REST layer) serves `/x/` as `/x`, so a trailing slash is judged without it;
  // Atlassian's REST layer takes `/group.json` as `/group` asking for JSON (and `/x/.json` as
  // `/x/`, so as `/x`): judge them so, until neither applies.
  let trimmed = path
  for (;;) {
    if (trimmed.length > 1 && trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1)
    else if (mediaSuffix.test(trimmed)) trimmed = trimmed.replace(mediaSuffix, '')
    else break
  }
  const latest = latestAlias.exec(trimmed)
  const version = latest ? latestVersions[latest[1]!] : undefined
  return version ? `/rest/${latest![1]}/${version}${latest![2]}` : trimmed
}

// Atlassian's REST layer serves a module's newest version under `latest` too.
const latestAlias = /^\/rest\/([^/]+)\/latest((?:\/.*)?)$/
const latestVersions: Record<string, string> = { api: '2', agile: '1.0', greenhopper: '1.0' }

/**
 * File-type suffixes Atlassian's REST layer strips from the last segment (turning them into an
 * Accept header) before it routes; any letter case, to be safe.
 */
const mediaSuffix = /\.(?:json|xml|txt|html?|atom)$/i

type Matcher = (path: string) => boolean

function compilePattern(pattern: string): Matcher {
  const isPrefix = pattern.endsWith('/**')
  const body = isPrefix ? pattern.slice(0, -3) : pattern
  if (!body.includes('{')) {
    if (!isPrefix) return (path) => path === body
    const withSlash = `${body}/`
    return (path) => path === body || path.startsWith(withSlash)
  }
  const source = body
    .split('/')
    .map((segment) => (segment.startsWith('{') ? '[^/]+' : escapeRegExp(segment)))
    .join('/')
  const regex = new RegExp(`^${source}${isPrefix ? '(?:/.*)?' : ''}$`)
  return (path) => regex.test(path)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

interface CompiledRule {
  rule: PolicyRule
  matches: Matcher
  /** What this rule decides, made once: `decide` allocates nothing per request. */
  decision: PolicyDecision
}

const noRuleMatched: PolicyDecision = Object.freeze({
  isAllowed: false,
  rule: undefined,
  source: 'default',
})

/**
 * The rules that can apply to each method named by some rule, in order; a method no rule names
 * can only meet the `*` rules. Saves testing every rule's method list per request.
 */
function rulesByMethod(compiled: readonly CompiledRule[]): {
  named: Map<string, readonly CompiledRule[]>
  wildcardOnly: readonly CompiledRule[]
} {
  const named = new Map<string, readonly CompiledRule[]>()
  for (const { rule } of compiled) {
    for (const method of rule.methods ?? []) {
      if (!named.has(method)) {
        named.set(
          method,
          compiled.filter((c) => !c.rule.methods || c.rule.methods.includes(method)),
        )
      }
    }
  }
  return { named, wildcardOnly: compiled.filter((c) => !c.rule.methods) }
}

/** Compiles a stored policy; rules were validated when written, so a bad one throws. */
export function compilePolicy(policy: EndpointPolicy): CompiledPolicy {
  const compiled: CompiledRule[] = []
  const add = (texts: readonly string[], source: PolicyDecision['source']) => {
    for (const text of texts) {
      const rule = parseRule(text)
      if (typeof rule === 'string') throw new Error(`invalid stored rule "${text}": ${rule}`)
      const isAllowed = rule.effect === 'allow'
      const decision = Object.freeze({ isAllowed, rule: rule.text, source })
      compiled.push({ rule, matches: compilePattern(rule.pattern), decision })
    }
  }
  add(policy.rules, 'custom')
  add(profileRules(policy.profile), 'profile')
  const { named, wildcardOnly } = rulesByMethod(compiled)
  return {
    decide(method, path) {
      const judged = policyPath(path)
      for (const { matches, decision } of named.get(method) ?? wildcardOnly) {
        if (matches(judged)) return decision
      }
      return noRuleMatched
    },
  }
}
