/** Header rules for both directions (RFC 9110 §7.6.1 hop-by-hop fields, plus japroxy's own). */

import { ProxyError } from './errors.ts'

/** Hop-by-hop fields (RFC 9110 §7.6.1, RFC 9112 §7.1): never forwarded in either direction. */
export const hopByHop: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]

/**
 * The only client fields that reach Jira: what the REST API reads to understand the request and
 * shape its answer. Everything else stays behind, so no identity claim (`SM_USER`,
 * `X-Remote-User`, `X-Webauth-User` and whatever a single sign-on in front of Jira may trust),
 * credential, cookie, method override or forwarding claim can be smuggled through, whatever its
 * name. `Host` comes from the upstream URL; japroxy sets `X-Forwarded-*` and the credential.
 */
export const forwardedRequestFields: readonly string[] = [
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'pragma',
  'range',
  'user-agent',
  // Jira's own: the XSRF opt-out for attachments, experimental endpoints, a forced locale.
  'x-atlassian-token',
  'x-experimentalapi',
  'x-force-accept-language',
]

/**
 * Upstream fields that never reach the client: its session (RFC 6265 cookies) and session id,
 * and Seraph's account fields, which name the service account (read first, for the breaker).
 */
export const upstreamOnly: readonly string[] = [
  'set-cookie',
  'set-cookie2',
  'x-asessionid',
  'x-ausername',
  'x-auserid',
  'x-seraph-loginreason',
]

/** Removes hop-by-hop fields, including those named in `Connection` (RFC 9110 §7.6.1). */
export function stripHopByHop(headers: Headers): void {
  const named = headers.get('connection')
  if (named) {
    for (const token of named.split(',')) {
      const name = token.trim().toLowerCase()
      if (name) headers.delete(name)
    }
  }
  for (const name of hopByHop) headers.delete(name)
}

/**
 * Refuses a repeated `Content-Length` or `Host` (400; RFC 9112 §6.3, §3.2). Bun joins repeats
 * with a comma and lets them through; fetch would then fail on `2, 2` (a 502 that is the
 * client's fault) and the log would show `x, y` as the host.
 */
export function checkRepeatedFields(headers: Headers): void {
  const length = headers.get('content-length')
  if (length !== null && !/^\d+$/.test(length)) {
    throw new ProxyError(400, 'Content-Length must be a single number.', 'bad_header')
  }
  if (headers.get('host')?.includes(',')) {
    throw new ProxyError(400, 'A request has one Host header.', 'bad_header')
  }
}
