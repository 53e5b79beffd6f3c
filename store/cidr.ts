/** IP addresses and CIDR blocks, IPv4 and IPv6, parsed strictly; shared by the store and proxy. */

/** A parsed address: IPv4 as a 32-bit number, IPv6 as a 128-bit bigint. */
export type Ip = { family: 4; value: number } | { family: 6; value: bigint }

/** A parsed CIDR block in canonical text form. */
export interface Cidr {
  family: 4 | 6
  prefix: number
  /** The network address: a number for IPv4, a bigint for IPv6. */
  network: number | bigint
  /** Canonical text, e.g. `10.0.0.0/8` or `2001:db8::/32`. */
  text: string
}

const v4Part = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** Parses a dotted IPv4 address; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!v4Part.test(part)) return undefined
    value = value * 256 + Number(part)
  }
  return value
}

/** Parses an IPv6 address (with `::` and an optional dotted tail); undefined when invalid. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length > 45 || text.includes('%')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] ? halves[0].split(':') : []
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : []
  const groups: number[] = []
  const all = [...head, ...tail]
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!
    if (i === all.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group)
      if (v4 === undefined) return undefined
      groups.push(Math.floor(v4 / 65536), v4 % 65536)
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      groups.push(Number.parseInt(group, 16))
    } else return undefined
  }
  const missing = 8 - groups.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const headGroups = halves.length === 2 ? groups.slice(0, headLength(head)) : groups
  const tailGroups = halves.length === 2 ? groups.slice(headLength(head)) : []
  const full = [...headGroups, ...new Array(missing).fill(0), ...tailGroups]
  let value = 0n
  for (const group of full) value = (value << 16n) | BigInt(group)
  return value
}

function headLength(head: string[]): number {
  return head.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0)
}

const mappedPrefix = 0xffffn << 32n

/** Parses an address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. */
export function parseIp(text: string): Ip | undefined {
  const v4 = parseIpv4(text)
  if (v4 !== undefined) return { family: 4, value: v4 }
  const v6 = parseIpv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text)
  if (v6 === undefined) return undefined
  if (v6 >> 32n === 0xffffn) return { family: 4, value: Number(v6 - mappedPrefix) }
  return { family: 6, value: v6 }
}

/** Formats an IPv4 number as dotted text. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

/** Formats an IPv6 bigint in RFC 5952 form. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn))
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i]
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

/** Formats a parsed address. */
export function formatIp(ip: Ip): string {
  return ip.family === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value)
}

/** Parses `address` or `address/prefix`; returns the block or a problem text. */
export function parseCidr(text: string): Cidr | string {
  const [address = '', prefixText, extra] = text.trim().split('/')
  if (extra !== undefined) return 'not an IP address or CIDR block'
  const ip = parseIp(address)
  if (!ip) return 'not an IPv4 or IPv6 address'
  const bits = ip.family === 4 ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return 'prefix is not a number'
  const prefix = prefixText === undefined ? bits : Number(prefixText)
  if (prefix > bits) return `prefix must be 0-${bits} for IPv${ip.family}`
  const network = maskIp(ip, prefix)
  if (network !== ip.value) {
    const suggestion = formatIp({ family: ip.family, value: network } as Ip)
    return `has host bits set; did you mean ${suggestion}/${prefix}`
  }
  return { family: ip.family, prefix, network, text: `${formatIp(ip)}/${prefix}` }
}

/** The network part of `ip` under a prefix length. */
export function maskIp(ip: Ip, prefix: number): number | bigint {
  if (ip.family === 4) {
    if (prefix === 0) return 0
    return ((ip.value >>> (32 - prefix)) << (32 - prefix)) >>> 0
  }
  if (prefix === 0) return 0n
  const shift = BigInt(128 - prefix)
  return (ip.value >> shift) << shift
}
