/** Step 1: who the client is. The socket peer, with IPv4-mapped IPv6 unwrapped. */

/** Removes the `::ffff:` wrapper a dual-stack listener puts on IPv4 peers. */
export function normaliseRemoteAddr(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
