/**
 * The admin listener: `/healthz`, `/readyz` and `/metrics`, on their own address (loopback by
 * default), never on the public listener. Probes are not logged. The handler works on plain
 * Request/Response; only `startAdminListener` touches Bun.
 */
import { type MetricsSources, prometheusContentType, renderMetrics } from './prometheus.ts'
import { checkReadiness, type ReadinessSources } from './readiness.ts'

/** Everything the admin endpoints read. */
export type AdminSources = MetricsSources &
  ReadinessSources & {
    /** With workers: gathers every process's figures for `/metrics` (else these sources). */
    gather?: () => Promise<MetricsSources>
  }

/** A running admin listener. */
export interface AdminListener {
  url: string
  port: number
  stop(): Promise<void>
}

const plain = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...plain, ...headers } })
}

async function readyz(sources: AdminSources): Promise<Response> {
  const readiness = await checkReadiness(sources)
  const { isReady, checks } = readiness
  const body = `${JSON.stringify({ ready: isReady, checks }, null, 2)}\n`
  return new Response(body, {
    status: readiness.isReady ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

/** Answers one admin request. */
export async function handleAdminRequest(req: Request, sources: AdminSources): Promise<Response> {
  const path = new URL(req.url).pathname
  const isKnown = path === '/healthz' || path === '/readyz' || path === '/metrics'
  if (!isKnown) return text(404, 'not found: try /healthz, /readyz or /metrics\n')
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return text(405, 'GET only\n', { allow: 'GET, HEAD' })
  if (path === '/healthz') return text(200, 'ok\n')
  if (path === '/readyz') return readyz(sources)
  const view = sources.gather ? await sources.gather() : sources
  return new Response(renderMetrics(view), {
    headers: { 'content-type': prometheusContentType, 'cache-control': 'no-store' },
  })
}

/** Starts the admin listener on `hostname:port`. */
export function startAdminListener(
  hostname: string,
  port: number,
  sources: AdminSources,
): AdminListener {
  const server = Bun.serve({
    hostname,
    port,
    fetch: (req) => handleAdminRequest(req, sources),
    error: () => text(500, 'internal error\n'),
  })
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  return {
    url: `http://${host}:${server.port}`,
    port: server.port as number,
    stop: () => server.stop(true),
  }
}
