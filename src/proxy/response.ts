/** Step 10: the response. Strips what must not reach the client and rewrites redirects. */
import { ProxyError } from './errors.ts'
import { stripHopByHop, upstreamOnly } from './hop-headers.ts'
import { isJsonType, rewriteResponseLinks } from './link-rewrite.ts'
import type { RouteRuntime } from './snapshot.ts'

/**
 * Rewrites a `Location` that points into the upstream so it points at the route: absolute
 * upstream URLs become the public URL (or a path when none is configured), upstream paths get
 * the route's base path. Anything else is left as it is.
 */
export function rewriteLocation(location: string, route: RouteRuntime): string {
  let path: string | undefined
  if (location.startsWith(`${route.upstreamOrigin}/`) || location === route.upstreamOrigin) {
    path = location.slice(route.upstreamOrigin.length) || '/'
  } else if (location.startsWith('/') && !location.startsWith('//')) {
    path = location
  } else if (/^(?:https?:)?\/\//i.test(location)) {
    // Scheme-relative (`//jira.internal/x`) or with a user in it: still Jira's own address.
    const url = URL.canParse(location, route.upstreamOrigin)
      ? new URL(location, route.upstreamOrigin)
      : undefined
    if (url?.origin === route.upstreamOrigin) path = `${url.pathname}${url.search}${url.hash}`
  }
  if (path === undefined) return location
  const base = route.upstreamBasePath
  if (base && path !== base && !path.startsWith(`${base}/`) && !path.startsWith(`${base}?`))
    return location
  const rest = path.slice(base.length)
  return (route.publicOrigin ?? '') + route.basePath + rest
}

/**
 * Why Jira's answer shows it rejected the service credential, or undefined. Seraph marks a
 * failed login with `X-Seraph-LoginReason` on a 401, a CAPTCHA lockout with
 * `X-Authentication-Denied-Reason` on a 403, and an unauthenticated call with
 * `X-AUSERNAME: anonymous`.
 */
export function credentialRejection(response: Response, isAnonymous: boolean): string | undefined {
  if (isAnonymous) return undefined
  const headers = response.headers
  if (response.status === 401 && headers.has('x-seraph-loginreason')) {
    return `401 ${headers.get('x-seraph-loginreason')}`
  }
  if (
    response.status === 403 &&
    /captcha/i.test(headers.get('x-authentication-denied-reason') ?? '')
  ) {
    return '403 CAPTCHA_CHALLENGE'
  }
  if (headers.get('x-ausername') === 'anonymous') return 'Jira treated the call as anonymous'
  return undefined
}

/**
 * Edits the upstream response's headers in place (Bun's fetch Response headers are mutable;
 * test/proxy guards that) and returns it for streaming. Any other 401 from Jira is about
 * japroxy's credential, not the client's key: the client must not read it as its key failing.
 */
export function prepareResponse(response: Response, route: RouteRuntime): Response {
  if (response.status === 401) {
    void response.body?.cancel()
    throw new ProxyError(
      502,
      'Jira refused the request as unauthenticated.',
      'upstream_rejected_credential',
    )
  }
  const headers = response.headers
  stripHopByHop(headers)
  for (const name of upstreamOnly) headers.delete(name)
  const location = headers.get('location')
  if (location) headers.set('location', rewriteLocation(location, route))
  // Only routes with link rewriting on pay for looking at the Content-Type (#7).
  if (route.linkRewrite && isJsonType(headers.get('content-type')))
    return rewriteResponseLinks(response, route.linkRewrite)
  return response
}
