/** Explains what a route would do with one METHOD PATH, for `route explain` and the TUI. */
import type { Route } from '../../store/routes.ts'
import { compilePolicy, policyPath } from './endpoint-policy.ts'
import { pathProblem } from './path-check.ts'

/** The verdict and the reasoning, one line per step. */
export interface Explanation {
  isForwarded: boolean
  lines: string[]
}

/** Walks the path check, anonymous paths and endpoint policy for a request on `route`. */
export function explainRequest(route: Route, method: string, path: string): Explanation {
  const rest =
    path === route.basePath || path.startsWith(`${route.basePath}/`)
      ? path.slice(route.basePath.length)
      : path
  const lines = [`${method} ${route.basePath}${rest} on route ${route.name}:`]
  const problem = pathProblem(rest)
  if (problem)
    return { isForwarded: false, lines: [...lines, `  path check: refused with 400 (${problem})`] }
  lines.push('  path check: canonical')
  const judged = policyPath(rest)
  if (judged !== rest)
    lines.push(`  judged as ${judged} (/rest/api/latest is Jira's alias of /rest/api/2)`)
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
  const by = decision.rule
    ? `rule "${decision.rule}" (${decision.source})`
    : 'no rule matched (denied by default)'
  lines.push(`  endpoint policy: ${decision.isAllowed ? 'allowed' : 'denied with 403'} by ${by}`)
  lines.push(
    decision.isAllowed
      ? `  → forwarded to ${route.upstreamUrl.replace(/\/$/, '')}${rest}`
      : '  → refused',
  )
  return { isForwarded: decision.isAllowed, lines }
}
