/**
 * The canonical-path check. Jira runs on Tomcat, which decodes and normalises paths its own
 * way (it honours `;` path parameters, and decodes `%2e`), so japroxy only accepts a path that
 * every reasonable decoder reads the same way, and forwards exactly that path.
 */
import { ProxyError } from './errors.ts'

// RFC 3986 §3.3 pchar plus `/`, without `;` (Tomcat path parameters) and with `%` checked below.
const allowedChars = /^[A-Za-z0-9\-._~!$&'()*+,=:@/%]*$/
const percentTriplet = /%([0-9A-Fa-f]{2})?/g
const encodedRun = /(?:%[0-9A-F]{2})+/g
const unreserved = /[A-Za-z0-9\-._~]/
// A whole segment that is `.` or `..` (tested on the string, no split per request).
const dotSegment = /(?:^|\/)\.\.?(?:\/|$)/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Why a path is not canonical, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (path !== '' && !path.startsWith('/')) return 'path must start with /'
  if (!allowedChars.test(path))
    return 'path has a character that must be percent-encoded or is not allowed'
  if (path.includes('//')) return 'path has an empty segment (//)'
  if (dotSegment.test(path)) return 'path has a dot segment'
  if (path.includes('%')) return encodingProblem(path)
  return undefined
}

function encodingProblem(path: string): string | undefined {
  for (const match of path.matchAll(percentTriplet)) {
    const hex = match[1]
    if (!hex) return 'path has an invalid percent-encoding'
    if (hex !== hex.toUpperCase()) return 'path has lower-case percent-encoding (use %2F style)'
    const byte = Number.parseInt(hex, 16)
    const char = String.fromCharCode(byte)
    if (byte < 0x80 && unreserved.test(char))
      return `path encodes "${char}", which must be written plainly`
    if (byte < 0x20 || byte === 0x7f) return 'path encodes a control character'
    if ('/\\;?#%'.includes(char)) return `path encodes "${char}", which is not allowed`
  }
  for (const run of path.matchAll(encodedRun)) {
    const bytes = run[0]
      .slice(1)
      .split('%')
      .map((hex) => Number.parseInt(hex, 16))
    try {
      utf8.decode(new Uint8Array(bytes))
    } catch {
      return 'path has percent-encoded bytes that are not valid UTF-8'
    }
  }
  return undefined
}

/** Step 3: refuses a path that is not canonical with 400. Changes nothing. */
export function checkPath(path: string): void {
  const problem = pathProblem(path)
  if (problem) throw new ProxyError(400, `Bad request path: ${problem}.`, 'bad_path')
}
