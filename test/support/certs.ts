/** Throwaway certificates made with openssl for TLS tests: a CA, a server and a client. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** PEM files and their text. */
export interface TestPki {
  dir: string
  caCert: string
  caCertPath: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  /** SHA-256 fingerprint of the server certificate, `AA:BB:…`. */
  serverFingerprint: string
}

function openssl(dir: string, ...args: string[]): string {
  const result = Bun.spawnSync(['openssl', ...args], { cwd: dir })
  if (result.exitCode !== 0)
    throw new Error(`openssl ${args[0]} failed: ${result.stderr.toString()}`)
  return result.stdout.toString()
}

function issue(dir: string, name: string, subject: string, extensions: string): void {
  openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  )
  Bun.write(join(dir, `${name}.ext`), extensions)
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  )
}

/** Makes a CA, a server certificate for 127.0.0.1/localhost and a client certificate. */
export async function makePki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'japroxy-pki-'))
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=japroxy test CA',
  )
  issue(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  )
  issue(dir, 'client', '/CN=jira-align', 'extendedKeyUsage=clientAuth\n')
  await Bun.sleep(0)
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  const fingerprint = openssl(dir, 'x509', '-in', 'server.crt', '-noout', '-fingerprint', '-sha256')
  return {
    dir,
    caCert: read('ca.crt'),
    caCertPath: join(dir, 'ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    serverFingerprint: fingerprint.trim().split('=')[1]!,
  }
}
