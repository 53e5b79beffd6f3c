/** Header rules for both directions (RFC 9110 §7.6.1 hop-by-hop fields, plus japroxy's own). */

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
 * Client fields that never reach the upstream: its credentials and cookies, anything that
 * claims to say who the client is or what URL it asked for, and method overrides (the policy
 * judged the real method). `host` is set from the upstream URL by fetch.
 */
export const clientOnly: readonly string[] = [
  'authorization',
  'cookie',
  'host',
  'forwarded',
  'x-real-ip',
  'x-original-url',
  'x-original-uri',
  'x-original-method',
  'x-rewrite-url',
  'x-host',
  'via',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'expect',
  // Identity claims a header-based single sign-on in front of Jira could trust.
  'x-remote-user',
  'remote-user',
  'x-forwarded-user',
  'x-auth-user',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-ausername',
  'x-auserid',
  'true-client-ip',
  'x-client-ip',
  'client-ip',
  'x-cluster-client-ip',
]

/** Upstream fields that never reach the client: its session (RFC 6265 cookies) and session id. */
export const upstreamOnly: readonly string[] = ['set-cookie', 'x-asessionid']

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
