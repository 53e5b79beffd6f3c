/**
 * Endpoints that exist only in the stand-in, under `/rest/api/2/demo/`, so tests can make the
 * upstream misbehave on purpose: compressed bodies, redirects, slow or missing answers, large
 * downloads and uploads, and an echo of the headers that arrived.
 */
import type { ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'
import { empty, jiraError, json, type Reply } from './reply.ts'
import { headerPairs } from './request-capture.ts'
import type { Route, StandInContext } from './router.ts'

/** Byte `i` of a demo download is `i % downloadPatternPeriod`. */
export const downloadPatternPeriod = 251

const maxSlowMs = 60_000
const maxDownloadBytes = 200 * 1024 * 1024

// A whole number of periods, so every block written starts the pattern afresh.
const downloadBlock = Uint8Array.from(
  { length: downloadPatternPeriod * 256 },
  (_, index) => index % downloadPatternPeriod,
)

function gzipped(ctx: StandInContext): Reply {
  const items = Array.from({ length: 50 }, (_, index) => ({ index, note: 'compressed on purpose' }))
  const body = gzipSync(JSON.stringify({ isCompressed: true, baseUrl: ctx.baseUrl, items }))
  const headers = { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Encoding': 'gzip' }
  return { kind: 'bytes', status: 200, body, headers }
}

// `?form=` picks how Jira writes its own address: absolute (the default), scheme-relative, or
// with a user in it.
function redirect(ctx: StandInContext): Reply {
  const base = new URL(ctx.baseUrl)
  const forms: Record<string, string> = {
    absolute: ctx.baseUrl,
    'scheme-relative': `//${base.host}${base.pathname.replace(/\/$/, '')}`,
    userinfo: `${base.protocol}//someone:pw@${base.host}${base.pathname.replace(/\/$/, '')}`,
  }
  const prefix = forms[ctx.query.get('form') ?? 'absolute'] ?? ctx.baseUrl
  return empty(302, { Location: `${prefix}/rest/api/2/myself` })
}

/** Resolves true after `ms`, or false as soon as the response is closed (client gone, stop). */
function waitUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      res.off('close', onClose)
      resolve(true)
    }, ms)
    res.once('close', onClose)
  })
}

async function slow(ctx: StandInContext): Promise<Reply> {
  const asked = Number(ctx.query.get('ms') ?? '0')
  const waitMs = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), maxSlowMs) : 0
  const isStillOpen = await waitUnlessClosed(ctx.res, waitMs)
  return isStillOpen ? json(200, { waitedMs: waitMs }) : { kind: 'hang' }
}

function download(ctx: StandInContext): Reply {
  const bytes = Number(ctx.query.get('bytes') ?? '0')
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > maxDownloadBytes) {
    return jiraError(400, [`bytes must be a whole number from 0 to ${maxDownloadBytes}`])
  }
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(bytes),
  }
  return { kind: 'stream', status: 200, headers, write: (res) => writePattern(res, bytes) }
}

// Writes with backpressure: wait for 'drain' whenever the socket buffer is full.
function writePattern(res: ServerResponse, total: number): void {
  let sent = 0
  const pump = () => {
    while (sent < total && !res.destroyed) {
      const size = Math.min(downloadBlock.length, total - sent)
      sent += size
      if (!res.write(downloadBlock.subarray(0, size))) {
        res.once('drain', pump)
        return
      }
    }
    if (sent >= total) res.end()
  }
  pump()
}

function upload(ctx: StandInContext): Reply {
  return json(200, { bytes: ctx.body.length, sha256: ctx.body.sha256 })
}

function echoHeaders(ctx: StandInContext): Reply {
  return json(200, headerPairs(ctx.req))
}

/** Routes that exist only in the stand-in, for tests of the proxy's edge cases. */
export const testHelperRoutes: Route[] = [
  { method: 'GET', pattern: '/rest/api/2/demo/gzip', handler: gzipped },
  { method: 'GET', pattern: '/rest/api/2/demo/redirect', handler: redirect },
  { method: 'GET', pattern: '/rest/api/2/demo/slow', handler: slow },
  { method: 'GET', pattern: '/rest/api/2/demo/hang', handler: () => ({ kind: 'hang' }) },
  { method: 'GET', pattern: '/rest/api/2/demo/download', handler: download },
  { method: 'POST', pattern: '/rest/api/2/demo/upload', handler: upload },
  { method: 'PUT', pattern: '/rest/api/2/demo/upload', handler: upload },
  { method: 'GET', pattern: '/rest/api/2/demo/headers', handler: echoHeaders },
]
