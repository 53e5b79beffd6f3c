/**
 * The request path of DESIGN.md as a list of named steps. Each step either passes (possibly
 * filling in the context) or throws a ProxyError; `handleRequest` turns that into the response,
 * the log line and the request record.
 */
import { authRealm } from '../defaults.ts'
import { type Lockout, type RateLimiter, rateLimitHeaders, TooManyRequests } from './abuse.ts'
import { authenticate } from './api-key.ts'
import { normaliseRemoteAddr, resolveClientIp } from './client-ip.ts'
import { ProxyError } from './errors.ts'
import { prepareUpstreamHeaders, sendUpstream } from './forward.ts'
import { checkRepeatedFields } from './hop-headers.ts'
import { checkPath } from './path-check.ts'
import { newContext, type RequestContext } from './request-context.ts'
import { credentialRejection, prepareResponse } from './response.ts'
import { matchRoute } from './route.ts'
import { checkBodyType, checkHeadersForKey, checkPathForKey, checkQuery } from './seraph-params.ts'
import { isAnonymous, type KeyRuntime, type RouteRuntime, type Snapshot } from './snapshot.ts'

/** What the pipeline needs from the server around it. */
export interface PipelineEnv {
  snapshot(): Snapshot
  proto: 'http' | 'https'
  lockout: Lockout
  rateLimiter: RateLimiter
  /** Lifts the idle timeout for a request that passed its key, until Jira answers (slow Jira). */
  keepAlive(req: Request): void
  /** Stops sending a route's credential after Jira rejected it. */
  tripBreaker(route: RouteRuntime, reason: string): void
  /** Called once per request when its response is ready (or the request failed). */
  finish(ctx: RequestContext, status: number, bytesOut: number, error?: unknown): void
}

/** Step 4: the client IP must be in the route's allow-list (global + route entries). */
function checkAllowList(route: RouteRuntime, ctx: RequestContext): void {
  if (!route.allowList.match(ctx.clientIp)) {
    throw new ProxyError(403, 'Your address is not allowed.', 'ip_not_allowed')
  }
}

/**
 * Steps 6 and 7: a valid key, granted this route, within its rate. Sets `keyId`. A failed key
 * counts towards the client IP's lockout, and a locked-out IP gets 429 for its failed keys.
 * A valid key always passes: Jira Align's egress addresses are shared by its customers, so
 * someone else's wrong key must not lock our connector out (a 256-bit key cannot be guessed).
 */
function checkKey(
  req: Request,
  route: RouteRuntime,
  env: PipelineEnv,
  ctx: RequestContext,
): KeyRuntime {
  const now = Date.now()
  let key: KeyRuntime
  try {
    key = authenticate(req.headers.get('authorization'), env.snapshot().keysByHash, now)
  } catch (error) {
    const keyId = (error as { keyId?: string }).keyId
    if (keyId) ctx.keyId = keyId
    env.lockout.check(ctx.clientIp, now)
    env.lockout.fail(ctx.clientIp, now)
    throw error
  }
  ctx.keyId = key.keyId
  if (!key.routeIds.has(route.id)) {
    throw new ProxyError(403, 'This API key is not granted this route.', 'key_not_granted')
  }
  if (key.rate) env.rateLimiter.take(key.keyId, key.rate.perMinute, key.rate.burst, now)
  return key
}

/** Step 8: the route's endpoint policy must allow this method + path. */
function checkPolicy(route: RouteRuntime, ctx: RequestContext): void {
  if (!route.policy.decide(ctx.method, ctx.rest).isAllowed) {
    throw new ProxyError(403, 'This endpoint is not allowed through japroxy.', 'endpoint_denied')
  }
}

/** The credential to inject: none for anonymous paths; refused while the breaker is tripped. */
function credentialFor(route: RouteRuntime, isAnon: boolean): string | undefined {
  if (isAnon) return undefined
  if (route.breaker) {
    throw new ProxyError(
      503,
      `Jira rejected japroxy's service credential (${route.breaker}); an admin must replace it.`,
      'credential_rejected',
    )
  }
  if (!route.credential && route.isCredentialStale) {
    throw new ProxyError(
      503,
      "The route's Jira credential was set for another upstream; an admin must set it again.",
      'credential_stale',
    )
  }
  if (!route.credential)
    throw new ProxyError(503, 'The route has no Jira credential yet.', 'credential_missing')
  return route.credential
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
    ctx.clientIp = resolveClientIp(
      ctx.remoteAddr,
      req.headers.get('x-forwarded-for'),
      snapshot.trustedProxies,
    )

    const route = matchRoute(snapshot.routes, ctx.path)
    ctx.route = route
    ctx.rest = ctx.path.slice(route.basePath.length)

    checkPath(ctx.rest)
    checkPathForKey(ctx.rest)
    checkQuery(ctx.query)
    checkHeadersForKey(req.headers)
    checkRepeatedFields(req.headers)
    checkBodyType(req.headers.get('content-type'))

    checkAllowList(route, ctx)

    // Jira Align's health check carries its Basic header; forwarding it would count a failed
    // Jira login, so anonymous paths go upstream with no client credential at all.
    const isAnon = isAnonymous(route, ctx.method, ctx.rest)
    if (!isAnon) checkKey(req, route, env, ctx)
    ctx.auth = isAnon ? 'anonymous' : 'ok'
    if (!isAnon) env.keepAlive(req)

    checkPolicy(route, ctx)

    const credential = credentialFor(route, isAnon)
    ctx.bytesIn = Number(req.headers.get('content-length') ?? 0) || 0
    prepareUpstreamHeaders(req.headers, ctx, route, env.proto, credential)
    const upstream = await sendUpstream(req, req.headers, ctx, route)
    ctx.upstreamStatus = upstream.status

    const rejection = credentialRejection(upstream, isAnon)
    if (rejection) {
      void upstream.body?.cancel()
      env.tripBreaker(route, rejection)
      throw new ProxyError(
        503,
        `Jira rejected japroxy's service credential (${rejection}); an admin must replace it.`,
        'credential_rejected',
      )
    }
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
  // `auth` stays 'denied' when the request failed before its key passed.
  if (failure.status >= 500) ctx.auth = 'error'
  if (failure.reason === 'key_not_granted' || failure.reason === 'rate_limited') ctx.auth = 'denied'
  const body = `${failure.message} (request ${ctx.requestId})\n`
  env.finish(ctx, failure.status, failure.status === 499 ? 0 : body.length, failure.cause ?? error)
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' }
  if (failure.status === 401) headers['www-authenticate'] = `Basic realm="${authRealm}"`
  if (failure instanceof TooManyRequests) Object.assign(headers, rateLimitHeaders(failure.info))
  return new Response(body, { status: failure.status === 499 ? 400 : failure.status, headers })
}
