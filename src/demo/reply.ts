/**
 * Responses of the Jira stand-in: what a handler returns, and how it is written to the socket
 * with the headers every Jira Data Center response carries (session cookies, X-AUSERNAME).
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'

/** Extra response headers; an array value becomes a repeated header. */
export type ReplyHeaders = Record<string, string | string[]>

/** What a stand-in handler answers; `hang` never answers at all. */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: ReplyHeaders }
  | { kind: 'bytes'; status: number; body: Uint8Array; headers?: ReplyHeaders }
  | { kind: 'empty'; status: number; headers?: ReplyHeaders }
  | { kind: 'stream'; status: number; headers?: ReplyHeaders; write: (res: ServerResponse) => void }
  | { kind: 'hang' }

/** Who the response is for and what the client accepts, needed to finish every reply. */
export interface ReplyAudience {
  username: string | undefined
  acceptEncoding: string | undefined
}

const jsonType = 'application/json;charset=UTF-8'

// Jira compresses only bodies worth compressing; tests rely on small bodies staying plain.
const gzipThreshold = 1024

/** Builds a JSON reply. */
export function json(status: number, body: unknown, headers?: ReplyHeaders): Reply {
  return { kind: 'json', status, body, headers }
}

/** Builds a reply without a body. */
export function empty(status: number, headers?: ReplyHeaders): Reply {
  return { kind: 'empty', status, headers }
}

/** Builds a plain-text reply, the way Jira's servlet filters answer. */
export function text(status: number, body: string, headers?: ReplyHeaders): Reply {
  const all = { 'Content-Type': 'text/plain;charset=UTF-8', ...headers }
  return { kind: 'bytes', status, body: new TextEncoder().encode(body), headers: all }
}

/** Builds a reply in Jira's error collection shape `{errorMessages, errors}`. */
export function jiraError(
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
  headers?: ReplyHeaders,
): Reply {
  return json(status, { errorMessages: messages, errors }, headers)
}

/** Returns whether an Accept-Encoding value lets the response be gzipped. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false
  return acceptEncoding.split(',').some((item) => {
    const [coding = '', ...params] = item.split(';').map((part) => part.trim().toLowerCase())
    const isRefused = params.some((param) => /^q=0(\.0*)?$/.test(param))
    return (coding === 'gzip' || coding === '*') && !isRefused
  })
}

/** Writes a reply with Jira's session headers; a `hang` reply writes nothing. */
export function writeReply(res: ServerResponse, reply: Reply, audience: ReplyAudience): void {
  if (reply.kind === 'hang') return
  res.statusCode = reply.status
  setHeaders(res, sessionHeaders(audience.username))
  if (reply.kind === 'json') {
    writeJson(res, reply.body, reply.headers, audience)
    return
  }
  setHeaders(res, reply.headers ?? {})
  if (reply.kind === 'stream') reply.write(res)
  else if (reply.kind === 'empty') res.end()
  else {
    res.setHeader('Content-Length', String(reply.body.byteLength))
    res.end(reply.body)
  }
}

function writeJson(
  res: ServerResponse,
  body: unknown,
  headers: ReplyHeaders | undefined,
  audience: ReplyAudience,
): void {
  const plain = new TextEncoder().encode(JSON.stringify(body))
  const isGzipped = plain.byteLength > gzipThreshold && acceptsGzip(audience.acceptEncoding)
  const bytes = isGzipped ? gzipSync(plain) : plain
  res.setHeader('Content-Type', jsonType)
  res.setHeader('Vary', 'Accept-Encoding')
  if (isGzipped) res.setHeader('Content-Encoding', 'gzip')
  setHeaders(res, headers ?? {})
  res.setHeader('Content-Length', String(bytes.byteLength))
  res.end(bytes)
}

function setHeaders(res: ServerResponse, headers: ReplyHeaders): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
}

// Jira creates a session for every request that has none; the proxy must drop these cookies.
function sessionHeaders(username: string | undefined): ReplyHeaders {
  const sessionId = randomBytes(16).toString('hex').toUpperCase()
  const xsrfToken = `${randomBytes(8).toString('hex')}_${username ? 'lin' : 'lout'}`
  const minuteOfDay = Math.floor(Date.now() / 60_000) % 1440
  return {
    // Jira's request id: minute of the day, a counter, the concurrency level.
    'X-AREQUESTID': `${minuteOfDay}x${randomBytes(3).readUIntBE(0, 3)}x1`,
    'X-ASESSIONID': randomBytes(4).toString('hex'),
    'X-AUSERNAME': username ?? 'anonymous',
    'Set-Cookie': [
      `JSESSIONID=${sessionId}; Path=/; HttpOnly`,
      `atlassian.xsrf.token=${xsrfToken}; Path=/`,
    ],
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, no-store, no-transform',
  }
}
