/**
 * Step 9: forward. Prepares the upstream request headers and sends it, streaming the body both
 * ways, never decompressing, with a timeout only on the wait for response headers.
 */

import { ProxyError } from './errors.ts'
import { forwardedRequestFields } from './hop-headers.ts'
import type { RequestContext } from './request-context.ts'
import type { RouteRuntime } from './snapshot.ts'

/** The client fields that may go upstream (none of them hop-by-hop). */
const forwarded: ReadonlySet<string> = new Set(forwardedRequestFields)

/**
 * Fields a `Connection` header may not remove: they describe the message itself, and japroxy
 * judged the body by them (a form type would otherwise vanish after the 415 check). RFC 9110
 * §7.6.1 makes naming them a sender error, which an intermediary may ignore.
 */
const messageFields: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
])

/** The names to remove: one pass over the client's fields, plus those its `Connection` names. */
function doomedNames(headers: Headers): string[] {
  const doomed: string[] = []
  for (const name of headers.keys()) {
    if (!forwarded.has(name)) doomed.push(name)
  }
  const named = headers.get('connection')
  if (named) {
    for (const token of named.split(',')) {
      const name = token.trim().toLowerCase()
      if (name && !messageFields.has(name)) doomed.push(name)
    }
  }
  return doomed
}

/**
 * Rewrites the client's headers in place into the upstream's: keeps only the fields in
 * `forwardedRequestFields` (less any a `Connection` header names), then sets
 * japroxy's forwarding fields and injects the credential last, so nothing the client sent can
 * remove or shadow it. One pass over the fields present instead of a delete per known name
 * (bench/NOTES.md).
 */
export function prepareUpstreamHeaders(
  headers: Headers,
  ctx: RequestContext,
  route: RouteRuntime,
  proto: 'http' | 'https',
  credential: string | undefined,
): void {
  for (const name of doomedNames(headers)) headers.delete(name)
  headers.set('x-forwarded-for', ctx.clientIp)
  headers.set('x-forwarded-proto', proto)
  if (route.publicHost) headers.set('x-forwarded-host', route.publicHost)
  if (credential) headers.set('authorization', credential)
}

/**
 * The signal of one upstream request: aborted when the client goes away or when the upstream
 * has not sent its response headers within the route's header timeout. One controller and one
 * timer per request, tied to the client's signal by a listener: `AbortSignal.any` cost ~6 µs
 * per request under load (bench/NOTES.md).
 */
class UpstreamAbort {
  readonly controller = new AbortController()
  isTimedOut = false
  private readonly timer: ReturnType<typeof setTimeout>

  constructor(client: AbortSignal, timeoutMs: number) {
    this.timer = setTimeout(timeOut, timeoutMs, this)
    client.addEventListener('abort', this)
  }

  /** The client went away: cancel the upstream request (and its body stream). */
  handleEvent(): void {
    this.controller.abort()
  }

  /** Response headers arrived: only the client leaving aborts from now on. */
  headersArrived(): void {
    clearTimeout(this.timer)
  }
}

function timeOut(abort: UpstreamAbort): void {
  abort.isTimedOut = true
  abort.controller.abort()
}

/** Sends the request upstream; maps refusal/reset to 502, header timeout to 504. */
export async function sendUpstream(
  req: Request,
  headers: Headers,
  ctx: RequestContext,
  route: RouteRuntime,
): Promise<Response> {
  const url = route.upstreamPrefix + ctx.rest + ctx.query
  const abort = new UpstreamAbort(req.signal, route.headerTimeoutMs)
  // The method first: reading `req.body` costs even when there is none.
  const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD' && req.body !== null
  const sentAt = performance.now()
  try {
    const response = await fetch(url, {
      method: ctx.method,
      headers,
      body: hasBody ? req.body : undefined,
      redirect: 'manual',
      decompress: false,
      signal: abort.controller.signal,
      tls: route.upstreamTls,
    } as RequestInit)
    ctx.upstreamMs = performance.now() - sentAt
    return response
  } catch (error) {
    if (req.signal.aborted)
      throw new ProxyError(499, 'Client went away.', 'client_gone', { cause: error })
    if (abort.isTimedOut) {
      throw new ProxyError(504, 'Jira did not answer in time.', 'upstream_timeout', {
        cause: error,
      })
    }
    // Bun ends a chunked body that outgrows maxRequestBodySize with this error (and answers 413).
    if (/maxRequestBodySize/.test((error as Error)?.message ?? '')) {
      throw new ProxyError(413, 'The request body is too large.', 'body_too_large', {
        cause: error,
      })
    }
    throw new ProxyError(502, 'Jira could not be reached.', 'upstream_unreachable', {
      cause: error,
    })
  } finally {
    abort.headersArrived()
  }
}
