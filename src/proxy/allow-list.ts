/** Compiles allow-list entries into a matcher that answers per request without parsing CIDRs. */
import { type Cidr, parseCidr, parseIp } from '../../store/cidr.ts'

/** The entry that let an address in. */
export interface AllowMatch {
  cidr: string
  scope: string
  note: string
}

/** A compiled allow-list. */
export interface AllowMatcher {
  /** The most specific entry containing `clientIp`, or undefined (denied). */
  match(clientIp: string): AllowMatch | undefined
  size: number
}

/** An entry to compile. */
export interface AllowSource {
  cidr: string
  scope: string
  note: string
}

interface Table<T> {
  prefixes: number[]
  byPrefix: Map<number, Map<T, AllowMatch>>
}

function emptyTable<T>(): Table<T> {
  return { prefixes: [], byPrefix: new Map() }
}

function insert<T>(table: Table<T>, prefix: number, network: T, match: AllowMatch): void {
  let entries = table.byPrefix.get(prefix)
  if (!entries) {
    entries = new Map()
    table.byPrefix.set(prefix, entries)
    table.prefixes.push(prefix)
    table.prefixes.sort((a, b) => b - a)
  }
  if (!entries.has(network)) entries.set(network, match)
}

function lookupV4(table: Table<number>, value: number): AllowMatch | undefined {
  for (const prefix of table.prefixes) {
    const network = prefix === 0 ? 0 : ((value >>> (32 - prefix)) << (32 - prefix)) >>> 0
    const hit = table.byPrefix.get(prefix)!.get(network)
    if (hit) return hit
  }
  return undefined
}

function lookupV6(table: Table<bigint>, value: bigint): AllowMatch | undefined {
  for (const prefix of table.prefixes) {
    const shift = BigInt(128 - prefix)
    const hit = table.byPrefix.get(prefix)!.get((value >> shift) << shift)
    if (hit) return hit
  }
  return undefined
}

/**
 * Builds a matcher: one hash table per prefix length, so a lookup costs one probe per distinct
 * prefix length, however many entries there are.
 */
export function compileAllowList(sources: readonly AllowSource[]): AllowMatcher {
  const v4 = emptyTable<number>()
  const v6 = emptyTable<bigint>()
  for (const source of sources) {
    const cidr = parseCidr(source.cidr) as Cidr | string
    if (typeof cidr === 'string') continue // refused when written; never read as "allow all"
    const match = { cidr: cidr.text, scope: source.scope, note: source.note }
    if (cidr.family === 4) insert(v4, cidr.prefix, cidr.network as number, match)
    else insert(v6, cidr.prefix, cidr.network as bigint, match)
  }
  const lookup = (clientIp: string): AllowMatch | undefined => {
    const ip = parseIp(clientIp)
    if (!ip) return undefined
    return ip.family === 4 ? lookupV4(v4, ip.value) : lookupV6(v6, ip.value)
  }
  return { size: sources.length, match: remembered(lookup) }
}

/** Answers remembered per address; the clients of one japroxy are a handful of addresses. */
const rememberedMax = 4096

/**
 * Remembers the answer for each address (null for denied), so a returning client costs one Map
 * lookup instead of parsing its address. Forgets everything when full, so many distinct
 * addresses cost parsing again, never unbounded memory. A snapshot compiles a new matcher, so
 * an allow-list change is never answered from an old memory.
 */
function remembered(
  lookup: (clientIp: string) => AllowMatch | undefined,
): (clientIp: string) => AllowMatch | undefined {
  const answers = new Map<string, AllowMatch | null>()
  return (clientIp) => {
    const known = answers.get(clientIp)
    if (known !== undefined) return known ?? undefined
    const answer = lookup(clientIp)
    if (answers.size >= rememberedMax) answers.clear()
    answers.set(clientIp, answer ?? null)
    return answer
  }
}
