/** The admin commands, run as a user runs them: exact output and exit codes (issue #2). */

import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeModeWarning } from '../../src/cli/commands/serve.ts'
import { encodePublicKey, generateMasterKey, sodiumReady } from '../../store/seal.ts'
import { cli, storeCli } from '../support/cli.ts'

let dir: string
let db: string
const { run, auditCount } = storeCli(() => db)

/** Reads `stream` until `needle` shows up or `ms` pass; returns what it read. */
async function readUntil(stream: ReadableStream<Uint8Array>, needle: string, ms: number) {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  const deadline = Date.now() + ms
  let text = ''
  while (!text.includes(needle) && Date.now() < deadline) {
    let timer: Timer | undefined
    const timeout = new Promise<{ done: true }>((resolve) => {
      timer = setTimeout(() => resolve({ done: true }), deadline - Date.now())
    })
    const chunk = await Promise.race([reader.read(), timeout])
    clearTimeout(timer)
    if (chunk.done) break
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-cli-'))
  db = join(dir, 'japroxy.db')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('init', () => {
  test('creates the store and a 0600 master key beside it', () => {
    const result = run(['init'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`created store      ${db}`)
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600)
  })

  test('refuses to run twice', () => {
    const result = run(['init'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: store already exists: ${db}\n  → japroxy init never overwrites; move it away or use another path\n`,
    )
  })
})

describe('route', () => {
  test('add with every field wrong prints every problem, writes nothing, exits 1', () => {
    const before = auditCount()
    const result = run([
      'route',
      'add',
      'Bad Name',
      '--base-path',
      'x/',
      '--upstream',
      'ftp://jira',
      '--rule',
      'let me in',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      [
        'error: the input has problems; nothing was written:',
        '  NAME: "Bad Name" is not a valid name (lower-case letters, digits, -)',
        '  --base-path: "x/" is not a base path (like /jira-prod, no trailing /)',
        '  --upstream: "ftp://jira" is not an http(s) URL (like https://jira.internal:8443)',
        '  --rule: "let" is not allow or deny',
        '',
      ].join('\n'),
    )
    expect(auditCount()).toBe(before)
  })

  test('a CA file that holds no certificate is refused', () => {
    const result = run([
      'route',
      'add',
      'ca',
      '--base-path',
      '/ca',
      '--upstream',
      'https://jira.example.com',
      '--ca-file',
      '/etc/passwd',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      '--ca-file: /etc/passwd holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    )
  })

  test('add, list and set', () => {
    expect(
      run(['route', 'add', 'prod', '--base-path', '/jira-prod', '--upstream', 'http://127.0.0.1:9'])
        .stdout,
    ).toBe('added route prod: /jira-prod → http://127.0.0.1:9\n')
    expect(run(['route', 'set', 'prod', '--header-timeout', '90s']).code).toBe(0)
    const list = run(['route', 'list', '--json'])
    expect(JSON.parse(list.stdout)[0]).toMatchObject({
      name: 'prod',
      headerTimeoutMs: 90000,
      anonymousPaths: ['GET /rest/api/2/serverInfo'],
    })
    const table = run(['route', 'list']).stdout.split('\n')
    expect(table[0]).toMatch(/^NAME\s+BASE PATH\s+UPSTREAM\s+CREDENTIAL/)
    expect(table[1]).toMatch(/^prod\s+\/jira-prod\s+http:\/\/127\.0\.0\.1:9\s+not set/)
  })

  test('set --rule adds to the custom rules, says what they are, and --remove-rule takes one away', () => {
    const first = run(['route', 'set', 'prod', '--rule', 'deny delete /rest/api/2/issue/{key}'])
    expect(first.stdout).toBe(
      [
        'updated route prod',
        'custom rules (checked before the jira-align profile):',
        '  deny DELETE /rest/api/2/issue/{key}',
        'anonymous paths:',
        '  GET /rest/api/2/serverInfo',
        '',
      ].join('\n'),
    )
    const second = run([
      'route',
      'set',
      'prod',
      '--rule',
      'deny * /rest/api/2/issue/{key}/watchers',
    ])
    expect(second.stdout).toContain(
      '  deny DELETE /rest/api/2/issue/{key}\n  deny * /rest/api/2/issue/{key}/watchers\n',
    )
    expect(run(['route', 'explain', 'prod', 'DELETE', '/rest/api/2/issue/DEMO-1']).code).toBe(3)
    const removed = run([
      'route',
      'set',
      'prod',
      '--remove-rule',
      'deny DELETE /rest/api/2/issue/{key}',
    ])
    expect(removed.stdout).not.toContain('deny DELETE')
    expect(run(['route', 'set', 'prod', '--remove-rule', 'deny GET /nothing']).stderr).toContain(
      'the route has no rule "deny GET /nothing"',
    )
    expect(run(['route', 'set', 'prod', '--clear-rules']).stdout).toContain(
      'custom rules (checked before the jira-align profile):\n  (none)',
    )
  })

  test('a duration that is not one is refused before anything runs', () => {
    const result = run(['route', 'set', 'prod', '--header-timeout', 'soon'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('"soon" is not a duration')
  })

  test('explain says which rule decides', () => {
    const allowed = run(['route', 'explain', 'prod', 'GET', '/rest/api/latest/issue/DEMO-1'])
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toContain('judged as /rest/api/2/issue/DEMO-1')
    expect(allowed.stdout).toContain(
      'allowed by rule "allow GET,POST,PUT,DELETE /rest/api/2/**" (profile)',
    )
    const denied = run(['route', 'explain', 'prod', 'POST', '/rest/api/2/group/user'])
    expect(denied.code).toBe(3)
    expect(denied.stdout).toContain(
      'denied with 403 by rule "deny * /rest/api/2/group/**" (profile)',
    )
    // A query string is judged as serve judges it: accepted, unless it carries credentials.
    const search = run(['route', 'explain', 'prod', 'GET', '/rest/api/2/search?jql=project=DEMO'])
    expect(search.code).toBe(0)
    expect(search.stdout).toContain('path check: canonical; query string accepted')
    expect(search.stdout).toContain('/rest/api/2/search?jql=project=DEMO')
    const login = run(['route', 'explain', 'prod', 'GET', '/rest/api/2/myself?os_username=x'])
    expect(login.code).toBe(3)
    expect(login.stdout).toContain('refused with 400 (credentials do not belong in the query')
    const suffix = run(['route', 'explain', 'prod', 'POST', '/rest/api/2/group.json'])
    expect(suffix.code).toBe(3)
    expect(suffix.stdout).toContain('judged as /rest/api/2/group')
  })
})

describe('credential', () => {
  test('reads the password from stdin and never prints it', () => {
    const result = run(['credential', 'set', 'prod', '--user', 'jira-svc'], 'pipe-secret-123\n')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('sealed the password of jira-svc for route prod\n')
    expect(result.stdout + result.stderr).not.toContain('pipe-secret-123')
    expect(run(['credential', 'list']).stdout).toMatch(/prod\s+basic/)
  })

  test('will not take the secret as an argument', () => {
    const result = run(['credential', 'set', 'prod', '--user', 'svc', '--password', 'x'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("unknown option '--password'")
  })

  test('an empty secret is refused and nothing is written', () => {
    const before = auditCount()
    const result = run(['credential', 'set', 'prod', '--token'], '')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('the token: is empty')
    expect(auditCount()).toBe(before)
  })

  test("refuses to seal to a public key that is not the master key's, before asking", async () => {
    await sodiumReady()
    // Someone who can write the store, but has no master key, swaps in a public key of theirs.
    const handle = new Database(db)
    const meta = "SELECT value FROM meta WHERE name = 'public_key'"
    const original = (handle.query(meta).get() as { value: string }).value
    const theirs = encodePublicKey(generateMasterKey().publicKey)
    handle.query("UPDATE meta SET value = ? WHERE name = 'public_key'").run(theirs)
    const before = auditCount()
    const result = run(['credential', 'set', 'prod', '--user', 'jira-svc'], 'stolen-if-sealed\n')
    handle.query("UPDATE meta SET value = ? WHERE name = 'public_key'").run(original)
    handle.close()
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("the store's public key is not the master key's")
    expect(auditCount()).toBe(before)
  })

  test('moving a route to another upstream says its credential must be set again', () => {
    const moved = run(['route', 'set', 'prod', '--upstream', 'http://127.0.0.1:7'])
    expect(moved.code).toBe(0)
    expect(moved.stderr).toContain(
      'warning: the credential of route prod was set for another upstream (or CA file, pin) and is not sent',
    )
    expect(run(['credential', 'list']).stdout).toMatch(/prod\s+basic\s+STALE/)
    expect(run(['route', 'list']).stdout).toMatch(/basic STALE/)
    // Moving back: the credential matches again, and nothing warns.
    const back = run(['route', 'set', 'prod', '--upstream', 'http://127.0.0.1:9'])
    expect(back.stderr).toBe('')
    expect(back.stdout).toContain('the credential of route prod matches its upstream again')
    expect(run(['credential', 'list']).stdout).toMatch(/prod\s+basic\s+in use/)
  })
})

describe('key', () => {
  let apiKey = ''
  test('create prints the key once; list shows only its keyId', () => {
    const result = run(['key', 'create', 'align', '--route', 'prod', '--expires', '90d'])
    expect(result.code).toBe(0)
    apiKey = /(jpx_\S+)/.exec(result.stdout)![1]!
    expect(result.stdout).toContain('This is the only time the key is shown')
    const list = run(['key', 'list'])
    expect(list.stdout).not.toContain(apiKey)
    expect(list.stdout).toContain(apiKey.split('_')[1]!)
    expect(list.stdout).toMatch(/align\s+prod\s+.*active/)
  })

  test('an expiry on a day the calendar lacks is refused, not moved to another day', () => {
    const result = run(['key', 'create', 'feb30', '--route', 'prod', '--expires', '2031-02-30'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('"2031-02-30" is not a date (like 2027-01-31)')
    expect(run(['key', 'list']).stdout).not.toContain('feb30')
    expect(run(['key', 'create', 'leap', '--route', 'prod', '--expires', '2032-02-29']).code).toBe(
      0,
    )
    expect(run(['key', 'revoke', 'leap']).code).toBe(0)
  })

  test('an expiry past the year 9999 is refused before anything is written', () => {
    const before = auditCount()
    for (const args of [
      ['key', 'create', 'far', '--route', 'prod', '--expires', '99999999d'],
      ['key', 'expire', 'align', '99999999d'],
    ]) {
      const result = run(args)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('"99999999d" ends after 9999-12-31; use never for no expiry')
    }
    expect(auditCount()).toBe(before)
    // The listing and the export still work (a date past JavaScript's range once broke both).
    expect(run(['key', 'list']).code).toBe(0)
    expect(run(['export']).code).toBe(0)
  })

  test('a route named twice is granted once', () => {
    const result = run(['key', 'create', 'twice', '--route', 'prod', '--route', 'prod'])
    expect(result.code).toBe(0)
    expect(run(['key', 'list']).stdout).toMatch(/twice\s+prod\s+/)
    expect(run(['key', 'revoke', 'twice']).code).toBe(0)
  })

  test('create for a route that does not exist says so and writes nothing', () => {
    const result = run(['key', 'create', 'other', '--route', 'nope'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--route: no route named "nope"')
    expect(run(['key', 'list']).stdout).not.toContain('other')
  })

  test('limit with a rate that is not one says so, exits 1 and writes nothing', () => {
    const before = auditCount()
    for (const [rate, message] of [
      ['0/min', 'error: a rate must be at least 1/min'],
      ['abc', 'error: "abc" is not a rate (like 600/min, 10/s or 5000/h)'],
      ['60/min --burst 0x10', 'error: --burst "0x10" is not a whole number (like 60)'],
    ]) {
      const result = run(['key', 'limit', 'align', ...rate!.split(' ')])
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`${message}\n`)
    }
    expect(auditCount()).toBe(before)
  })

  test('revoke marks it revoked; a revoked key takes no new expiry or limit', () => {
    expect(run(['key', 'revoke', 'align']).stdout).toMatch(/^revoked key align/)
    expect(run(['key', 'list']).stdout).toMatch(/align .*revoked/)
    expect(run(['key', 'revoke', 'align']).code).toBe(1)
    const before = auditCount()
    for (const args of [
      ['key', 'expire', 'align', 'never'],
      ['key', 'limit', 'align', '10/min'],
    ]) {
      const result = run(args)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('error: key "align" is revoked')
    }
    expect(auditCount()).toBe(before)
  })
})

describe('allow', () => {
  test('a CIDR with host bits set suggests the right one and writes nothing', () => {
    const result = run(['allow', 'add', '10.1.2.3/8'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('did you mean 10.0.0.0/8')
    expect(run(['allow', 'list']).stdout).toContain('the allow-list is empty')
  })

  test('a /0 entry is added with a warning that the key is then the only check', () => {
    const result = run(['allow', 'add', '0.0.0.0/0', '--route', 'prod'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('warning: 0.0.0.0/0 lets a large part of the Internet in')
    expect(result.stderr).toContain('japroxy allow remove 0.0.0.0/0 --route prod')
    expect(run(['allow', 'remove', '0.0.0.0/0', '--route', 'prod']).code).toBe(0)
  })

  test('trusting a large part of the Internet is refused, since X-Forwarded-For would decide', () => {
    const before = auditCount()
    for (const cidr of ['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '::/0', '8000::/1', '2000::/3']) {
      const result = run(['trusted', 'add', cidr])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`ADDRESS: ${cidr} is wider than an IPv4 /8`)
    }
    expect(auditCount()).toBe(before)
    expect(run(['trusted', 'add', '10.0.0.0/8']).code).toBe(0)
    expect(run(['trusted', 'remove', '10.0.0.0/8']).code).toBe(0)
  })

  test('a /1 allow-list entry is warned of like a /0', () => {
    const result = run(['allow', 'add', '128.0.0.0/1'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('warning: 128.0.0.0/1 lets a large part of the Internet in')
    expect(run(['allow', 'remove', '128.0.0.0/1']).code).toBe(0)
  })

  test('add IPv4 and IPv6, global and per route, then remove', () => {
    expect(run(['allow', 'add', '203.0.113.7', '--note', 'Jira Align egress 1']).stdout).toMatch(
      /allowed 203\.0\.113\.7\/32 on every route/,
    )
    expect(run(['allow', 'add', '2001:DB8::/32', '--route', 'prod']).stdout).toMatch(
      /allowed 2001:db8::\/32 on route prod/,
    )
    const list = run(['allow', 'list']).stdout
    expect(list).toMatch(/203\.0\.113\.7\/32\s+global\s+.*Jira Align egress 1/)
    expect(list).toMatch(/2001:db8::\/32\s+prod/)
    expect(run(['allow', 'remove', '2001:db8::/32', '--route', 'prod']).code).toBe(0)
    expect(run(['allow', 'list']).stdout).not.toContain('2001:db8')
  })
})

describe('serve', () => {
  test('refuses to start without the master key, in one clear line', () => {
    const result = cli([
      'serve',
      '--db',
      db,
      '--master-key',
      join(dir, 'missing.key'),
      '--listen',
      '127.0.0.1:0',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe(
      `error: master key file not found: ${join(dir, 'missing.key')}`,
    )
  })

  // Security review: a store others can read holds key hashes and sealed credentials.
  test('warns at start when the store is readable by group or others, naming chmod 600', async () => {
    expect(storeModeWarning(db)).toBeUndefined()
    chmodSync(db, 0o644)
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, '../../src/main.ts'), 'serve', '--db', db].concat([
        '--listen',
        '127.0.0.1:0',
        '--admin-listen',
        'off',
      ]),
      {
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'ignore',
        env: { ...process.env, JAPROXY_DB: '' },
      },
    )
    try {
      const text = await readUntil(child.stdout, 'chmod 600', 15_000)
      expect(text).toContain(
        `"level":"warn","msg":"the store ${db} is readable or writable by group or others: ` +
          `run chmod 600 ${db}`,
      )
    } finally {
      child.kill('SIGTERM')
      await child.exited
      for (const file of [db, `${db}-wal`, `${db}-shm`])
        if (existsSync(file)) chmodSync(file, 0o600)
    }
  })

  test('refuses a store that does not exist', () => {
    const result = cli(['serve', '--db', join(dir, 'nope.db')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('store not found')
  })
})

test('--help lists every command', () => {
  const result = cli(['--help'])
  for (const command of [
    'init',
    'route',
    'credential',
    'key',
    'allow',
    'log',
    'serve',
    'demo',
    'tui',
  ]) {
    expect(result.stdout).toMatch(new RegExp(`\\n  ${command}\\b`))
  }
})

test('tui without a terminal says so in one line and exits 1', () => {
  const result = cli(['tui', '--db', db])
  expect(result.code).toBe(1)
  expect(result.stderr.split('\n')[0]).toBe(
    'error: japroxy tui needs a terminal (stdin and stdout must be a TTY)',
  )
})

describe('setting', () => {
  test('set says when a running serve takes the value: at once, or at its next start', () => {
    expect(run(['setting', 'set', 'lockout.threshold', '7']).stdout).toBe('lockout.threshold = 7\n')
    expect(run(['setting', 'set', 'limits.maxBodyBytes', '1048576']).stdout).toBe(
      'limits.maxBodyBytes = 1048576 (a running serve applies it when it restarts: systemctl restart japroxy)\n',
    )
    expect(run(['setting', 'reset', 'limits.maxBodyBytes']).code).toBe(0)
    expect(run(['setting', 'reset', 'lockout.threshold']).code).toBe(0)
  })
})

describe('key import', () => {
  test('imports name<TAB>key lines all or nothing, storing only hashes', () => {
    const good = [
      'imp-1\tibnry89GUUCjLZOofbXr2XcfgBigWpxR',
      'imp-2\t0s7dGnk6CzcgtJ7hC6DgJNaUYCEkImg8',
    ].join('\n')
    const bad = `${good.replace('imp-', 'other-')}\nweak\tshort`
    const refused = run(['key', 'import', '--route', 'prod'], bad)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('keys[3] keys.key: the key is shorter than 32 characters')
    expect(refused.stderr).not.toContain('short\n')
    expect(run(['key', 'list']).stdout).not.toContain('other-1')
    const imported = run(['key', 'import', '--route', 'prod'], good)
    expect(imported.stdout).toBe('imported 2 keys for prod; only their hashes are stored\n')
    expect(run(['key', 'list']).stdout).toMatch(/imp-2\s+prod/)
    expect(run(['key', 'import', '--route', 'prod'], good).stderr).toContain('already exists')
  })

  // Security review: a 32-char repetition of "Password1" was accepted.
  test('refuses weak keys (a repeated part, few different characters, little entropy), never shown', () => {
    const weak = [
      ['Password1Password1Password1Passw', 'repeats a shorter part (like abcabc…)'],
      ['0123456789abcdef0123456789abcdef', 'repeats a shorter part (like abcabc…)'],
      ['Xk3$Xk3$Xk3$Xk3$Xk3$Xk3$Xk3$Xk3$q', 'uses fewer than 8 different characters'],
      [
        'Abcdefghijklmnopqrstuvwxyz0123456789XYZ',
        'is worth under 128 bits by its length and kinds of characters; use a longer or more varied one',
      ],
      [
        'ibnry89GUUCjibnry89GUUCjibnry89GUUCj12',
        'is worth under 128 bits by its length and kinds of characters; use a longer or more varied one',
      ],
      [
        '83920475610293847561029384756102',
        'is worth under 128 bits by its length and kinds of characters; use a longer or more varied one',
      ],
    ]
    const before = auditCount()
    const result = run(
      ['key', 'import', '--route', 'prod'],
      weak.map(([key], i) => `weak-${i + 1}\t${key}`).join('\n'),
    )
    expect(result.code).toBe(1)
    for (const [i, [key, problem]] of weak.entries()) {
      expect(result.stderr).toContain(`keys[${i + 1}] keys.key: the key ${problem}\n`)
      expect(result.stdout + result.stderr).not.toContain(key!)
    }
    expect(auditCount()).toBe(before)
  })

  test('a line with spaces for the TAB, or a bad name, is named by number, never shown', () => {
    const secret = 'LINESECRETnotab-AAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    const before = auditCount()
    for (const [input, problem] of [
      [`n2 ${secret}\n`, 'line 1: needs name<TAB>key, one TAB (the line is not shown)'],
      [
        `ok\tFJahtQbmzpOphPI4BAjav9hvYY2mf68T\n\nn2 ${secret}\tx\n`,
        'keys[2] keys.name: is not a valid name',
      ],
      [
        `bad name ${secret}\tFJahtQbmzpOphPI4BAjav9hvYY2mf68T\n`,
        'keys[1] keys.name: is not a valid name',
      ],
    ] as const) {
      const result = run(['key', 'import', '--route', 'prod'], input)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(problem)
      expect(result.stdout + result.stderr).not.toContain('LINESECRET')
    }
    expect(auditCount()).toBe(before)
  })
})
