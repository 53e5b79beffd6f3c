/**
 * The one place secrets are masked before anything is logged or printed. Values of secret
 * headers are replaced whole; free text (error messages from libraries) is scanned for
 * anything shaped like a key or an Authorization value.
 */

/** The fixed marker that replaces a secret. */
export const redactedMarker = '[redacted]'

/** Header names whose values are secret in either direction. */
export const secretHeaders: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-asessionid',
])

const secretShapes: readonly [RegExp, string][] = [
  [/jpx_[a-z0-9]+_[A-Za-z0-9_-]+/gi, redactedMarker],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, `$1 ${redactedMarker}`],
  [/\b(password|token|secret)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1$2${redactedMarker}`],
]

/** Masks anything in `text` shaped like an API key, an Authorization value or a password field. */
export function redactText(text: string): string {
  let result = text
  for (const [shape, replacement] of secretShapes) result = result.replace(shape, replacement)
  return result
}

/** Header pairs with secret values masked, for debug output. */
export function redactHeaders(headers: Headers): [string, string][] {
  return [...headers].map(([name, value]) => [
    name,
    secretHeaders.has(name) ? redactedMarker : value,
  ])
}
