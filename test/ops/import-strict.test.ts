/**
 * `japroxy import` with files that are wrong, partial or huge (security review of the admin
 * side): unknown fields are refused by path, --prune leaves alone what the file does not
 * mention, and a big file is checked quickly with a bounded list of problems.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseExport } from '../../store/import-parse.ts'
import { cli } from '../support/cli.ts'
import { makeStore, type TestStore } from '../support/temp-store.ts'

let store: TestStore
let n = 0
const run = (args: string[], stdin?: string) => cli([...args, '--db', store.dbPath], { stdin })

/** Writes `doc` to a new file and returns its path. */
function file(doc: unknown): string {
  const path = join(store.dir, `import-${n++}.json`)
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2))
  return path
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit the exported JSON freely
function exported(): Record<string, any> {
  return JSON.parse(run(['export', '--include-secrets']).stdout)
}

beforeAll(async () => {
  store = await makeStore()
  run(['route', 'add', 'prod', '--base-path', '/jira', '--upstream', 'http://127.0.0.1:9'])
  run(['key', 'create', 'k1', '--route', 'prod'])
  run(['allow', 'add', '203.0.113.7', '--note', 'egress'])
  run(['trusted', 'add', '10.0.0.1', '--note', 'lb'])
})
afterAll(() => store.close())

describe('--prune', () => {
  test('a file with no sections removes nothing, and says which sections it left alone', () => {
    const result = run(['import', '--prune', '--dry-run', file({ japroxy: 'settings', format: 1 })])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      '--prune skipped routes, allowList, trustedProxies, keys: not in the file, so left as they are\n' +
        'no changes: the store already matches the file\n',
    )
  })

  test('prunes only the sections the file has', () => {
    const doc = { japroxy: 'settings', format: 1, trustedProxies: [] }
    const result = run(['import', '--prune', '--dry-run', file(doc)])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(
      '--prune skipped routes, allowList, keys: not in the file, so left as they are\n' +
        '- trusted 10.0.0.1/32\n' +
        'dry run: 1 changes checked, nothing written\n',
    )
  })

  test('a section given as null is refused, not taken as an empty list to prune', () => {
    for (const section of ['routes', 'allowList', 'trustedProxies', 'keys']) {
      const doc = { japroxy: 'settings', format: 1, [section]: null }
      const result = run(['import', '--prune', '--dry-run', file(doc)])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`${section}: must be a list`)
    }
  })
})

describe('unknown and malformed fields', () => {
  test('a misspelt route field is refused with its path and the likely name', () => {
    const doc = exported()
    doc.routes[0].rewriteLink = false
    doc.routes[0].policy.rule = []
    doc.allowlist = []
    doc.keys[0].ratePerMinit = 5
    doc.allowList[0].notes = 'x'
    doc.trustedProxies[0].cird = '10.0.0.2'
    doc.settings['lockout.treshold'] = 3
    doc.routes[0].credential = { kind: 'basic', seal: 'x' }
    const result = run(['import', '--dry-run', file(doc)])
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      [
        'error: the input has problems; nothing was written:',
        '  allowlist: unknown field (did you mean allowList?)',
        '  routes.prod.rewriteLink: unknown field (did you mean rewriteLinks?)',
        '  routes.prod.policy.rule: unknown field (did you mean rules?)',
        '  routes.prod.credential.seal: unknown field (did you mean sealed?)',
        '  allowList[0].notes: unknown field (did you mean note?)',
        '  trustedProxies[0].cird: unknown field (did you mean cidr?)',
        '  keys.k1.ratePerMinit: unknown field (did you mean ratePerMinute?)',
        '  settings.lockout.treshold: unknown field (did you mean lockout.threshold?)',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(1)
  })

  test('a credential kind other than basic or bearer is refused, with or without sealed', () => {
    const doc = exported()
    doc.routes[0].credential = { kind: 'evil' }
    const result = run(['import', '--dry-run', file(doc)])
    expect(result.stderr).toContain(
      '  routes.prod.credential.kind: "evil" is not basic or bearer\n',
    )
    expect(result.code).toBe(1)
  })

  test('a malformed key hash, keyId or sealed credential is refused, even on a key the store has', () => {
    const doc = exported()
    doc.keys[0].hash = 'ZZ'
    doc.keys[0].keyId = 'NOT valid!'
    doc.routes[0].credential = { kind: 'basic', sealed: '***' }
    const result = run(['import', '--dry-run', file(doc)])
    expect(result.stderr).toContain(
      '  keys.k1.hash: not a key hash (64 lower-case hex digits, as export --include-secrets writes)\n',
    )
    expect(result.stderr).toContain(
      '  keys.k1.keyId: "NOT valid!" is not a keyId (4 to 32 lower-case letters and digits)\n',
    )
    expect(result.stderr).toContain('  routes.prod.credential.sealed: not base64\n')
    expect(result.code).toBe(1)
  })

  test('an unchanged export still imports as no changes', () => {
    const result = run(['import', file(exported())])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('no changes: the store already matches the file\n')
  })
})

describe('a big file', () => {
  const keys = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      name: `key-${i}`,
      keyId: `id${i}`.padEnd(8, 'x'),
      routes: ['prod'],
      createdAt: '2027-01-01T00:00:00.000Z',
      expiresAt: null,
      revokedAt: null,
      ratePerMinute: null,
      rateBurst: null,
    }))

  test('200,000 keys are read and checked in seconds, not minutes', () => {
    const text = JSON.stringify({ japroxy: 'settings', format: 1, keys: keys(200_000) })
    const started = performance.now()
    const { doc, problems } = parseExport(text)
    expect(problems).toEqual([])
    expect(doc!.keys).toHaveLength(200_000)
    const path = file(text)
    const result = run(['import', '--dry-run', path])
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(result.code).toBe(1)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(52)
    expect(lines[1]).toBe(
      '  keys.key-0: not in this store and the file has no hash (export with --include-secrets, or leave it out)',
    )
    expect(lines[51]).toBe('  … and 199950 more')
  }, 60_000)
})
