/**
 * Checking serve's inbound TLS files before anything starts: readable, a PEM certificate and a
 * PEM private key that belong together. Bun.serve would otherwise fail with an OpenSSL stack.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { UserError } from './output.ts'

/** The TLS options serve passes on, and what to warn about once it runs. */
export interface TlsFiles {
  cert: string
  key: string
  clientCa?: string
  warnings: string[]
}

const swapHint = '--tls-cert takes the certificate (chain), --tls-key its private key'

function readText(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read ${flag} ${path}: ${(error as Error).message}`)
  }
}

/** OpenSSL's reason without its error-code prefix (`PEM routines:...:NO_START_LINE`). */
function reason(error: unknown): string {
  return String((error as Error).message ?? error).replace(/^error:[0-9a-f]+:/i, '')
}

function certificateOf(flag: string, path: string, text: string): X509Certificate {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UserError(
      `${flag} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      swapHint,
    )
  }
  try {
    return new X509Certificate(text)
  } catch (error) {
    throw new UserError(`${flag} ${path} is not a readable PEM certificate (${reason(error)})`)
  }
}

function privateKeyOf(path: string, text: string): KeyObject {
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text)) {
    throw new UserError(
      `--tls-key ${path} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
      swapHint,
    )
  }
  try {
    return createPrivateKey(text)
  } catch (error) {
    throw new UserError(
      `--tls-key ${path} is not a readable PEM private key (${reason(error)})`,
      'give the key unencrypted (no passphrase), readable only by the service',
    )
  }
}

/** Why the key file is too open: group or others may read it. */
function keyModeWarning(path: string): string[] {
  try {
    if ((statSync(path).mode & 0o044) === 0) return []
  } catch {
    return []
  }
  return [`the TLS key ${path} is readable by group or others: run chmod 600 ${path}`]
}

/** Reads and checks the inbound TLS files; throws a UserError saying what to fix. */
export function readTlsFiles(certPath: string, keyPath: string, clientCaPath?: string): TlsFiles {
  const cert = readText('--tls-cert', certPath)
  const key = readText('--tls-key', keyPath)
  const certificate = certificateOf('--tls-cert', certPath, cert)
  const privateKey = privateKeyOf(keyPath, key)
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new UserError(
      `--tls-key ${keyPath} is not the private key of the certificate in ${certPath}`,
      'give the key the certificate was issued for (the server certificate comes first in the file)',
    )
  }
  let clientCa: string | undefined
  if (clientCaPath) {
    clientCa = readText('--client-ca', clientCaPath)
    certificateOf('--client-ca', clientCaPath, clientCa)
  }
  return { cert, key, clientCa, warnings: keyModeWarning(keyPath) }
}
