/**
 * "Would this address get in?": judges an address the way `serve` does (the route's entries plus
 * the global ones, compiled by the proxy's own matcher) and names the entry that matched.
 */

import { compileAllowList } from '../src/proxy/allow-list.ts'
import type { AllowEntry } from '../store/allow-list.ts'
import { parseIp } from '../store/cidr.ts'

/** The answer for one route. */
export interface AllowAnswer {
  /** The route's name, or undefined for the global list when there are no routes. */
  route: string | undefined
  isAllowed: boolean
  text: string
}

function judge(entries: readonly AllowEntry[], ip: string, route: string | undefined): AllowAnswer {
  const sources = entries
    .filter((e) => e.route === undefined || e.route === route)
    .map((e) => ({ cidr: e.cidr, scope: e.route ?? 'global', note: e.note }))
  const match = compileAllowList(sources).match(ip)
  const where = route ? `route ${route}` : 'global list'
  if (!match) {
    const why = sources.length ? 'no entry matches' : 'the allow-list is empty'
    return { route, isAllowed: false, text: `${where}: refused with 403 (${why})` }
  }
  const note = match.note ? `, "${match.note}"` : ''
  return {
    route,
    isAllowed: true,
    text: `${where}: allowed by ${match.cidr} (${match.scope}${note})`,
  }
}

/**
 * Judges `ip` on every route (or the global list when there are none); a problem when not an IP.
 */
export function wouldGetIn(
  entries: readonly AllowEntry[],
  routes: readonly string[],
  ip: string,
): AllowAnswer[] | string {
  const text = ip.trim()
  if (!text) return 'type an IPv4 or IPv6 address, e.g. 203.0.113.7'
  if (!parseIp(text)) return `"${text}" is not an IPv4 or IPv6 address`
  if (routes.length === 0) return [judge(entries, text, undefined)]
  return routes.map((route) => judge(entries, text, route))
}
