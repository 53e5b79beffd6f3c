/** The one way a request step fails: a status, a public message and a reason code for the log. */

/** Reason codes that end a request; they appear in logs, request records and the TUI. */
export type Reason =
  | 'no_route'
  | 'bad_path'
  | 'bad_header'
  | 'ip_not_allowed'
  | 'key_missing'
  | 'key_malformed'
  | 'key_unknown'
  | 'key_revoked'
  | 'key_expired'
  | 'key_not_granted'
  | 'endpoint_denied'
  | 'locked_out'
  | 'rate_limited'
  | 'credential_rejected'
  | 'too_busy'
  | 'body_too_large'
  | 'credential_in_query'
  | 'credential_in_path'
  | 'credential_in_header'
  | 'method_override'
  | 'form_body'
  | 'credential_missing'
  | 'credential_stale'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_rejected_credential'
  | 'client_gone'
  | 'internal'

/** A failed request step. `message` is sent to the client and must never hold a secret. */
export class ProxyError extends Error {
  readonly status: number
  readonly reason: Reason
  constructor(status: number, message: string, reason: Reason, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProxyError'
    this.status = status
    this.reason = reason
  }
}

/** Every 401 gets this one body, so a client cannot tell why its key failed. */
export const unauthorizedMessage = 'A valid API key is required (HTTP Basic, the key as password).'
