/**
 * The Live requests filter: `status:5xx` (or `status:404`), `route:NAME`, `key:KEYID`, `ip:ADDR`
 * (a prefix, or a CIDR block like 10.0.0.0/8) and free words matched anywhere in the record, all
 * of which must match.
 */
import { compileAllowList } from '../src/proxy/allow-list.ts'
import { normaliseCidr } from '../store/allow-list.ts'
import type { RequestRecord } from '../store/request-records.ts'

/** A parsed filter. */
export interface LiveFilter {
  /** Status class (4 for 4xx) or an exact status. */
  status: { kind: 'class' | 'exact'; value: number } | undefined
  route: string | undefined
  keyId: string | undefined
  clientIp: string | undefined
  /** `ip:` given as a CIDR block: whether an address is inside it. */
  ipBlock: ((ip: string) => boolean) | undefined
  words: string[]
  /** Tokens that could not be understood, to show the admin. */
  problems: string[]
}

/** Parses filter text; never throws. */
export function parseLiveFilter(text: string): LiveFilter {
  const filter: LiveFilter = {
    status: undefined,
    route: undefined,
    keyId: undefined,
    clientIp: undefined,
    ipBlock: undefined,
    words: [],
    problems: [],
  }
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const [typed, value = ''] = token.split(/:(.*)/s)
    const name = typed!.toLowerCase()
    if (name === 'status') filter.status = parseStatus(value, filter.problems)
    else if (name === 'route') filter.route = value
    else if (name === 'key') filter.keyId = value
    else if (name === 'ip' && value.includes('/'))
      filter.ipBlock = parseBlock(value, filter.problems)
    else if (name === 'ip') filter.clientIp = value
    else filter.words.push(token.toLowerCase())
  }
  return filter
}

function parseBlock(value: string, problems: string[]): LiveFilter['ipBlock'] {
  const { cidr } = normaliseCidr(value)
  if (!cidr) {
    problems.push(`ip:${value} is not a CIDR block (like 10.0.0.0/8 or 2001:db8::/32)`)
    return undefined
  }
  const matcher = compileAllowList([{ cidr, scope: 'filter', note: '' }])
  return (ip) => matcher.match(ip) !== undefined
}

function parseStatus(value: string, problems: string[]): LiveFilter['status'] {
  if (/^[1-5]xx$/i.test(value) || /^[1-5]$/.test(value)) {
    return { kind: 'class', value: Number(value[0]) }
  }
  if (/^[1-5]\d\d$/.test(value)) return { kind: 'exact', value: Number(value) }
  problems.push(`status:${value} is not a class (5xx) or a status (404)`)
  return undefined
}

/** Whether a record passes every part of the filter. */
export function matchesLiveFilter(record: RequestRecord, filter: LiveFilter): boolean {
  const { status } = filter
  // A filter with a mistake in it shows nothing rather than everything (its problem is shown).
  if (filter.problems.length > 0) return false
  if (status?.kind === 'class' && Math.floor(record.status / 100) !== status.value) return false
  if (status?.kind === 'exact' && record.status !== status.value) return false
  if (filter.route !== undefined && record.route !== filter.route) return false
  if (filter.keyId !== undefined && !(record.keyId ?? '').startsWith(filter.keyId)) return false
  if (filter.clientIp !== undefined && !record.clientIp.startsWith(filter.clientIp)) return false
  if (filter.ipBlock && !filter.ipBlock(record.clientIp)) return false
  if (filter.words.length === 0) return true
  const haystack = [
    record.method,
    record.path,
    record.route,
    record.reason,
    record.requestId,
    record.clientIp,
    record.keyId,
    String(record.status),
  ]
    .join(' ')
    .toLowerCase()
  return filter.words.every((word) => haystack.includes(word))
}
