/**
 * `japroxy export` / `japroxy import`: a diff-friendly file for change control, no secrets
 * unless asked, and an import that checks everything and applies all of it or nothing (#5).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../support/cli.ts'
import { basic, type Stack, startStack } from '../support/stack.ts'

let stack: Stack
let file: string
const run = (args: string[], stdin?: string) => cli([...args, '--db', stack.dbPath], { stdin })

beforeAll(async () => {
  stack = await startStack()
  file = join(stack.dir, 'settings.json')
  run(['allow', 'add', '203.0.113.7', '--note', 'Jira Align egress 1'])
  run(['allow', 'add', '2001:db8:40::/48', '--route', 'prod', '--note', 'office'])
  run(['route', 'set', 'prod', '--rule', 'deny DELETE /rest/api/2/issue/{key}'])
})
afterAll(() => stack.stop())

function count(table: string): number {
  return (stack.db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit the parsed JSON freely
function edit(change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  change(doc)
  const path = join(stack.dir, `edited-${Date.now()}.json`)
  writeFileSync(path, JSON.stringify(doc, null, 2))
  return path
}

describe('export', () => {
  test('writes one value per line in a fixed order, with no key hash and no sealed credential', () => {
    expect(run(['export', '--out', file]).code).toBe(0)
    const text = readFileSync(file, 'utf8')
    expect(run(['export']).stdout).toBe(text)
    const doc = JSON.parse(text)
    expect(Object.keys(doc)).toEqual([
      'japroxy',
      'format',
      'routes',
      'allowList',
      'trustedProxies',
      'keys',
      'settings',
    ])
    expect(doc.routes[0].policy.rules).toEqual(['deny DELETE /rest/api/2/issue/{key}'])
    expect(doc.routes[0].credential).toEqual({ kind: 'basic' })
    expect(
      doc.allowList.map((e: { cidr: string; route: string | null }) => `${e.route} ${e.cidr}`),
    ).toEqual(['null 127.0.0.1/32', 'null 203.0.113.7/32', 'prod 2001:db8:40::/48'])
    expect(doc.keys[0]).not.toHaveProperty('hash')
    expect(text).toContain('\n          "deny DELETE /rest/api/2/issue/{key}"\n')
    const hash = (stack.db.query('SELECT hash FROM api_keys').get() as { hash: string }).hash
    for (const secret of [...stack.secrets, String(hash)]) expect(text).not.toContain(secret)
    expect(text).not.toContain('sealed')
  })

  test('with --include-secrets holds hashes and sealed credentials, in a 0600 file, and says so', () => {
    const secretFile = join(stack.dir, 'with-secrets.json')
    const result = run(['export', '--include-secrets', '--out', secretFile])
    expect(result.stderr).toContain('guard it like the store')
    expect(statSync(secretFile).mode & 0o777).toBe(0o600)
    const doc = JSON.parse(readFileSync(secretFile, 'utf8'))
    expect(doc.keys[0].hash).toMatch(/^[0-9a-f]{64}$/)
    expect(doc.routes[0].credential.sealed.length).toBeGreaterThan(40)
    expect(readFileSync(secretFile, 'utf8')).not.toContain(stack.apiKey)
  })

  // Security review: a second export to an existing 0644 file kept 0644 with secrets in it.
  test('with --include-secrets over an existing 0644 file leaves a 0600 file', () => {
    const secretFile = join(stack.dir, 'was-0644.json')
    expect(run(['export', '--out', secretFile]).code).toBe(0)
    expect(statSync(secretFile).mode & 0o777).toBe(0o644)
    expect(run(['export', '--include-secrets', '--out', secretFile]).code).toBe(0)
    expect(statSync(secretFile).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(secretFile, 'utf8')).keys[0].hash).toMatch(/^[0-9a-f]{64}$/)
    expect(readdirSync(stack.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  // Security review: a symlink at --out was followed, writing the secrets to where it points.
  test('--out naming a symlink is refused and never written through', () => {
    const pointedAt = join(stack.dir, 'pointed-at.txt')
    writeFileSync(pointedAt, 'untouched', { mode: 0o644 })
    const link = join(stack.dir, 'export-link.json')
    symlinkSync(pointedAt, link)
    const result = run(['export', '--include-secrets', '--out', link])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is not a regular file')
    expect(readFileSync(pointedAt, 'utf8')).toBe('untouched')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })

  // Review: --out naming the master key replaced it with JSON, losing every credential.
  test('--out naming a file that is not an earlier export (the master key, the store) is refused', () => {
    for (const path of [stack.keyPath, stack.dbPath]) {
      const before = readFileSync(path)
      const result = run(['export', '--out', path])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('exists and is not a japroxy export')
      expect(readFileSync(path).equals(before)).toBe(true)
    }
  })
})

describe('import', () => {
  test('of an unchanged export changes nothing and duplicates nothing', () => {
    const before = [count('allow_list'), count('audit'), count('routes')]
    const result = run(['import', file])
    expect(result.stdout).toBe('no changes: the store already matches the file\n')
    expect([count('allow_list'), count('audit'), count('routes')]).toEqual(before)
  })

  test('lists what changes; --dry-run writes nothing; the real run applies it once', () => {
    const path = edit((doc) => {
      doc.routes[0].headerTimeoutMs = 120000
      doc.allowList[1].note = 'Jira Align egress one'
      doc.allowList.push({ cidr: '198.51.100.0/24', route: null, note: 'Jira Align egress 2' })
      doc.settings['lockout.threshold'] = 5
    })
    const plan = [
      '~ route prod: headerTimeoutMs',
      '+ allow 198.51.100.0/24 (global) "Jira Align egress 2"',
      '~ allow 203.0.113.7/32 (global): note "Jira Align egress one"',
      '~ setting lockout.threshold: 10 → 5',
    ]
    const auditBefore = count('audit')
    const dry = run(['import', path, '--dry-run'])
    expect(dry.stdout.split('\n').slice(0, -2).sort()).toEqual([...plan].sort())
    expect(dry.stdout).toEndWith('dry run: 4 changes checked, nothing written\n')
    expect(count('audit')).toBe(auditBefore)
    const real = run(['import', path])
    expect(real.stdout).toEndWith('applied 4 changes\n')
    expect(count('audit')).toBe(auditBefore + 5)
    expect(run(['import', path]).stdout).toBe('no changes: the store already matches the file\n')
  })

  test('a file with many problems lists every one and writes nothing', () => {
    const path = edit((doc) => {
      doc.routes[0].headerTimeoutMs = 5
      doc.routes[0].policy.rules = ['deny DELETE /x', 'deny DELETE /x', 'let me in']
      doc.allowList.push({ cidr: '10.0.0.1/8', route: null, note: '' })
      doc.allowList.push({ cidr: '10.1.0.0/16', route: 'nope', note: '' })
      doc.keys.push({ ...doc.keys[0], name: 'stranger', keyId: 'abcdefghij' })
      doc.settings['lockout.threshold'] = -1
    })
    const before = [count('audit'), count('allow_list')]
    const result = run(['import', path])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.split('\n')
    expect(lines[0]).toBe('error: the input has problems; nothing was written:')
    for (const problem of [
      'routes.prod.policy.rules: "deny DELETE /x" appears more than once',
      'allowList[3].cidr: "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8',
      'keys.stranger: not in this store and the file has no hash',
      'routes.prod.headerTimeoutMs: must be from 100 ms to 1 hour (3600000 ms; a duration like 30s where one is typed)',
      'routes.prod.policy.rules[2]: "let" is not allow or deny',
      'allow 10.1.0.0/16 (route nope) "": allowList.route: no route named "nope"',
      'settings.lockout.threshold: must be a whole number from 0 to 1000000',
    ]) {
      expect(lines.some((l) => l.includes(problem))).toBe(true)
    }
    expect([count('audit'), count('allow_list')]).toEqual(before)
  })

  test('a file that is not an export says so', () => {
    writeFileSync(join(stack.dir, 'junk.json'), '{"hello": 1}')
    const result = run(['import', join(stack.dir, 'junk.json')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('file: not a japroxy settings export of format 1')
  })

  test('--prune removes what the file leaves out, and a revoked key is never brought back', () => {
    run(['allow', 'add', '192.0.2.9', '--note', 'temporary'])
    run(['route', 'add', 'extra', '--base-path', '/extra', '--upstream', 'http://127.0.0.1:9'])
    const current = join(stack.dir, 'current.json')
    run(['export', '--out', current])
    const doc = JSON.parse(readFileSync(current, 'utf8'))
    doc.routes = doc.routes.filter((r: { name: string }) => r.name !== 'extra')
    doc.allowList = doc.allowList.filter((e: { cidr: string }) => e.cidr !== '192.0.2.9/32')
    writeFileSync(current, JSON.stringify(doc))
    const result = run(['import', current, '--prune'])
    expect(result.stdout).toBe('- route extra\n- allow 192.0.2.9/32 (global)\napplied 2 changes\n')
    run(['key', 'revoke', 'align'])
    const revived = run(['import', current])
    expect(revived.code).toBe(1)
    expect(revived.stderr).toContain(
      'keys.align: is revoked here; a revoked key is never brought back',
    )
  })
})

describe('import with secrets', () => {
  test('brings a removed route back with its sealed credential, grants and allow-list, and serve uses them', async () => {
    const key = stack.createKey('second', ['prod'])
    stack.proxy.reload(true)
    const saved = join(stack.dir, 'saved.json')
    run(['export', '--include-secrets', '--out', saved])
    const removed = run(['route', 'remove', 'prod', '--confirm', 'prod'])
    expect(removed.code).toBe(0)
    // Its keys are left active but reach nothing: the admin is told which.
    expect(removed.stderr).toMatch(/warning: keys? .*second.* reach no route; revoke them/)
    stack.proxy.reload(true)
    expect(
      (await stack.get('/jira-prod/rest/api/2/myself', { headers: { authorization: basic(key) } }))
        .status,
    ).toBe(404)
    const result = run(['import', saved])
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('+ route prod /jira-prod')
    expect(result.stdout).toContain('~ credential prod (basic, sealed)')
    stack.proxy.reload(true)
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(key) },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { name: string }).name).toBe('jira-svc')
  })

  test('refuses sealed credentials of another store', () => {
    const saved = join(stack.dir, 'saved.json')
    const other = join(stack.dir, 'other', 'japroxy.db')
    cli(['init', '--db', other])
    const result = cli(['import', saved, '--db', other])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('publicKey: the sealed credentials belong to another store')
  })
})
