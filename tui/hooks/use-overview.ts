/** The Overview's data: a summary per route and the warnings that need the admin. */
import { listAllowEntries } from '../../store/allow-list.ts'
import { type Breaker, listBreakers } from '../../store/breakers.ts'
import { type CredentialInfo, listCredentials } from '../../store/credentials.ts'
import type { Store } from '../../store/db.ts'
import { type ApiKey, keyStatus, listApiKeys } from '../../store/keys.ts'
import { listRoutes } from '../../store/routes.ts'
import { formatClock, formatDate, formatRemaining } from '../format.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'

/** Keys expiring this soon get a warning. */
export const expiryWarningMs = 14 * 24 * 60 * 60 * 1000

/** One route as the Overview shows it. */
export interface RouteSummary {
  name: string
  basePath: string
  upstreamUrl: string
  credential: CredentialInfo | undefined
  /** Set while serve has stopped sending the credential because Jira rejected it. */
  breaker: Breaker | undefined
  /** Active keys granted this route. */
  keyCount: number
  /** Global entries plus the route's own. */
  allowCount: number
}

/** What the Overview reads from the store. */
export interface OverviewData {
  routes: RouteSummary[]
  keys: ApiKey[]
}

function readOverview(db: Store): OverviewData {
  const entries = listAllowEntries(db)
  const globalCount = entries.filter((e) => e.route === undefined).length
  const credentials = listCredentials(db)
  const keys = listApiKeys(db)
  const breakers = listBreakers(db)
  const routes = listRoutes(db).map((route) => ({
    name: route.name,
    basePath: route.basePath,
    upstreamUrl: route.upstreamUrl,
    credential: credentials.find((c) => c.route === route.name),
    breaker: breakers.find((b) => b.route === route.name),
    keyCount: keys.filter((k) => keyStatus(k) === 'active' && k.routes.includes(route.name)).length,
    allowCount: globalCount + entries.filter((e) => e.route === route.name).length,
  }))
  return { routes, keys }
}

/** A line on the Overview that needs the admin; severe ones mean traffic is failing now. */
export interface Warning {
  text: string
  isSevere: boolean
}

/** Everything that needs the admin's attention, most severe first. */
export function overviewWarnings(data: OverviewData, now: number): Warning[] {
  const severe: string[] = []
  const other: string[] = []
  if (data.routes.length === 0)
    other.push('no routes yet: every request gets 404 → `japroxy route add`')
  for (const route of data.routes) {
    const { breaker } = route
    if (breaker) {
      severe.push(
        `${route.name}: Jira REJECTED the credential at ${formatClock(breaker.trippedAt)} UTC, not sent → 5 Credentials`,
      )
    }
    if (route.allowCount === 0)
      severe.push(`${route.name}: allow-list is empty, nobody gets in → 3 Allow-list`)
    if (!route.credential) other.push(`${route.name}: no Jira credential set → 5 Credentials`)
  }
  for (const key of data.keys) {
    if (keyStatus(key, now) !== 'active' || key.expiresAt === undefined) continue
    if (key.expiresAt - now > expiryWarningMs) continue
    other.push(
      `key ${key.name} expires in ${formatRemaining(key.expiresAt - now)} (${formatDate(key.expiresAt)}) → 2 Keys`,
    )
  }
  return [
    ...severe.map((text) => ({ text, isSevere: true })),
    ...other.map((text) => ({ text, isSevere: false })),
  ]
}

/** Reads the Overview's data when the settings change. */
export function useOverview(): QueryResult<OverviewData> {
  return useStoreQuery(readOverview)
}
