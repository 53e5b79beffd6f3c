/**
 * The request path of DESIGN.md as a list of named steps. Each step either passes (possibly
 * filling in the context) or throws a ProxyError; `handleRequest` turns that into the response,
 * the log line and the request record.
 */
import { authRealm } from '../defaults.ts'
import { authenticate } from './api-key.ts'
import { normaliseRemoteAddr } from './client-ip.ts'
import { ProxyError } from './errors.ts'
import { prepareUpstreamHeaders, sendUpstream } from './forward.ts'
import { checkPath } from './path-check.ts'
import { newContext, type RequestContext } from './request-context.ts'
import { prepareResponse } from './response.ts'
import { matchRoute } from './route.ts'
import { isAnonymous, type RouteRuntime, type Snapshot } from './snapshot.ts'

/** What the pipeline needs from the server around it. */
export interface PipelineEnv {
  snapshot(): Snapshot
  proto: 'http' | 'https'
  /** Called once per request when its response is ready (or the request failed). */
  finish(ctx: RequestContext, status: number, bytesOut: number, error?: unknown): void
}

/** Step 4: the client IP must be in the route's allow-list (global + route entries). */
function checkAllowList(route: RouteRuntime, ctx: RequestContext): void {
  if (!route.allowList.match(ctx.clientIp)) {
    throw new ProxyError(403, 'Your address is not allowed.', 'ip_not_allowed')
  }
}

/** Steps 6 and 7: a valid key, granted this route. Sets `keyId` and `auth`. */
function checkKey(
  req: Request,
  route: RouteRuntime,
  snapshot: Snapshot,
  ctx: RequestContext,
): void {
  try {
    const key = authenticate(req.headers.get('authorization'), snapshot.keysByHash, Date.now())
    ctx.keyId = key.keyId
    if (!key.routeIds.has(route.id)) {
      throw new ProxyError(403, 'This API key is not granted this route.', 'key_not_granted')
    }
  } catch (error) {
    const keyId = (error as { keyId?: string }).keyId
    if (keyId) ctx.keyId = keyId
    throw error
  }
}

/** Step 8: the route's endpoint policy must allow this method + path. */
function checkPolicy(route: RouteRuntime, ctx: RequestContext): void {
  if (!route.policy.decide(ctx.method, ctx.rest).isAllowed) {
    throw new ProxyError(403, 'This endpoint is not allowed through japroxy.', 'endpoint_denied')
  }
}

/** Runs one request through every step. Never throws. */
export async function handleRequest(
  req: Request,
  remoteAddr: string,
  env: PipelineEnv,
): Promise<Response> {
  const ctx = newContext(
    req.method,
    req.url,
    req.headers.get('host') ?? '',
    normaliseRemoteAddr(remoteAddr),
  )
  const snapshot = env.snapshot()
  try {
    const route = matchRoute(snapshot.routes, ctx.path)
    ctx.route = route
    ctx.rest = ctx.path.slice(route.basePath.length)

    checkPath(ctx.rest)

    checkAllowList(route, ctx)

    // Jira Align's health check carries its Basic header; forwarding it would count a failed
    // Jira login, so anonymous paths go upstream with no client credential at all.
    const isAnon = isAnonymous(route, ctx.method, ctx.rest)
    if (!isAnon) checkKey(req, route, snapshot, ctx)
    ctx.auth = isAnon ? 'anonymous' : 'ok'

    checkPolicy(route, ctx)

    const credential = isAnon ? undefined : route.credential
    if (!isAnon && !credential) {
      throw new ProxyError(503, 'The route has no Jira credential yet.', 'credential_missing')
    }
    ctx.bytesIn = Number(req.headers.get('content-length') ?? 0) || 0
    prepareUpstreamHeaders(req.headers, ctx, route, env.proto, credential)
    const upstream = await sendUpstream(req, req.headers, ctx, route)
    ctx.upstreamStatus = upstream.status

    const response = prepareResponse(upstream, route)
    env.finish(ctx, response.status, Number(response.headers.get('content-length') ?? 0) || 0)
    return response
  } catch (error) {
    return errorResponse(error, ctx, env)
  }
}

/** Turns a failed step into the client's response and the log line. */
function errorResponse(error: unknown, ctx: RequestContext, env: PipelineEnv): Response {
  const failure =
    error instanceof ProxyError
      ? error
      : new ProxyError(500, 'Internal error.', 'internal', { cause: error })
  ctx.reason = failure.reason
  if (ctx.auth === 'ok' || ctx.auth === 'anonymous')
    ctx.auth = failure.status >= 500 ? 'error' : ctx.auth
  if (
    failure.status === 401 ||
    failure.reason === 'ip_not_allowed' ||
    failure.reason === 'key_not_granted'
  ) {
    ctx.auth = 'denied'
  }
  const body = `${failure.message} (request ${ctx.requestId})\n`
  env.finish(ctx, failure.status, failure.status === 499 ? 0 : body.length, failure.cause ?? error)
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' }
  if (failure.status === 401) headers['www-authenticate'] = `Basic realm="${authRealm}"`
  return new Response(body, { status: failure.status === 499 ? 400 : failure.status, headers })
}
