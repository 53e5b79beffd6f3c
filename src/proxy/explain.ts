/** Explains what a route would do with one METHOD PATH, for `route explain` and the TUI. */
import type { Route } from '../../store/routes.ts'
import { compilePolicy, policyPath } from './endpoint-policy.ts'
import { ProxyError } from './errors.ts'
import { pathProblem } from './path-check.ts'
import { checkPathForKey, checkQuery } from './seraph-params.ts'

/** What serve's other 400 checks would say of this path and query, if anything. */
function requestProblem(rest: string, query: string): string | undefined {
  try {
    checkPathForKey(rest)
    checkQuery(query)
    return undefined
  } catch (error) {
    if (error instanceof ProxyError) return error.message.replace(/\.$/, '').toLowerCase()
    throw error
  }
}

// A `.` or `..` segment, plain or percent-encoded.
const dotSegments = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i

/** The verdict and the reasoning, one line per step. */
export interface Explanation {
  isForwarded: boolean
  lines: string[]
}

/** Walks the path check, anonymous paths and endpoint policy for a request on `route`. */
export function explainRequest(route: Route, method: string, target: string): Explanation {
  const queryAt = target.indexOf('?')
  const typed = queryAt < 0 ? target : target.slice(0, queryAt)
  const query = queryAt < 0 ? '' : target.slice(queryAt)
  const isOnRoute = (p: string) => p === route.basePath || p.startsWith(`${route.basePath}/`)
  // Bun resolves `.` and `..` segments (`%2e` ones too) before serve sees a path, as URL does.
  const hasDots = typed.startsWith('/') && dotSegments.test(typed)
  const full = isOnRoute(typed) || !typed.startsWith('/') ? typed : `${route.basePath}${typed}`
  const path = hasDots ? new URL(full, 'http://h').pathname : typed
  const rest = isOnRoute(path) ? path.slice(route.basePath.length) : path
  const shown = rest.startsWith('/') ? `${route.basePath}${rest}${query}` : target
  const lines = [`${method} ${hasDots ? path : shown} on route ${route.name}:`]
  if (hasDots) {
    lines.push('  dot segments resolved first, as serve receives the path')
    if (!isOnRoute(path)) {
      lines.push(
        `  → not on this route: serve gives it to the route for ${path}, if any (else 404)`,
      )
      return { isForwarded: false, lines }
    }
  }
  const problem = pathProblem(rest) ?? requestProblem(rest, query)
  if (problem)
    return { isForwarded: false, lines: [...lines, `  path check: refused with 400 (${problem})`] }
  lines.push(query ? '  path check: canonical; query string accepted' : '  path check: canonical')
  const judged = policyPath(rest)
  if (judged !== rest) {
    lines.push(
      `  judged as ${judged} (Jira serves a trailing slash, a .json-like suffix and ` +
        '/rest/api/latest as that)',
    )
  }
  const isAnon = route.anonymousPaths.some((entry) => {
    const [m, p] = entry.split(' ')
    return m === method && policyPath(p ?? '') === judged
  })
  lines.push(
    isAnon
      ? '  API key: not needed (anonymous path; forwarded with no credential at all)'
      : '  API key: required, granted this route; the Jira credential is injected',
  )
  const decision = compilePolicy(route.policy).decide(method, rest)
  const verdict = decision.isAllowed ? 'allowed' : 'denied with 403'
  lines.push(
    decision.rule
      ? `  endpoint policy: ${verdict} by rule "${decision.rule}" (${decision.source})`
      : `  endpoint policy: ${verdict}: no rule matched (denied by default)`,
  )
  lines.push(
    decision.isAllowed
      ? `  → forwarded to ${route.upstreamUrl.replace(/\/$/, '')}${rest}${query}`
      : '  → refused',
  )
  return { isForwarded: decision.isAllowed, lines }
}
