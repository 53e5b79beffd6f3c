/** Step 10: the response. Strips what must not reach the client and rewrites redirects. */
import { ProxyError } from './errors.ts'
import { stripHopByHop, upstreamOnly } from './hop-headers.ts'
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
  }
  if (path === undefined) return location
  const base = route.upstreamBasePath
  if (base && path !== base && !path.startsWith(`${base}/`) && !path.startsWith(`${base}?`))
    return location
  const rest = path.slice(base.length)
  return (route.publicOrigin ?? '') + route.basePath + rest
}

/**
 * Edits the upstream response's headers in place (Bun's fetch Response headers are mutable;
 * test/proxy guards that) and returns it for streaming. A 401 from Jira means it rejected the
 * service credential: the client must not read that as its key failing.
 */
export function prepareResponse(response: Response, route: RouteRuntime): Response {
  if (response.status === 401) {
    void response.body?.cancel()
    throw new ProxyError(
      502,
      'Jira rejected the service credential.',
      'upstream_rejected_credential',
    )
  }
  const headers = response.headers
  stripHopByHop(headers)
  for (const name of upstreamOnly) headers.delete(name)
  const location = headers.get('location')
  if (location) headers.set('location', rewriteLocation(location, route))
  return response
}
