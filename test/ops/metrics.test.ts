/** The metrics registry and its Prometheus text (issue #5). */
import { describe, expect, test } from 'bun:test'
import { Histogram } from '../../src/ops/histogram.ts'
import { Metrics, upstreamErrorKind } from '../../src/ops/metrics.ts'
import { renderMetrics } from '../../src/ops/prometheus.ts'
import { newContext, type RequestContext } from '../../src/proxy/request-context.ts'
import type { RouteRuntime, Snapshot } from '../../src/proxy/snapshot.ts'

function context(fields: Partial<RequestContext>): RequestContext {
  return {
    ...newContext('GET', 'http://x/jira-prod/rest/api/2/myself', 'x', '127.0.0.1'),
    ...fields,
  }
}

const route = { name: 'prod' } as RouteRuntime
const snapshot = { version: 7, builtAt: 1_700_000_000_000, routes: [] } as unknown as Snapshot

function render(metrics: Metrics): string {
  return renderMetrics({
    metrics,
    inFlight: () => 3,
    snapshot: () => snapshot,
    recorder: { dropped: 2, written: 40 },
    lockouts: () => 5,
  })
}

describe('histogram', () => {
  test('counts each value in the first bucket whose bound holds it, and cumulates for Prometheus', () => {
    const h = new Histogram([0.1, 1])
    for (const v of [0.05, 0.1, 0.5, 2]) h.observe(v)
    expect([...h.counts]).toEqual([2, 1, 1])
    expect(h.cumulative()).toEqual([2, 3, 4])
    expect(h.sum).toBeCloseTo(2.65)
  })
})

describe('upstream error kinds', () => {
  const cases: [string, Partial<RequestContext>, unknown, string | undefined][] = [
    ['refused', { reason: 'upstream_unreachable' }, { code: 'ECONNREFUSED' }, 'refused'],
    ['reset', { reason: 'upstream_unreachable' }, { code: 'ECONNRESET' }, 'reset'],
    ['DNS', { reason: 'upstream_unreachable' }, { code: 'ENOTFOUND' }, 'dns'],
    [
      'a self-signed certificate',
      { reason: 'upstream_unreachable' },
      { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      'tls',
    ],
    ['a header timeout', { reason: 'upstream_timeout' }, undefined, 'timeout'],
    [
      'a fresh credential rejection',
      { reason: 'credential_rejected', upstreamStatus: 401 },
      undefined,
      'credential_rejected',
    ],
    ['a tripped breaker (Jira not asked)', { reason: 'credential_rejected' }, undefined, undefined],
    ['a refused key', { reason: 'key_unknown' }, undefined, undefined],
  ]
  test.each(cases)('%s', (_name, fields, error, kind) => {
    expect(upstreamErrorKind(context(fields), error)).toBe(kind as never)
  })
})

describe('prometheus text', () => {
  const metrics = new Metrics()
  metrics.observe(
    context({ route, auth: 'ok', upstreamStatus: 200, upstreamMs: 12, bytesIn: 10 }),
    200,
    300,
  )
  metrics.observe(context({ route, auth: 'ok', upstreamStatus: 200, upstreamMs: 700 }), 200, 100)
  metrics.observe(context({ route, auth: 'denied', reason: 'key_unknown' }), 401, 20)
  metrics.observe(context({ auth: 'denied', reason: 'no_route' }), 404, 10)
  metrics.observe(context({ route, auth: 'error', reason: 'upstream_unreachable' }), 502, 30, {
    code: 'ECONNREFUSED',
  })
  metrics.reloads = 4
  const text = render(metrics)
  const samples = new Map(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
  )

  test('every line is a comment or `name{labels} number`', () => {
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? -?[0-9.e+-]+)$/,
      )
    }
  })

  test('counts requests by route, status class and auth outcome', () => {
    expect(samples.get('japroxy_requests_total{route="prod",code="2xx",auth="ok"}')).toBe(2)
    expect(samples.get('japroxy_requests_total{route="prod",code="4xx",auth="denied"}')).toBe(1)
    expect(samples.get('japroxy_requests_total{route="",code="4xx",auth="denied"}')).toBe(1)
    expect(samples.get('japroxy_requests_total{route="prod",code="5xx",auth="error"}')).toBe(1)
  })

  test('keeps upstream latency in fixed buckets and bytes per route', () => {
    expect(samples.get('japroxy_upstream_duration_seconds_bucket{route="prod",le="0.025"}')).toBe(1)
    expect(samples.get('japroxy_upstream_duration_seconds_bucket{route="prod",le="1"}')).toBe(2)
    expect(samples.get('japroxy_upstream_duration_seconds_count{route="prod"}')).toBe(2)
    expect(samples.get('japroxy_request_duration_seconds_count{route="prod"}')).toBe(4)
    expect(samples.get('japroxy_request_bytes_total{route="prod"}')).toBe(10)
    expect(samples.get('japroxy_response_bytes_total{route="prod"}')).toBe(450)
  })

  test('names upstream errors by kind, failures by reason, and reads the rest at scrape time', () => {
    expect(samples.get('japroxy_upstream_errors_total{route="prod",kind="refused"}')).toBe(1)
    expect(samples.get('japroxy_request_failures_total{reason="key_unknown"}')).toBe(1)
    expect(samples.get('japroxy_requests_in_flight')).toBe(3)
    expect(samples.get('japroxy_lockouts_total')).toBe(5)
    expect(samples.get('japroxy_snapshot_version')).toBe(7)
    expect(samples.get('japroxy_reloads_total{result="ok"}')).toBe(4)
    expect(samples.get('japroxy_request_records_dropped_total')).toBe(2)
    expect(samples.get('japroxy_request_records_written_total')).toBe(40)
  })

  test('observing a request costs well under a microsecond', () => {
    const ctx = context({ route, auth: 'ok', upstreamStatus: 200, upstreamMs: 5 })
    const started = performance.now()
    for (let i = 0; i < 100_000; i++) metrics.observe(ctx, 200, 100)
    const perCallUs = ((performance.now() - started) * 1000) / 100_000
    expect(perCallUs).toBeLessThan(1)
  })
})
