/**
 * Backup and restore under misuse (security review of the admin side): restores in quick
 * succession keep every replaced store, an interrupted backup never leaves a partial file under
 * the name asked for, and files that are not whole stores are named as such.
 */
import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { backupStore, replacedName, restoreStore } from '../../store/backup.ts'
import { storeHolders } from '../../store/store-holders.ts'
import { cli } from '../support/cli.ts'
import { makeStore, type TestStore } from '../support/temp-store.ts'

let store: TestStore
let backup: string

beforeAll(async () => {
  store = await makeStore()
  backup = join(store.dir, 'backup.db')
  backupStore(store.db, backup)
})
afterAll(() => store.close())

describe('restore --replace', () => {
  test('restores in the same second keep every replaced store, each under its own name', () => {
    const target = join(store.dir, 'quick', 'japroxy.db')
    cli(['init', '--db', target])
    const replaced: string[] = []
    for (let i = 0; i < 3; i++) {
      // Mark the store about to be replaced, so each one kept aside can be told apart.
      const handle = new Database(target)
      handle.query("INSERT OR REPLACE INTO meta (name, value) VALUES ('test_mark', ?)").run(`${i}`)
      handle.close()
      replaced.push(restoreStore(backup, target).replaced!)
    }
    expect(new Set(replaced).size).toBe(3)
    const marks = replaced.map((path) => {
      const handle = new Database(path, { readonly: true })
      const row = handle.query("SELECT value FROM meta WHERE name = 'test_mark'").get()
      handle.close()
      return (row as { value: string } | null)?.value
    })
    expect(marks).toEqual(['0', '1', '2'])
  })

  test('the aside name never reuses one that exists (the store, its -wal or its -shm)', () => {
    const target = join(store.dir, 'taken.db')
    const now = new Date('2030-01-02T03:04:05.678Z')
    const first = replacedName(target, now)
    expect(first).toBe(`${target}.replaced-2030-01-02T030405.678`)
    writeFileSync(first, 'kept')
    const second = replacedName(target, now)
    expect(second).toBe(`${first}-2`)
    writeFileSync(`${second}-wal`, 'kept')
    expect(replacedName(target, now)).toBe(`${first}-3`)
  })
})

describe('a file that is not a whole store', () => {
  const notAStore = (path: string) =>
    `error: ${path} is not a japroxy store, or an incomplete backup\n` +
    '  → use a file written by `japroxy backup` that finished (it prints "checked: ...")\n'

  test('restore of an empty file (a backup killed at its start) says so, and writes nothing', () => {
    const empty = join(store.dir, 'empty.db')
    writeFileSync(empty, '')
    const target = join(store.dir, 'from-empty', 'japroxy.db')
    const result = cli(['restore', empty, '--db', target])
    expect(result.stderr).toBe(notAStore(empty))
    expect(result.code).toBe(1)
    expect(existsSync(target)).toBe(false)
  })

  test('restore of a cut-off backup says so', () => {
    const cut = join(store.dir, 'cut.db')
    writeFileSync(cut, readFileSync(backup))
    truncateSync(cut, 4096)
    const result = cli(['restore', cut, '--db', join(store.dir, 'from-cut', 'japroxy.db')])
    expect(result.stderr).toBe(notAStore(cut))
    expect(result.code).toBe(1)
  })

  test('restore of an SQLite file of another program says so', () => {
    const other = join(store.dir, 'other.db')
    const handle = new Database(other)
    handle.run('CREATE TABLE things (id INTEGER)')
    handle.close()
    const result = cli(['restore', other, '--db', join(store.dir, 'from-other', 'japroxy.db')])
    expect(result.stderr).toBe(notAStore(other))
    expect(result.code).toBe(1)
  })
})

describe('backup', () => {
  test('a backup killed with SIGKILL leaves nothing under the name asked for', async () => {
    // Enough data that copying and checking takes a while.
    const handle = new Database(store.dbPath)
    handle.run('CREATE TABLE IF NOT EXISTS test_ballast (data BLOB)')
    const insert = handle.query('INSERT INTO test_ballast VALUES (randomblob(1048576))')
    handle.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run()
    })()
    handle.close()
    const dir = join(store.dir, 'killed')
    cli(['init', '--db', join(dir, 'unused.db')])
    const target = join(dir, 'backup.db')
    const privateTemp = join(store.dir, 'tmp')
    mkdirSync(privateTemp, { recursive: true })
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, '../../src/main.ts'), 'backup', target],
      {
        // Its private copy, left behind by the kill, stays inside this test's directory.
        env: { ...process.env, JAPROXY_DB: store.dbPath, TMPDIR: privateTemp },
        stdout: 'ignore',
        stderr: 'ignore',
      },
    )
    // Kill it as soon as it has created any file of its own in the directory.
    for (let i = 0; i < 5000; i++) {
      if (readdirSync(dir).some((f) => f.startsWith('backup.db'))) break
      await Bun.sleep(1)
    }
    child.kill('SIGKILL')
    await child.exited
    if (existsSync(target)) {
      // Only when it finished before the kill: then the file is whole.
      expect(cli(['restore', target, '--db', join(dir, 'check.db')]).code).toBe(0)
    }
    const handle2 = new Database(store.dbPath)
    handle2.run('DROP TABLE test_ballast')
    handle2.run('VACUUM')
    handle2.close()
  }, 60_000)

  test('writes the copy only after its check, mode 0600, leaving no temporary file', () => {
    const target = join(store.dir, 'whole.db')
    const result = cli(['backup', target, '--db', store.dbPath])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readdirSync(store.dir).filter((f) => f.startsWith('whole.db'))).toEqual(['whole.db'])
  })

  test('a partial file swapped for a symlink is never written through or named as the backup', () => {
    // The directory's owner (the service user) swaps the partial file while root backs up.
    const victim = join(store.dir, 'victim.txt')
    writeFileSync(victim, 'root only')
    const target = join(store.dir, 'raced.db')
    expect(() =>
      backupStore(store.db, target, {
        onCopied: (partial) => {
          rmSync(partial)
          symlinkSync(victim, partial)
        },
      }),
    ).toThrow(/replaced/)
    expect(readFileSync(victim, 'utf8')).toBe('root only')
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(store.dir).filter((f) => f.startsWith('raced.db'))).toEqual([])
  })

  test('restore sees a process that opened the store through a hard link', async () => {
    const alias = join(store.dir, 'alias.db')
    linkSync(store.dbPath, alias)
    const holder = Bun.spawn(
      [
        process.execPath,
        '-e',
        `const { Database } = require('bun:sqlite'); globalThis.held = new Database(${JSON.stringify(alias)}); globalThis.held.query('SELECT count(*) FROM sqlite_master').get(); console.log('open'); setTimeout(() => {}, 20000)`,
      ],
      { stdout: 'pipe' },
    )
    try {
      const reader = holder.stdout.getReader()
      await reader.read()
      expect(storeHolders(store.dbPath).map((h) => h.pid)).toContain(holder.pid)
    } finally {
      holder.kill()
      await holder.exited
      rmSync(alias)
    }
  })

  test('an empty file name is refused with what to give', () => {
    const result = cli(['backup', '', '--db', store.dbPath])
    expect(result.stderr).toBe('error: give a file name for the backup\n')
    expect(result.code).toBe(1)
  })

  test('init and restore refuse an empty --db', () => {
    const init = cli(['init', '--db', ''])
    expect(init.stderr).toBe('error: --db: give a file name (like /var/lib/japroxy/japroxy.db)\n')
    expect(init.code).toBe(1)
    const restore = cli(['restore', '', '--db', join(store.dir, 'x.db')])
    expect(restore.stderr).toBe('error: give a file name for the backup\n')
    expect(restore.code).toBe(1)
  })
})
