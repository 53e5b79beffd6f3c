/**
 * The metrics registry `serve` keeps for `/metrics`: plain counters and fixed-bucket histograms
 * per route, updated once per finished request. Nothing here allocates per request except the
 * first request of a route (its counters) and the first failure of a reason code.
 */
import type { RequestContext } from '../proxy/request-context.ts'
import { Histogram } from './histogram.ts'

/** Status classes as labels, indexed by `Math.floor(status / 100) - 1`. */
export const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

/** Auth outcomes as labels, in the order of the request counter's columns. */
export const authOutcomes = ['ok', 'denied', 'error', 'anonymous'] as const

/** Kinds of upstream failure, as labels. */
export const upstreamErrorKinds = [
  'refused',
  'reset',
  'dns',
  'tls',
  'timeout',
  'credential_rejected',
  'other',
] as const

/** One kind of upstream failure. */
export type UpstreamErrorKind = (typeof upstreamErrorKinds)[number]

/** Counters of one route (the empty name holds requests that matched no route). */
export class RouteMetrics {
  /** Requests by status class (row) and auth outcome (column). */
  readonly requests = new Float64Array(statusClasses.length * authOutcomes.length)
  /** Answers from the upstream by status class. */
  readonly upstreamResponses = new Float64Array(statusClasses.length)
  readonly upstreamErrors = new Float64Array(upstreamErrorKinds.length)
  /** Seconds from the request's arrival until its response headers were ready. */
  readonly duration = new Histogram()
  /** Seconds the upstream took to send its response headers. */
  readonly upstreamDuration = new Histogram()
  bytesIn = 0
  bytesOut = 0
  /** When the upstream last answered at all (ms since the epoch), from traffic or a probe. */
  lastAnswerAt = 0
  /** When the upstream last failed to answer (ms since the epoch). */
  lastFailureAt = 0
}

const authColumn: Record<string, number> = { ok: 0, denied: 1, error: 2, anonymous: 3 }

function classIndex(status: number): number {
  const index = Math.floor(status / 100) - 1
  return Math.min(4, Math.max(0, index))
}

/** Which kind of upstream failure ended a request, if one did. */
export function upstreamErrorKind(
  ctx: RequestContext,
  error: unknown,
): UpstreamErrorKind | undefined {
  const reason = ctx.reason
  if (reason === 'upstream_timeout') return 'timeout'
  // A tripped breaker refuses without asking Jira; only a fresh rejection is an upstream error.
  if (reason === 'credential_rejected' || reason === 'upstream_rejected_credential')
    return ctx.upstreamStatus === undefined ? undefined : 'credential_rejected'
  if (reason !== 'upstream_unreachable') return undefined
  const code = String((error as { code?: unknown } | undefined)?.code ?? '')
  if (code === 'ECONNREFUSED') return 'refused'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns'
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO|HOSTNAME/i.test(code)) return 'tls'
  return 'other'
}

/** Every counter `serve` exposes, except those read from elsewhere at scrape time. */
export class Metrics {
  readonly byRoute = new Map<string, RouteMetrics>()
  /** Requests that did not get Jira's answer, by reason code. */
  readonly failures = new Map<string, number>()
  reloads = 0
  reloadFailures = 0

  /** `startedAt`: when the process started (ms since the epoch). */
  constructor(readonly startedAt = Date.now()) {}

  /** The counters of a route, created on first use. */
  route(name: string): RouteMetrics {
    let found = this.byRoute.get(name)
    if (!found) {
      found = new RouteMetrics()
      this.byRoute.set(name, found)
    }
    return found
  }

  /** Counts one finished request (called from `serve`'s finish step). */
  observe(ctx: RequestContext, status: number, bytesOut: number, error?: unknown): void {
    const route = this.route(ctx.route?.name ?? '')
    const column = authColumn[ctx.auth] ?? 2
    route.requests[classIndex(status) * authOutcomes.length + column]!++
    route.duration.observe((performance.now() - ctx.startedAt) / 1000)
    route.bytesIn += ctx.bytesIn
    route.bytesOut += bytesOut
    if (ctx.upstreamStatus !== undefined) {
      route.upstreamResponses[classIndex(ctx.upstreamStatus)]!++
      if (ctx.upstreamMs !== undefined) route.upstreamDuration.observe(ctx.upstreamMs / 1000)
      route.lastAnswerAt = Date.now()
    }
    if (ctx.reason === undefined) return
    this.failures.set(ctx.reason, (this.failures.get(ctx.reason) ?? 0) + 1)
    const kind = upstreamErrorKind(ctx, error)
    if (kind === undefined) return
    route.upstreamErrors[upstreamErrorKinds.indexOf(kind)]!++
    if (kind !== 'credential_rejected') route.lastFailureAt = Date.now()
  }
}
