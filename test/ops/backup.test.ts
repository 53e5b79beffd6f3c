/**
 * `japroxy backup` and `japroxy restore`: a consistent copy of a store that a running proxy is
 * writing, and serving again from the restored copy (issue #5).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { createLogger } from '../../src/log/logger.ts'
import { startProxy } from '../../src/proxy/server.ts'
import { restoreStore, stagingReplacedMessage } from '../../store/backup.ts'
import { openStore } from '../../store/db.ts'
import { readMasterKeyFile } from '../../store/seal.ts'
import { cli } from '../support/cli.ts'
import { basic, type Stack, startStack } from '../support/stack.ts'

let stack: Stack
let backupPath: string

beforeAll(async () => {
  stack = await startStack()
  backupPath = join(stack.dir, 'backup.db')
})
afterAll(() => stack.stop())

async function traffic(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    await response.arrayBuffer()
  }
}

describe('backup', () => {
  test('copies the live WAL store while the proxy writes to it, mode 0600, and checks the copy', async () => {
    await traffic(20)
    stack.proxy.recorder.flush()
    const writing = traffic(50)
    const result = cli(['backup', backupPath, '--db', stack.dbPath, '--master-key', stack.keyPath])
    await writing
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^backed up .* to .*backup\.db \(\d+ bytes, mode 0600\)\nchecked: schema \d+, 1 routes, 1 keys, \d+ request records\n/,
    )
    expect(result.stdout).toContain(`keep ${stack.keyPath} safe on its own`)
    expect(statSync(backupPath).mode & 0o777).toBe(0o600)
    const records = Number(/(\d+) request records/.exec(result.stdout)?.[1])
    expect(records).toBeGreaterThanOrEqual(20)
    expect(existsSync(`${backupPath}-wal`)).toBe(false)
  })

  test('never overwrites a file', () => {
    const result = cli(['backup', backupPath, '--db', stack.dbPath])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: ${backupPath} already exists\n  → backups never overwrite; choose a new name\n`,
    )
  })
})

describe('restore', () => {
  test('puts the backup in place of a missing store, and serve works from it with the old key', async () => {
    const restored = join(stack.dir, 'restored', 'japroxy.db')
    cli(['init', '--db', join(stack.dir, 'restored', 'other.db')])
    const result = cli(['restore', backupPath, '--db', restored, '--master-key', stack.keyPath])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`the master key ${stack.keyPath} matches this backup`)
    const db = openStore(restored)
    const proxy = startProxy({
      hostname: '127.0.0.1',
      port: 0,
      db,
      masterKey: readMasterKeyFile(stack.keyPath),
      logger: createLogger('error', () => {}),
    })
    try {
      const response = await fetch(`${proxy.url}/jira-prod/rest/api/2/myself`, {
        headers: { authorization: basic(stack.apiKey) },
      })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { name: string }).name).toBe('jira-svc')
    } finally {
      await proxy.stop()
      db.close()
    }
  })

  test('refuses to replace an existing store unless told, then keeps the old one aside', () => {
    const target = join(stack.dir, 'restored', 'japroxy.db')
    const refused = cli(['restore', backupPath, '--db', target])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`error: a store already exists at ${target}`)
    const replaced = cli([
      'restore',
      backupPath,
      '--db',
      target,
      '--replace',
      '--master-key',
      join(stack.dir, 'restored', 'master.key'),
    ])
    expect(replaced.code).toBe(0)
    expect(replaced.stdout).toMatch(
      /the store it replaced is now .*japroxy\.db\.replaced-\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}(-\d+)?$/m,
    )
    expect(replaced.stderr).toContain('does not match this backup')
    expect(
      readdirSync(join(stack.dir, 'restored')).filter((f) => f.includes('.replaced-')),
    ).toHaveLength(1)
  })

  test('refuses a file that is not a japroxy store, and writes nothing', () => {
    const target = join(stack.dir, 'nothing-here.db')
    const result = cli(['restore', stack.keyPath, '--db', target])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is not a japroxy store, or an incomplete backup')
    expect(existsSync(target)).toBe(false)
  })
})

// The store directory belongs to the service user, who can swap the staging file while root
// restores (security review: root chowned and wrote through a symlink put there).
describe('restore into a directory another user writes', () => {
  const isRoot = process.getuid?.() === 0
  const serviceUid = 65534
  let svcDir: string
  let tempParent: string

  beforeAll(() => {
    svcDir = join(stack.dir, 'svc')
    mkdirSync(svcDir, { mode: 0o750 })
    if (isRoot) chownSync(svcDir, serviceUid, serviceUid)
    tempParent = mkdtempSync(join(stack.dir, 'tmp-'))
  })

  test('as root, gives the restored store the directory owner and mode 0600', () => {
    const target = join(svcDir, 'japroxy.db')
    restoreStore(backupPath, target, { tempParent })
    const stat = lstatSync(target)
    expect(stat.isFile()).toBe(true)
    expect(stat.mode & 0o777).toBe(0o600)
    if (isRoot) expect([stat.uid, stat.gid]).toEqual([serviceUid, serviceUid])
    expect(readdirSync(tempParent)).toEqual([])
  })

  test('a staging file swapped for a symlink is refused: nothing is chowned or written through it, nothing replaced', () => {
    const target = join(svcDir, 'japroxy.db')
    const before = readFileSync(target)
    const victim = join(stack.dir, 'victim.txt')
    writeFileSync(victim, 'victim', { mode: 0o644 })
    const victimBefore = statSync(victim)
    expect(() =>
      restoreStore(backupPath, target, {
        tempParent,
        onStaged: (staging) => {
          renameSync(staging, `${staging}.moved`)
          symlinkSync(victim, staging)
        },
      }),
    ).toThrow(stagingReplacedMessage)
    const victimAfter = statSync(victim)
    expect(readFileSync(victim, 'utf8')).toBe('victim')
    expect([victimAfter.uid, victimAfter.gid, victimAfter.mode]).toEqual([
      victimBefore.uid,
      victimBefore.gid,
      victimBefore.mode,
    ])
    expect(lstatSync(target).isFile()).toBe(true)
    expect(readFileSync(target).equals(before)).toBe(true)
    expect(existsSync(`${target}.restoring`)).toBe(false)
    expect(readdirSync(svcDir).filter((f) => f.includes('.replaced-'))).toEqual([])
    expect(readdirSync(tempParent)).toEqual([])
  })

  test('a staging file replaced by another regular file is refused', () => {
    const target = join(svcDir, 'fresh.db')
    expect(() =>
      restoreStore(backupPath, target, {
        tempParent,
        onStaged: (staging) => {
          unlinkSync(staging)
          writeFileSync(staging, 'not the backup')
        },
      }),
    ).toThrow(stagingReplacedMessage)
    expect(existsSync(target)).toBe(false)
    expect(existsSync(`${target}.restoring`)).toBe(false)
  })
})
