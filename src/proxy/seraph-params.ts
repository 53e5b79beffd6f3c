/**
 * Seraph, Jira's login filter, logs a user in from `os_username` / `os_password` request
 * parameters, which Tomcat reads from the query string and from form bodies, after decoding
 * their names. A client must not log in to Jira as anyone through japroxy (nor run up failed
 * logins that lock an account), so requests that could carry them are refused, and so are
 * query strings and paths holding something shaped like a japroxy key (it would be forwarded and
 * logged by Jira).
 */
import { decodeEscapes } from '../log/request-line.ts'
import { ProxyError } from './errors.ts'

const seraphParam = /(?:^|[?&;])\s*os_(?:username|password|authType|destination|cookie)\s*=/i
const keyShape = /jpx_[a-z0-9]{10}_/i
const formType = /(?:^|,)\s*application\/x-www-form-urlencoded/i

/** A query string as Tomcat reads its parameter names: escapes decoded, `+` as a space. */
function decodedQuery(query: string): string {
  if (!query.includes('%') && !query.includes('+')) return query
  try {
    return decodeURIComponent(query.replaceAll('+', ' '))
  } catch {
    // Tomcat would refuse or skip a bad escape; judge what each escape could decode to.
    return decodeEscapes(query)
  }
}

// Jersey's method-override filter reads `_method` (its name decoded, so `_%6dethod` too); the
// policy judged the real method.
const methodOverride = /(?:^|[?&;])\s*_method\s*=/i

/**
 * Refuses a query string that carries credentials (a Seraph login parameter or something
 * shaped like a key, as sent or decoded) or a method override (400). Decodes it once.
 */
export function checkQuery(query: string): void {
  if (query === '') return
  const decoded = decodedQuery(query)
  if (methodOverride.test(decoded)) {
    throw new ProxyError(400, 'Method overrides are not accepted.', 'method_override')
  }
  const carries = (text: string) => seraphParam.test(text) || keyShape.test(text)
  if (carries(query) || (decoded !== query && carries(decoded))) {
    throw new ProxyError(
      400,
      'Credentials do not belong in the query string.',
      'credential_in_query',
    )
  }
}

/** Refuses a path holding something shaped like a japroxy key (400): Jira would log it. */
export function checkPathForKey(path: string): void {
  if (keyShape.test(path)) {
    throw new ProxyError(400, 'Credentials do not belong in the path.', 'credential_in_path')
  }
}

/**
 * Refuses a request with something shaped like a japroxy key in any header but Authorization
 * (400): it would be forwarded to Jira, which may log it (`X-Api-Key`, a key pasted as `Host`).
 */
export function checkHeadersForKey(headers: Headers): void {
  for (const [name, value] of headers) {
    if (name === 'authorization') continue
    if (keyShape.test(value) || (value.includes('%') && keyShape.test(decodeEscapes(value)))) {
      throw new ProxyError(
        400,
        'Credentials belong only in the Authorization header.',
        'credential_in_header',
      )
    }
  }
}

/**
 * Refuses form-encoded bodies (415): Tomcat would read their fields as parameters, Seraph's
 * among them, and Jira's REST API takes JSON (attachments are multipart). Changes nothing.
 */
export function checkBodyType(contentType: string | null): void {
  // Repeated Content-Type headers arrive joined by commas: any one of them counts.
  if (contentType !== null && formType.test(contentType)) {
    throw new ProxyError(415, 'Form-encoded bodies are not accepted; send JSON.', 'form_body')
  }
}
