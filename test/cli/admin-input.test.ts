/**
 * Admin commands given contradictory, empty, oversized or terminal-hostile input (security
 * review of the admin side): each is refused with exit 1 and a message saying what to fix, and
 * nothing is written.
 */
import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli, storeCli } from '../support/cli.ts'

let dir: string
let db: string
const { run, auditCount } = storeCli(() => db)

/** Runs a command that must be refused: exit 1, nothing on stdout, no audit record. */
function refused(args: string[], stdin?: string): string {
  const before = auditCount()
  const result = run(args, stdin)
  expect(result.stdout).toBe('')
  expect(result.code).toBe(1)
  expect(auditCount()).toBe(before)
  return result.stderr
}

const route = ['--base-path', '/jx', '--upstream', 'http://127.0.0.1:9']

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-input-'))
  db = join(dir, 'japroxy.db')
  run(['init'])
  run(['route', 'add', 'prod', '--base-path', '/jira', '--upstream', 'http://127.0.0.1:9'])
  run(['key', 'create', 'k1', '--route', 'prod'])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('route options that contradict each other', () => {
  test('--no-anonymous with --anonymous is refused, in either order', () => {
    const message =
      'error: give either --anonymous or --no-anonymous, not both\n' +
      '  → --no-anonymous forwards nothing without a key; --anonymous lists what may be\n'
    expect(
      refused(['route', 'add', 'x', ...route, '--no-anonymous', '--anonymous', 'GET /a']),
    ).toBe(message)
    expect(
      refused(['route', 'add', 'x', ...route, '--anonymous', 'GET /a', '--no-anonymous']),
    ).toBe(message)
  })

  test('route set with no option changes nothing and says so', () => {
    expect(refused(['route', 'set', 'prod'])).toBe(
      'error: nothing to change (give at least one option; see --help)\n',
    )
  })

  test('a --clear-X with its --X is refused, so a bad value is never dropped unseen', () => {
    expect(refused(['route', 'set', 'prod', '--clear-pin', '--pin', 'abc'])).toBe(
      'error: --clear-pin and --pin contradict each other; give one of them\n',
    )
    expect(refused(['route', 'set', 'prod', '--public-url', 'x', '--clear-public-url'])).toBe(
      'error: --clear-public-url and --public-url contradict each other; give one of them\n',
    )
    expect(refused(['route', 'set', 'prod', '--clear-ca-file', '--ca-file', '/nope'])).toBe(
      'error: --clear-ca-file and --ca-file contradict each other; give one of them\n',
    )
  })

  test('key limit off with --burst is refused', () => {
    expect(refused(['key', 'limit', 'k1', 'off', '--burst', '5'])).toBe(
      'error: --burst goes with a rate (like 600/min), not with off\n',
    )
  })
})

describe('control characters', () => {
  // Review: a right-to-left override made `office ‮0/0.0.0.0 wolla` read as `allow 0.0.0.0/0`.
  test('a single-value option given twice is refused; repeatable ones still collect', () => {
    const twice = ['route', 'add', 'y', '--base-path', '/y1', '--base-path', '/y2']
    expect(refused([...twice, '--upstream', 'http://127.0.0.1:1'])).toContain(
      '--base-path was given twice; give it once',
    )
    expect(
      refused(['key', 'create', 'k2', '--route', 'prod', '--expires', '30d', '--expires', '60d']),
    ).toContain('--expires was given twice')
  })

  test('invisible characters that reorder a line are refused in notes and user names', () => {
    expect(
      refused(['allow', 'add', '192.0.2.3', '--note', 'office \u202e0/0.0.0.0 wolla']),
    ).toContain('--note: one line, at most 200 characters, no control or invisible characters')
    expect(refused(['credential', 'set', 'prod', '--user', 'svc\u2028x'], 'pw\n')).toContain(
      '--user: give the Jira user name',
    )
  })

  test('are refused in allow-list, trusted-proxy and import notes', () => {
    expect(refused(['allow', 'add', '192.0.2.1', '--note', 'a\x1b[2Jb'])).toContain(
      '  --note: one line, at most 200 characters, no control or invisible characters\n',
    )
    expect(refused(['trusted', 'add', '10.0.0.9', '--note', 'bell\x07'])).toContain(
      '  --note: one line, at most 200 characters, no control or invisible characters\n',
    )
    expect(refused(['trusted', 'add', '10.0.0.9', '--note', 'x'.repeat(201)])).toContain(
      '  --note: one line, at most 200 characters, no control or invisible characters\n',
    )
    const doc = JSON.parse(run(['export']).stdout)
    doc.allowList.push({ cidr: '192.0.2.9', route: null, note: 'del\x7f' })
    doc.trustedProxies.push({ cidr: '10.0.0.8', note: 'esc\x1b]0;x\x07' })
    const stderr = refused(['import', '-'], JSON.stringify(doc))
    expect(stderr).toContain('no control or invisible characters')
    for (const c of ['\x1b', '\x07', '\x7f']) expect(stderr).not.toContain(c)
  })

  test('are refused in a credential user name', () => {
    expect(refused(['credential', 'set', 'prod', '--user', 'svc\x1b[31m'], 'secret')).toContain(
      '  --user: give the Jira user name (no colon, line break, control or invisible character; at most 255 characters)\n',
    )
  })

  test('are refused in route URLs and CA file paths', () => {
    const stderr = refused([
      'route',
      'add',
      'y',
      '--base-path',
      '/y',
      '--upstream',
      'https://jira.internal/\x1b[2J',
      '--public-url',
      'https://a.example\x07',
    ])
    expect(stderr).toContain('  --upstream: has a control character (\\u001b)\n')
    expect(stderr).toContain('  --public-url: has a control character (\\u0007)\n')
  })

  test('echoed input in errors is escaped, never sent raw to the terminal', () => {
    const stderr = refused(['route', 'add', 'x\x1b[2J', ...route])
    expect(stderr).toContain('NAME: "x\\u001b[2J" is not a valid name')
    expect(stderr).not.toContain('\x1b')
  })

  test('a note already stored with one is listed escaped', () => {
    const handle = new Database(db)
    handle
      .query('INSERT INTO allow_list (cidr, route_id, note, created_at) VALUES (?, NULL, ?, 0)')
      .run('198.51.100.1/32', 'old\x1b[2Jnote\x9b')
    handle.close()
    const result = run(['allow', 'list'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('old\\u001b[2Jnote\\u009b')
    for (const c of ['\x1b', '\x9b']) expect(result.stdout).not.toContain(c)
    const json = run(['allow', 'list', '--json'])
    expect(JSON.parse(json.stdout).at(-1).note).toBe('old\x1b[2Jnote\x9b')
  })
})

describe('credential sizes', () => {
  test('a token over 8 KiB, a password over 1 KiB and a user name over 255 are refused', () => {
    expect(refused(['credential', 'set', 'prod', '--token'], 'a'.repeat(8193))).toContain(
      '  the token: is longer than 8192 characters\n',
    )
    expect(refused(['credential', 'set', 'prod', '--user', 'svc'], 'p'.repeat(1025))).toContain(
      '  the password: is longer than 1024 characters\n',
    )
    expect(refused(['credential', 'set', 'prod', '--user', 'u'.repeat(256)], 'secret')).toContain(
      '--user: give the Jira user name',
    )
    expect(run(['credential', 'set', 'prod', '--token'], 'a'.repeat(8192)).code).toBe(0)
  })
})

describe('systemd', () => {
  const systemd = (args: string[]) => cli(['systemd', '--binary', '/usr/bin/true', ...args])
  const problem = (args: string[]) => {
    const result = systemd(args)
    expect(result.stdout).toBe('')
    expect(result.code).toBe(1)
    return result.stderr
  }

  test('refuses root, port 0, a shared admin port and a store path it cannot honour', () => {
    expect(problem(['--user', 'root'])).toContain(
      '  systemd.user: "root" undoes the sandbox; run japroxy as its own user (like japroxy)\n',
    )
    expect(problem(['--listen', '0.0.0.0:0', '--workers', '2'])).toContain(
      '  systemd.listen: give a fixed port (port 0 is a different free port at every start)\n',
    )
    expect(problem(['--admin-listen', '127.0.0.1:0'])).toContain(
      '  systemd.adminListen: give a fixed port (port 0 is a different free port at every start)\n',
    )
    expect(problem(['--admin-listen', '127.0.0.1:8443'])).toContain(
      "  systemd.adminListen: port 8443 is also --listen's port; give the admin listener its own\n",
    )
    expect(problem(['--db', '/srv/japroxy.db'])).toContain(
      '  systemd.db: the unit keeps the store in /var/lib/japroxy/japroxy.db ($STATE_DIRECTORY);' +
        ' move the store there and leave out --db\n',
    )
  })

  test('refuses a shutdown timeout over an hour, as serve does', () => {
    for (const command of [['systemd'], ['serve']]) {
      const result = cli([...command, '--shutdown-timeout', '999999h'])
      expect(result.stderr).toContain(
        '"999999h" is longer than 1h (the longest a stop may wait for requests in flight)',
      )
      expect(result.code).toBe(1)
    }
  })
})
