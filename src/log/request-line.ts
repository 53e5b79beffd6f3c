/**
 * The per-request log line (STYLE.md's field list), in two forms: JSON text built field by
 * field for the log, which is what every request pays for, and an object for `onRequest`
 * listeners (the demo), built only when one is listening.
 */
import type { RequestContext } from '../proxy/request-context.ts'
import { errorText } from './logger.ts'
import { redactedMarker, redactText } from './redact.ts'

/** What a finished request adds to its context: the outcome and when it was measured. */
export interface RequestOutcome {
  status: number
  bytesOut: number
  durationMs: number
  error?: unknown
}

/** The path as logged: a client that put its key in the path does not get it written down. */
export function loggablePath(path: string): string {
  if (!path.includes('%')) return /jpx_/i.test(path) ? redactText(path) : path
  // With escapes (`jpx%5F…`, `j%70x_…`, `%255F`), a key can hide from the pattern: the path is
  // judged decoded (twice), and anything key-like there hides all of it. Such a path got 400.
  return /jpx/i.test(decodeEscapes(decodeEscapes(path))) ? redactedMarker : path
}

/** `text` with each `%XX` escape decoded byte by byte (never throws, unlike decodeURIComponent). */
export function decodeEscapes(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
}

/** The Host header as logged: a key pasted there (a 400) is masked like one in a path. */
const loggableHost = loggablePath

// Text JSON needs no escapes for: no quote, backslash, control character or lone surrogate.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const plainText = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/** A string as JSON: quoted as it is when nothing needs escaping (most fields), else escaped. */
function quote(value: string): string {
  return plainText.test(value) ? `"${value}"` : JSON.stringify(value)
}

/** A number as JSON (`null` for NaN and infinities, as JSON.stringify writes them). */
function numberText(value: number): string {
  return Number.isFinite(value) ? `${value}` : 'null'
}

// One optional field: `,"name":value`, or nothing when the value is undefined (as
// JSON.stringify leaves undefined fields out).
function optionalText(name: string, value: string | undefined): string {
  return value === undefined ? '' : `,"${name}":${quote(value)}`
}

function optionalNumber(name: string, value: number | undefined): string {
  return value === undefined ? '' : `,"${name}":${numberText(value)}`
}

/**
 * The request's fields as JSON text without braces, in the order of `requestLineObject`;
 * client-sent text (host, path, error) is escaped by `JSON.stringify` of the string alone.
 */
export function requestLineJson(ctx: RequestContext, outcome: RequestOutcome): string {
  const { status, bytesOut, durationMs, error } = outcome
  return (
    `"requestId":${quote(ctx.requestId)},"clientIp":${quote(ctx.clientIp)}` +
    `,"remoteAddr":${quote(ctx.remoteAddr)},"method":${quote(ctx.method)}` +
    `,"host":${quote(loggableHost(ctx.host))},"path":${quote(loggablePath(ctx.path))}` +
    optionalText('route', ctx.route?.name) +
    optionalText('upstream', ctx.route?.upstreamOrigin) +
    `,"status":${numberText(status)}` +
    optionalNumber('upstreamStatus', ctx.upstreamStatus) +
    `,"durationMs":${numberText(durationMs)},"bytesIn":${numberText(ctx.bytesIn)}` +
    `,"bytesOut":${numberText(bytesOut)}` +
    optionalText('keyId', ctx.keyId) +
    `,"auth":${quote(ctx.auth)}` +
    (ctx.reason ? `,"reason":${quote(ctx.reason)}` : '') +
    (error && status >= 500 ? `,"error":${quote(errorText(error))}` : '')
  )
}

/** The same fields as an object, for `onRequest` listeners. */
export function requestLineObject(
  ctx: RequestContext,
  outcome: RequestOutcome,
): Record<string, unknown> {
  const { status, bytesOut, durationMs, error } = outcome
  const line: Record<string, unknown> = {
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    remoteAddr: ctx.remoteAddr,
    method: ctx.method,
    host: loggableHost(ctx.host),
    path: loggablePath(ctx.path),
    route: ctx.route?.name,
    upstream: ctx.route?.upstreamOrigin,
    status,
    upstreamStatus: ctx.upstreamStatus,
    durationMs,
    bytesIn: ctx.bytesIn,
    bytesOut,
    keyId: ctx.keyId,
    auth: ctx.auth,
  }
  if (ctx.reason) line.reason = ctx.reason
  if (error && status >= 500) line.error = errorText(error)
  return line
}
