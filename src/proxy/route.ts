/** Step 2: which route serves a path: the longest base path on a segment boundary. */
import { ProxyError } from './errors.ts'
import type { RouteRuntime } from './snapshot.ts'

/** The route whose base path is the longest segment-boundary prefix of `path`, or 404. */
export function matchRoute(routes: readonly RouteRuntime[], path: string): RouteRuntime {
  for (const route of routes) {
    if (!path.startsWith(route.basePath)) continue
    const next = path.charCodeAt(route.basePath.length)
    if (Number.isNaN(next) || next === 47 /* / */) return route
  }
  throw new ProxyError(404, 'No route for this path.', 'no_route')
}
