/**
 * `/readyz`: whether this japroxy can do its job right now. Ready means the store answers,
 * there is at least one route, every route has a credential Jira has not rejected, and every
 * upstream answered recently: from traffic, or else from a probe of the anonymous `serverInfo`
 * (which sends no credential, so probing can never lock the service account).
 */
import type { Store } from '../../store/db.ts'
import type { RouteRuntime, Snapshot } from '../proxy/snapshot.ts'
import type { Metrics } from './metrics.ts'

/** One readiness check and its verdict. */
export interface ReadinessCheck {
  name: string
  isOk: boolean
  detail: string
}

/** The verdict of every check. */
export interface Readiness {
  isReady: boolean
  checks: ReadinessCheck[]
}

/** Asks an upstream whether it answers; resolves to a problem text, or undefined when it did. */
export type UpstreamProbe = (route: RouteRuntime) => Promise<string | undefined>

/** What readiness reads. */
export interface ReadinessSources {
  db: Store
  snapshot(): Snapshot
  metrics: Metrics
  /** An upstream answer older than this is not recent; the upstream is probed instead. */
  freshMs: number
  probe: UpstreamProbe
  /** True once `serve` is shutting down: load balancers should stop sending. */
  isDraining?: () => boolean
}

const probeTimeoutMs = 5000

/** Probes `GET /rest/api/2/serverInfo` with no credential; any answer below 500 counts. */
export const probeServerInfo: UpstreamProbe = async (route) => {
  try {
    const response = await fetch(`${route.upstreamPrefix}/rest/api/2/serverInfo`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(probeTimeoutMs),
      tls: route.upstreamTls,
    } as RequestInit)
    await response.arrayBuffer()
    return response.status < 500 ? undefined : `Jira answered ${response.status}`
  } catch (error) {
    const code = (error as { code?: string }).code
    return `Jira did not answer (${code ?? (error as Error).name})`
  }
}

function storeCheck(db: Store): ReadinessCheck {
  try {
    db.query('SELECT value FROM meta WHERE name = ?').get('config_version')
    return { name: 'store', isOk: true, detail: 'open' }
  } catch (error) {
    return { name: 'store', isOk: false, detail: `unreadable: ${(error as Error).message}` }
  }
}

function credentialCheck(route: RouteRuntime): ReadinessCheck {
  const name = `credential ${route.name}`
  if (!route.credential) return { name, isOk: false, detail: 'no credential set' }
  if (route.breaker) return { name, isOk: false, detail: `Jira rejected it (${route.breaker})` }
  return { name, isOk: true, detail: 'unsealed' }
}

const pending = new WeakMap<Metrics, Map<string, Promise<string | undefined>>>()

/** Probes once per route at a time, however many pollers ask. */
function probeOnce(sources: ReadinessSources, route: RouteRuntime): Promise<string | undefined> {
  let inFlight = pending.get(sources.metrics)
  if (!inFlight) {
    inFlight = new Map()
    pending.set(sources.metrics, inFlight)
  }
  const running = inFlight.get(route.name)
  if (running) return running
  const probe = sources.probe(route).finally(() => inFlight.delete(route.name))
  inFlight.set(route.name, probe)
  return probe
}

async function upstreamCheck(
  sources: ReadinessSources,
  route: RouteRuntime,
): Promise<ReadinessCheck> {
  const name = `upstream ${route.name}`
  const counters = sources.metrics.route(route.name)
  const now = Date.now()
  const isFresh =
    counters.lastAnswerAt > now - sources.freshMs && counters.lastAnswerAt >= counters.lastFailureAt
  if (isFresh) {
    const seconds = Math.round((now - counters.lastAnswerAt) / 1000)
    return { name, isOk: true, detail: `answered ${seconds} s ago` }
  }
  const problem = await probeOnce(sources, route)
  if (problem) {
    counters.lastFailureAt = Date.now()
    return { name, isOk: false, detail: problem }
  }
  counters.lastAnswerAt = Date.now()
  return { name, isOk: true, detail: 'answered a probe just now' }
}

/** Runs every check. */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const snapshot = sources.snapshot()
  const checks = [storeCheck(sources.db)]
  if (sources.isDraining?.()) {
    checks.push({ name: 'shutdown', isOk: false, detail: 'japroxy is stopping' })
  }
  if (snapshot.routes.length === 0) {
    checks.push({ name: 'routes', isOk: false, detail: 'no routes (japroxy route add)' })
  }
  checks.push(...snapshot.routes.map(credentialCheck))
  checks.push(...(await Promise.all(snapshot.routes.map((r) => upstreamCheck(sources, r)))))
  return { isReady: checks.every((c) => c.isOk), checks }
}
