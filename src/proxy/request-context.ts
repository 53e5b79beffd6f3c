/** What one request carries through the pipeline; logged and recorded when it ends. */
import type { Reason } from './errors.ts'
import type { RouteRuntime } from './snapshot.ts'

/** Per-request state; steps fill it in as they pass. Holds no secret. */
export interface RequestContext {
  requestId: string
  startedAt: number
  remoteAddr: string
  clientIp: string
  method: string
  /** The client's Host header (logged; never forwarded). */
  host: string
  /** The path without query, as received. */
  path: string
  /** The path after the route's base path; what is judged and forwarded. */
  rest: string
  /** The query string with its `?`, or ''. */
  query: string
  route: RouteRuntime | undefined
  keyId: string | undefined
  auth: 'ok' | 'denied' | 'error' | 'anonymous'
  reason: Reason | undefined
  upstreamStatus: number | undefined
  /** Milliseconds the upstream took to send its response headers (for `/metrics`). */
  upstreamMs: number | undefined
  bytesIn: number
}

let counter = 0
const processTag = Math.floor(Math.random() * 0xffffff)
  .toString(16)
  .padStart(6, '0')

/** A short unique request id: process tag + counter (cheaper than a UUID per request). */
export function nextRequestId(): string {
  counter = (counter + 1) % 0x7fffffff
  return `${processTag}-${counter.toString(36)}`
}

/** Splits a full request URL into path and query without `new URL()`. */
export function splitUrl(url: string): { path: string; query: string } {
  // Bun gives an absolute URL, or just the target when the Host header is missing or invalid.
  const pathStart = url.charCodeAt(0) === 47 ? 0 : url.indexOf('/', url.indexOf('//') + 2)
  if (pathStart < 0) return { path: '/', query: '' }
  const queryStart = url.indexOf('?', pathStart)
  return queryStart < 0
    ? { path: url.slice(pathStart), query: '' }
    : { path: url.slice(pathStart, queryStart), query: url.slice(queryStart) }
}

/** A fresh context for a request. */
export function newContext(
  method: string,
  url: string,
  host: string,
  remoteAddr: string,
): RequestContext {
  const { path, query } = splitUrl(url)
  return {
    requestId: nextRequestId(),
    startedAt: performance.now(),
    remoteAddr,
    clientIp: remoteAddr,
    method,
    host,
    path,
    rest: path,
    query,
    route: undefined,
    keyId: undefined,
    auth: 'denied',
    reason: undefined,
    upstreamStatus: undefined,
    upstreamMs: undefined,
    bytesIn: 0,
  }
}
