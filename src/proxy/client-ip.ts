/**
 * Step 1: who the client is. The socket peer, with IPv4-mapped IPv6 unwrapped. Only when the
 * peer is a trusted proxy does `X-Forwarded-For` count, read right to left past trusted hops.
 */
import { formatIp, parseIp } from '../../store/cidr.ts'
import type { AllowMatcher } from './allow-list.ts'

/** Removes the `::ffff:` wrapper a dual-stack listener puts on IPv4 peers. */
export function normaliseRemoteAddr(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/**
 * The client IP: `remoteAddr` unless it is trusted; then the rightmost `X-Forwarded-For` hop
 * that is not trusted. A hop that is not an address stops the walk at the last trusted hop,
 * so garbage never becomes a client IP.
 */
export function resolveClientIp(
  remoteAddr: string,
  forwardedFor: string | null,
  trusted: AllowMatcher | undefined,
): string {
  if (!trusted || trusted.size === 0 || !forwardedFor || !trusted.match(remoteAddr))
    return remoteAddr
  const hops = forwardedFor.split(',')
  let client = remoteAddr
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = parseIp(hops[i]!.trim())
    if (!ip) return client
    client = formatIp(ip)
    if (!trusted.match(client)) return client
  }
  return client
}
