/**
 * `/metrics` in the Prometheus text format (version 0.0.4): the registry's counters plus what
 * is read at scrape time (requests in flight, snapshot, record writer, lockouts).
 */
import type { Snapshot } from '../proxy/snapshot.ts'
import { version } from '../version.ts'
import type { Histogram } from './histogram.ts'
import {
  authOutcomes,
  type Metrics,
  type RouteMetrics,
  statusClasses,
  upstreamErrorKinds,
} from './metrics.ts'
import { requestTotal, type WorkerReport } from './metrics-wire.ts'

/** The content type Prometheus expects for this format. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8'

/** Everything `/metrics` reads. */
export interface MetricsSources {
  metrics: Metrics
  inFlight(): number
  snapshot(): Snapshot
  recorder: { readonly dropped: number; readonly written: number }
  lockouts(): number
  /** With `serve --workers N`: each process's own figures (the rest above are their sums). */
  workers?: readonly WorkerReport[]
}

type Labels = Record<string, string>

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return pairs.length ? `{${pairs.join(',')}}` : ''
}

/** Collects metric families as text. */
class Exposition {
  readonly lines: string[] = []

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    return this
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${formatLabels(labels)} ${Number.isFinite(value) ? value : 0}`)
    return this
  }

  histogram(name: string, labels: Labels, histogram: Histogram): this {
    const cumulative = histogram.cumulative()
    histogram.bounds.forEach((bound, i) => {
      this.sample(`${name}_bucket`, { ...labels, le: String(bound) }, cumulative[i]!)
    })
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, cumulative.at(-1)!)
    this.sample(`${name}_sum`, labels, histogram.sum)
    return this.sample(`${name}_count`, labels, histogram.count)
  }
}

type RouteEntries = [string, RouteMetrics][]

function requestFamilies(out: Exposition, routes: RouteEntries): void {
  out.family(
    'japroxy_requests_total',
    'counter',
    'Requests finished, by route, status class and auth outcome.',
  )
  for (const [route, m] of routes) {
    statusClasses.forEach((code, row) => {
      authOutcomes.forEach((auth, column) => {
        const n = m.requests[row * authOutcomes.length + column]!
        if (n > 0) out.sample('japroxy_requests_total', { route, code, auth }, n)
      })
    })
  }
  out.family(
    'japroxy_request_duration_seconds',
    'histogram',
    "Time from a request's arrival until its response headers were ready.",
  )
  for (const [route, m] of routes)
    out.histogram('japroxy_request_duration_seconds', { route }, m.duration)
  out.family(
    'japroxy_request_bytes_total',
    'counter',
    'Request body bytes received (by Content-Length).',
  )
  for (const [route, m] of routes) out.sample('japroxy_request_bytes_total', { route }, m.bytesIn)
  out.family(
    'japroxy_response_bytes_total',
    'counter',
    'Response body bytes sent (by Content-Length).',
  )
  for (const [route, m] of routes) out.sample('japroxy_response_bytes_total', { route }, m.bytesOut)
}

function upstreamFamilies(out: Exposition, routes: RouteEntries): void {
  out.family(
    'japroxy_upstream_duration_seconds',
    'histogram',
    'Time Jira took to send its response headers.',
  )
  for (const [route, m] of routes) {
    if (route) out.histogram('japroxy_upstream_duration_seconds', { route }, m.upstreamDuration)
  }
  out.family(
    'japroxy_upstream_responses_total',
    'counter',
    'Answers from Jira, by route and status class.',
  )
  for (const [route, m] of routes) {
    statusClasses.forEach((code, i) => {
      if (m.upstreamResponses[i]! > 0)
        out.sample('japroxy_upstream_responses_total', { route, code }, m.upstreamResponses[i]!)
    })
  }
  out.family(
    'japroxy_upstream_errors_total',
    'counter',
    'Requests Jira did not answer usefully, by route and kind.',
  )
  for (const [route, m] of routes) {
    upstreamErrorKinds.forEach((kind, i) => {
      if (route) out.sample('japroxy_upstream_errors_total', { route, kind }, m.upstreamErrors[i]!)
    })
  }
  out.family(
    'japroxy_upstream_last_answer_timestamp_seconds',
    'gauge',
    'When Jira last answered on the route (0: not yet).',
  )
  for (const [route, m] of routes) {
    if (route)
      out.sample('japroxy_upstream_last_answer_timestamp_seconds', { route }, m.lastAnswerAt / 1000)
  }
}

type Scalar = [name: string, type: 'counter' | 'gauge', help: string, value: number]

function scalars(sources: MetricsSources): Scalar[] {
  const snapshot = sources.snapshot()
  const { recorder } = sources
  return [
    [
      'japroxy_requests_in_flight',
      'gauge',
      'Requests being handled right now.',
      sources.inFlight(),
    ],
    [
      'japroxy_lockouts_total',
      'counter',
      'Client IPs locked out after too many failed API keys.',
      sources.lockouts(),
    ],
    [
      'japroxy_snapshot_version',
      'gauge',
      "Settings version being served (the store's config_version).",
      snapshot.version,
    ],
    [
      'japroxy_snapshot_built_timestamp_seconds',
      'gauge',
      'When the settings being served were loaded.',
      snapshot.builtAt / 1000,
    ],
    [
      'japroxy_request_records_written_total',
      'counter',
      'Request records written to the store.',
      recorder.written,
    ],
    [
      'japroxy_request_records_dropped_total',
      'counter',
      'Request records dropped (queue full or store refused them).',
      recorder.dropped,
    ],
  ]
}

function stateFamilies(out: Exposition, sources: MetricsSources): void {
  const { metrics } = sources
  for (const [name, type, help, value] of scalars(sources))
    out.family(name, type, help).sample(name, {}, value)
  out.family(
    'japroxy_request_failures_total',
    'counter',
    "Requests that did not get Jira's answer, by reason code.",
  )
  for (const [reason, n] of [...metrics.failures].sort())
    out.sample('japroxy_request_failures_total', { reason }, n)
  out.family('japroxy_reloads_total', 'counter', 'Settings reloads, by result.')
  out.sample('japroxy_reloads_total', { result: 'ok' }, metrics.reloads)
  out.sample('japroxy_reloads_total', { result: 'failed' }, metrics.reloadFailures)
  out.family(
    'japroxy_route_credential_usable',
    'gauge',
    '1 when the route has a credential, bound to its upstream, that Jira has not rejected.',
  )
  for (const route of sources.snapshot().routes) {
    out.sample(
      'japroxy_route_credential_usable',
      { route: route.name },
      route.credential && !route.breaker ? 1 : 0,
    )
  }
}

function processFamilies(out: Exposition, metrics: Metrics): void {
  out.family('japroxy_build_info', 'gauge', 'The running build: always 1, with version and commit.')
  out.sample('japroxy_build_info', { version: version.number, commit: version.commit }, 1)
  out.family(
    'process_start_time_seconds',
    'gauge',
    'When the process started, in seconds since the epoch.',
  )
  out.sample('process_start_time_seconds', {}, metrics.startedAt / 1000)
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the process.')
  out.sample('process_resident_memory_bytes', {}, process.memoryUsage.rss())
}

function workerFamilies(out: Exposition, workers: readonly WorkerReport[]): void {
  out.family('japroxy_workers', 'gauge', 'Processes serving the port (serve --workers).')
  out.sample('japroxy_workers', {}, workers.length)
  out.family('japroxy_worker_requests_total', 'counter', 'Requests finished, by worker process.')
  for (const w of workers)
    out.sample(
      'japroxy_worker_requests_total',
      { worker: String(w.worker) },
      requestTotal(w.metrics),
    )
  out.family('japroxy_worker_resident_memory_bytes', 'gauge', 'Resident memory, by worker process.')
  for (const w of workers)
    out.sample('japroxy_worker_resident_memory_bytes', { worker: String(w.worker) }, w.rssBytes)
}

/** Renders every metric as Prometheus text. */
export function renderMetrics(sources: MetricsSources): string {
  const out = new Exposition()
  const routes: RouteEntries = [...sources.metrics.byRoute].sort(([a], [b]) => a.localeCompare(b))
  requestFamilies(out, routes)
  upstreamFamilies(out, routes)
  stateFamilies(out, sources)
  processFamilies(out, sources.metrics)
  if (sources.workers) workerFamilies(out, sources.workers)
  return `${out.lines.join('\n')}\n`
}
