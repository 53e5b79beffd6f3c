/** Faults (#4): kill -9 under load, a locked store, bad master keys, a corrupt store. */

import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { cli } from '../support/cli.ts'
import {
  basic,
  type Stack,
  servicePassword,
  serviceUser,
  startStack,
  unusedPort,
  within,
} from '../support/stack.ts'

const root = join(import.meta.dir, '..', '..')

describe('kill -9 of serve under load', () => {
  let dir: string
  let jira: JiraStandIn
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'japroxy-kill-'))
    jira = await startJiraStandIn({ users: [{ username: serviceUser, password: servicePassword }] })
  })
  afterAll(async () => {
    await jira.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  function startServe(db: string, port: number) {
    return Bun.spawn(
      [
        process.execPath,
        join(root, 'src/main.ts'),
        'serve',
        '--db',
        db,
        '--listen',
        `127.0.0.1:${port}`,
      ],
      {
        stdout: 'ignore',
        stderr: 'pipe',
      },
    )
  }

  test('loses no setting and no key, and serve starts again', async () => {
    const db = join(dir, 'japroxy.db')
    const run = (args: string[], stdin?: string) => cli([...args, '--db', db], { stdin })
    expect(run(['init']).code).toBe(0)
    expect(
      run(['route', 'add', 'prod', '--base-path', '/jira-prod', '--upstream', jira.url]).code,
    ).toBe(0)
    expect(run(['credential', 'set', 'prod', '--user', serviceUser], servicePassword).code).toBe(0)
    expect(run(['allow', 'add', '127.0.0.1']).code).toBe(0)
    const firstKey = run(['key', 'create', 'first', '--route', 'prod', '--quiet']).stdout.trim()
    const port = unusedPort()
    const serve = startServe(db, port)
    const url = `http://127.0.0.1:${port}/jira-prod/rest/api/2/myself`
    await within(
      5000,
      async () =>
        (await fetch(url, { headers: { authorization: basic(firstKey) } }).catch(() => undefined))
          ?.status === 200,
    )

    // Load from two loops while the CLI keeps committing keys, then kill -9 in the middle.
    let isLoading = true
    const load = async () => {
      for (let i = 0; i < 5000 && isLoading; i++) {
        await fetch(url, { headers: { authorization: basic(firstKey) } })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined)
      }
    }
    const loops = [load(), load()]
    const created: string[] = []
    for (let i = 0; i < 4; i++) {
      const key = run(['key', 'create', `during-${i}`, '--route', 'prod', '--quiet'])
      expect(key.code).toBe(0)
      created.push(key.stdout.trim())
    }
    serve.kill(9)
    await serve.exited
    isLoading = false
    await Promise.all(loops)

    const integrity = new Database(db, { readonly: true })
    expect(integrity.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    integrity.close()
    expect(run(['key', 'list']).stdout.match(/active/g)).toHaveLength(5)
    expect(run(['route', 'list']).stdout).toContain('/jira-prod')

    const again = startServe(db, port)
    try {
      for (const key of [firstKey, ...created]) {
        await within(
          5000,
          async () =>
            (await fetch(url, { headers: { authorization: basic(key) } }).catch(() => undefined))
              ?.status === 200,
        )
      }
    } finally {
      again.kill('SIGTERM')
      await again.exited
    }
  }, 60_000)
})

describe('a locked store', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.stop())

  test('serve keeps proxying from its snapshot and drops request records with a counter', async () => {
    const writer = new Database(stack.dbPath)
    writer.run('PRAGMA busy_timeout = 0')
    writer.run('BEGIN IMMEDIATE')
    writer.run("INSERT INTO settings (name, value) VALUES ('held', '1')")
    const started = Date.now()
    for (let i = 0; i < 20; i++) {
      const response = await stack.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(stack.apiKey) },
      })
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
    stack.proxy.recorder.flush()
    expect(Date.now() - started).toBeLessThan(3000)
    expect(stack.proxy.recorder.dropped).toBeGreaterThanOrEqual(20)
    expect(stack.logLines.some((l) => l.includes('request records dropped'))).toBe(true)
    writer.run('ROLLBACK')
    writer.close()
    const written = stack.proxy.recorder.written
    await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    stack.proxy.recorder.flush()
    expect(stack.proxy.recorder.written).toBe(written + 1)
  })
})

describe('serve refuses to start, in one clear line', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.stop())
  const serve = (...args: string[]) =>
    cli(['serve', '--db', stack.dbPath, '--listen', '127.0.0.1:0', ...args])

  test('when the master key file is readable by others', () => {
    const loose = join(stack.dir, 'loose.key')
    copyFileSync(stack.keyPath, loose)
    chmodSync(loose, 0o644)
    const result = serve('--master-key', loose)
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe(
      `error: master key file ${loose} is readable by other users (mode 644)`,
    )
  })

  test('when the master key belongs to another store', () => {
    const other = join(stack.dir, 'other')
    expect(cli(['init', '--db', join(other, 'x.db')]).code).toBe(0)
    const result = serve('--master-key', join(other, 'master.key'))
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe(
      `error: master key ${join(other, 'master.key')} does not belong to this store`,
    )
  })

  test('when the store file is corrupt, naming the file and without a stack trace', () => {
    const corrupt = join(stack.dir, 'corrupt.db')
    writeFileSync(corrupt, Buffer.alloc(8192, 7))
    const result = cli(['serve', '--db', corrupt])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe(
      `error: store is not a japroxy database or is corrupt: ${corrupt}`,
    )
    expect(result.stderr).not.toContain('    at ')
  })
})
