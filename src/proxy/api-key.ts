/**
 * Step 6: the API key. Exactly one `Authorization: Basic` header; the username is ignored and
 * the password is the key. The key is hashed and looked up by hash, so no secret is compared
 * byte by byte. Every failure gets the same 401 body.
 */
import { ProxyError, type Reason, unauthorizedMessage } from './errors.ts'
import type { KeyTable } from './key-table.ts'
import type { KeyRuntime } from './snapshot.ts'

// Exactly one space after the scheme, strict padded base64: anything else is malformed.
const basicPattern =
  /^[Bb][Aa][Ss][Ii][Cc] ((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/
const utf8 = new TextDecoder('utf-8', { fatal: true })
const nonAscii = /[\u0080-\uffff]/

/**
 * The Basic credentials as text: `atob` (one byte per character) when they are ASCII, as every
 * generated or importable key is; otherwise strict UTF-8, undefined when invalid. `atob` costs
 * less than a Buffer and a decoder per request (bench/NOTES.md).
 */
function decodeCredentials(base64: string): string | undefined {
  const bytes = atob(base64)
  if (!nonAscii.test(bytes)) return bytes
  try {
    return utf8.decode(Buffer.from(base64, 'base64'))
  } catch {
    return undefined
  }
}

/** Extracts the key from an `Authorization` value; undefined when malformed. */
export function keyFromAuthorization(value: string): string | undefined {
  if (!basicPattern.test(value)) return undefined
  const decoded = decodeCredentials(value.slice(6))
  if (decoded === undefined) return undefined
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  const key = decoded.slice(colon + 1)
  return key === '' ? undefined : key
}

function deny(reason: Reason): ProxyError {
  return new ProxyError(401, unauthorizedMessage, reason)
}

/** SHA-256 hex of a presented key, the form keys are stored and looked up in. */
export function hashPresentedKey(key: string): string {
  return Bun.SHA256.hash(key, 'hex') as string
}

/**
 * Finds the key a request presents. `authorization` is the header value (Bun joins repeated
 * headers with ", ", which strict base64 refuses, so two headers are refused too).
 */
export function authenticate(
  authorization: string | null,
  keysByHash: KeyTable,
  now: number,
): KeyRuntime {
  if (authorization === null) throw deny('key_missing')
  const key = keyFromAuthorization(authorization)
  if (key === undefined) throw deny('key_malformed')
  const found = keysByHash.get(hashPresentedKey(key))
  if (!found) throw deny('key_unknown')
  if (found.isRevoked) throw Object.assign(deny('key_revoked'), { keyId: found.keyId })
  if (found.expiresAt !== undefined && found.expiresAt <= now) {
    throw Object.assign(deny('key_expired'), { keyId: found.keyId })
  }
  return found
}
