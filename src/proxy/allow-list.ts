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

// Each table maps a network to the index of its entry in `Entries`: a list of 100,000 entries
// keeps numbers and strings alive, not an object per entry (bench/NOTES.md).
interface Table<T> {
  prefixes: number[]
  byPrefix: Map<number, Map<T, number>>
}

/** The entries' fields, in parallel arrays; a match object is made when an address matches. */
interface Entries {
  cidrs: string[]
  scopes: string[]
  notes: string[]
}

function emptyTable<T>(): Table<T> {
  return { prefixes: [], byPrefix: new Map() }
}

function insert<T>(table: Table<T>, prefix: number, network: T, entry: number): void {
  let entries = table.byPrefix.get(prefix)
  if (!entries) {
    entries = new Map()
    table.byPrefix.set(prefix, entries)
    table.prefixes.push(prefix)
    table.prefixes.sort((a, b) => b - a)
  }
  if (!entries.has(network)) entries.set(network, entry)
}

function lookupV4(table: Table<number>, value: number): number | undefined {
  for (const prefix of table.prefixes) {
    const network = prefix === 0 ? 0 : ((value >>> (32 - prefix)) << (32 - prefix)) >>> 0
    const hit = table.byPrefix.get(prefix)!.get(network)
    if (hit !== undefined) return hit
  }
  return undefined
}

function lookupV6(table: Table<bigint>, value: bigint): number | undefined {
  for (const prefix of table.prefixes) {
    const shift = BigInt(128 - prefix)
    const hit = table.byPrefix.get(prefix)!.get((value >> shift) << shift)
    if (hit !== undefined) return hit
  }
  return undefined
}

/** The same text as one string, so a note repeated on many entries is kept once. */
function interned(pool: Map<string, string>, text: string): string {
  const known = pool.get(text)
  if (known !== undefined) return known
  pool.set(text, text)
  return text
}

/**
 * Builds a matcher: one hash table per prefix length, so a lookup costs one probe per distinct
 * prefix length, however many entries there are.
 */
export function compileAllowList(sources: readonly AllowSource[]): AllowMatcher {
  const v4 = emptyTable<number>()
  const v6 = emptyTable<bigint>()
  const entries: Entries = { cidrs: [], scopes: [], notes: [] }
  const pool = new Map<string, string>()
  for (const source of sources) {
    const cidr = parseCidr(source.cidr) as Cidr | string
    if (typeof cidr === 'string') continue // refused when written; never read as "allow all"
    const entry = entries.cidrs.length
    entries.cidrs.push(cidr.text)
    entries.scopes.push(interned(pool, source.scope))
    entries.notes.push(interned(pool, source.note))
    if (cidr.family === 4) insert(v4, cidr.prefix, cidr.network as number, entry)
    else insert(v6, cidr.prefix, cidr.network as bigint, entry)
  }
  const matchOf = (entry: number | undefined): AllowMatch | undefined =>
    entry === undefined
      ? undefined
      : { cidr: entries.cidrs[entry]!, scope: entries.scopes[entry]!, note: entries.notes[entry]! }
  const lookup = (clientIp: string): AllowMatch | undefined => {
    const ip = parseIp(clientIp)
    if (!ip) return undefined
    return matchOf(ip.family === 4 ? lookupV4(v4, ip.value) : lookupV6(v6, ip.value))
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
