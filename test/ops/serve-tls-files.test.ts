/**
 * `serve --tls-cert/--tls-key` with the wrong files (security review of the admin side): each is
 * refused before anything starts, with exit 1 and what to fix, instead of an OpenSSL stack; a
 * key file others may read is warned about at start.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makePki, type TestPki } from '../support/certs.ts'
import { cli } from '../support/cli.ts'
import { type PreparedStore, prepareStore, startServe } from './serve-process.ts'

let store: PreparedStore
let pki: TestPki
const file = (name: string) => join(pki.dir, name)

beforeAll(async () => {
  store = await prepareStore()
  pki = await makePki()
})
afterAll(async () => {
  await store.cleanUp()
  rmSync(pki.dir, { recursive: true, force: true })
})

function serve(cert: string, key: string) {
  return cli([
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--admin-listen',
    'off',
    '--tls-cert',
    cert,
    '--tls-key',
    key,
    '--db',
    store.dbPath,
    '--master-key',
    store.keyPath,
  ])
}

describe('serve refuses TLS files that cannot work', () => {
  test('swapped certificate and key', () => {
    const result = serve(file('server.key'), file('server.crt'))
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `error: --tls-cert ${file('server.key')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n` +
        '  → --tls-cert takes the certificate (chain), --tls-key its private key\n',
    )
    expect(result.code).toBe(1)
  })

  test('a key that does not belong to the certificate', () => {
    const result = serve(file('server.crt'), file('client.key'))
    expect(result.stderr).toBe(
      `error: --tls-key ${file('client.key')} is not the private key of the certificate in ${file('server.crt')}\n` +
        '  → give the key the certificate was issued for (the server certificate comes first in the file)\n',
    )
    expect(result.code).toBe(1)
  })

  test('garbage and an empty file', () => {
    const garbage = join(store.dir, 'garbage.pem')
    writeFileSync(
      garbage,
      '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n',
    )
    const bad = serve(garbage, file('server.key'))
    expect(bad.stderr).toStartWith(`error: --tls-cert ${garbage} is not a readable PEM certificate`)
    expect(bad.code).toBe(1)
    const empty = serve(file('server.crt'), '/dev/null')
    expect(empty.stderr).toStartWith(
      'error: --tls-key /dev/null holds no PEM private key (-----BEGIN PRIVATE KEY-----)',
    )
    expect(empty.code).toBe(1)
    const missing = serve(join(store.dir, 'nope.crt'), file('server.key'))
    expect(missing.stderr).toStartWith(
      `error: cannot read --tls-cert ${join(store.dir, 'nope.crt')}`,
    )
    expect(missing.code).toBe(1)
    for (const result of [bad, empty, missing]) expect(result.stderr).not.toContain('at ')
  })
})

describe('serve with a TLS key others may read', () => {
  test('starts, and warns once with the chmod that fixes it', async () => {
    const key = join(store.dir, 'loose.key')
    copyFileSync(file('server.key'), key)
    chmodSync(key, 0o644)
    const proxy = await startServe(store, ['--tls-cert', file('server.crt'), '--tls-key', key])
    try {
      const line = await proxy.waitFor((l) => l.level === 'warn' && String(l.msg).includes(key))
      expect(line.msg).toBe(
        `the TLS key ${key} is readable by group or others: run chmod 600 ${key}`,
      )
    } finally {
      proxy.child.kill('SIGTERM')
      await proxy.child.exited
    }
  })
})
