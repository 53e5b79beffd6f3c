/**
 * `serve --workers N`: each worker process keeps its own counters, and the primary's `/metrics`
 * shows their sum. This file turns a registry into plain data a worker can send over the IPC
 * channel, and adds such data into another registry.
 */
import type { Histogram } from './histogram.ts'
import { Metrics, type RouteMetrics } from './metrics.ts'

interface WireHistogram {
  counts: number[]
  sum: number
  count: number
}

interface WireRoute {
  requests: number[]
  upstreamResponses: number[]
  upstreamErrors: number[]
  duration: WireHistogram
  upstreamDuration: WireHistogram
  bytesIn: number
  bytesOut: number
  lastAnswerAt: number
  lastFailureAt: number
}

/** A registry as plain data (what crosses the IPC channel). */
export interface WireMetrics {
  byRoute: [string, WireRoute][]
  failures: [string, number][]
  reloads: number
  reloadFailures: number
}

/** What one worker reports when the primary renders `/metrics`. */
export interface WorkerReport {
  /** 0 is the primary, 1..N-1 the workers it started. */
  worker: number
  pid: number
  metrics: WireMetrics
  inFlight: number
  recordsWritten: number
  recordsDropped: number
  lockouts: number
  rssBytes: number
}

const wireHistogram = (h: Histogram): WireHistogram => ({
  counts: [...h.counts],
  sum: h.sum,
  count: h.count,
})

function wireRoute(m: RouteMetrics): WireRoute {
  return {
    requests: [...m.requests],
    upstreamResponses: [...m.upstreamResponses],
    upstreamErrors: [...m.upstreamErrors],
    duration: wireHistogram(m.duration),
    upstreamDuration: wireHistogram(m.upstreamDuration),
    bytesIn: m.bytesIn,
    bytesOut: m.bytesOut,
    lastAnswerAt: m.lastAnswerAt,
    lastFailureAt: m.lastFailureAt,
  }
}

/** The registry as plain data. */
export function toWire(metrics: Metrics): WireMetrics {
  return {
    byRoute: [...metrics.byRoute].map(([name, m]) => [name, wireRoute(m)]),
    failures: [...metrics.failures],
    reloads: metrics.reloads,
    reloadFailures: metrics.reloadFailures,
  }
}

// A worker on another build could send arrays of another length: add what both have.
function addInto(target: Float64Array, source: readonly number[]): void {
  const n = Math.min(target.length, source.length)
  for (let i = 0; i < n; i++) target[i]! += Number(source[i]) || 0
}

function addHistogram(target: Histogram, source: WireHistogram): void {
  addInto(target.counts, source.counts)
  target.sum += source.sum
  target.count += source.count
}

/** Adds a worker's counters into `target` (timestamps take the later of the two). */
export function addWire(target: Metrics, wire: WireMetrics): void {
  for (const [name, source] of wire.byRoute) {
    const route = target.route(name)
    addInto(route.requests, source.requests)
    addInto(route.upstreamResponses, source.upstreamResponses)
    addInto(route.upstreamErrors, source.upstreamErrors)
    addHistogram(route.duration, source.duration)
    addHistogram(route.upstreamDuration, source.upstreamDuration)
    route.bytesIn += source.bytesIn
    route.bytesOut += source.bytesOut
    route.lastAnswerAt = Math.max(route.lastAnswerAt, source.lastAnswerAt)
    route.lastFailureAt = Math.max(route.lastFailureAt, source.lastFailureAt)
  }
  for (const [reason, n] of wire.failures)
    target.failures.set(reason, (target.failures.get(reason) ?? 0) + n)
  target.reloads += wire.reloads
  target.reloadFailures += wire.reloadFailures
}

/** All requests a registry has counted. */
export function requestTotal(wire: WireMetrics): number {
  let total = 0
  for (const [, route] of wire.byRoute) for (const n of route.requests) total += n
  return total
}

/** The sum of every worker's counters, in a registry that started when `startedAt` says. */
export function sumReports(reports: readonly WorkerReport[], startedAt: number): Metrics {
  const total = new Metrics(startedAt)
  for (const report of reports) addWire(total, report.metrics)
  return total
}
