/**
 * `japroxy serve` as a process: the startup line, SIGHUP, SIGTERM with requests in flight and
 * a deadline, record pruning, and the log level (issue #5).
 */

import { Database } from 'bun:sqlite'
import { afterEach, describe, expect, test } from 'bun:test'
import { copyFileSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { addAllowEntry, removeAllowEntry } from '../../store/allow-list.ts'
import { writeSetting } from '../../store/settings.ts'
import { cli } from '../support/cli.ts'
import { basic, unusedPort, within } from '../support/stack.ts'
import { type PreparedStore, prepareStore, type ServeProcess, startServe } from './serve-process.ts'

let store: PreparedStore
let serve: ServeProcess | undefined

afterEach(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL')
  await serve?.child.exited
  serve = undefined
  await store.cleanUp()
})

function records(dbPath: string): { path: string; status: number; ts: number }[] {
  const db = new Database(dbPath, { readonly: true })
  try {
    return db.query('SELECT path, status, ts FROM request_records ORDER BY id').all() as {
      path: string
      status: number
      ts: number
    }[]
  } finally {
    db.close()
  }
}

describe('startup', () => {
  test('one JSON line lists the version, listeners, routes and warnings, and no secret', async () => {
    store = await prepareStore()
    serve = await startServe(store)
    const line = serve.lines.find((l) => l.msg === 'japroxy listening')!
    expect(line.version).toMatch(/^japroxy \d+\.\d+\.\d+/)
    expect(line.listen).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(line.admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(line.routes).toEqual([`prod /jira-prod → ${store.jira.url}`])
    expect(line.warnings).toEqual([])
    expect(serve.text()).not.toContain(store.apiKey)
    expect((await fetch(`${serve.adminUrl}/healthz`)).status).toBe(200)
  })
})

describe('an empty allow-list', () => {
  test('serve says at start that nobody gets in, and nobody does (#2)', async () => {
    store = await prepareStore()
    removeAllowEntry(store.db, 'test', { cidr: '127.0.0.1' })
    serve = await startServe(store)
    const line = serve.lines.find((l) => l.msg === 'japroxy listening')!
    expect(line.warnings).toEqual([
      'route prod: the allow-list is empty, so nobody gets in (japroxy allow add)',
    ])
    const response = await fetch(`${serve.url}/jira-prod/rest/api/2/serverInfo`)
    expect(response.status).toBe(403)
  })
})

describe('an allow-list of a large part of the Internet', () => {
  test('serve warns at start and at every reload that the key is the only check left', async () => {
    store = await prepareStore()
    addAllowEntry(store.db, 'test', { cidr: '::/1', route: 'prod' })
    serve = await startServe(store)
    const warning =
      'route prod: the allow-list lets a large part of the Internet in (an entry wider than an ' +
      'IPv4 /8 or IPv6 /32); the API key is the only check left (japroxy allow list)'
    const line = serve.lines.find((l) => l.msg === 'japroxy listening')!
    expect(line.warnings).toEqual([warning])
    const warned = () => serve!.lines.filter((l) => l.level === 'warn' && l.msg === warning).length
    const before = warned()
    serve.child.kill('SIGHUP')
    await serve.waitFor((l) => l.msg === 'settings reloaded')
    await within(3000, () => warned() === before + 1)
  })
})

describe('admin listener', () => {
  test('a port already taken is logged at error level, and the proxy still serves', async () => {
    store = await prepareStore()
    const taken = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    const port = unusedPort()
    const child = Bun.spawn(
      [
        process.execPath,
        'src/main.ts',
        'serve',
        '--db',
        store.dbPath,
        '--master-key',
        store.keyPath,
        '--listen',
        `127.0.0.1:${port}`,
        '--admin-listen',
        `127.0.0.1:${taken.port}`,
      ],
      {
        cwd: join(import.meta.dir, '..', '..'),
        stdout: 'pipe',
        stderr: 'pipe',
        env: { ...process.env, JAPROXY_DB: '' },
      },
    )
    try {
      await within(5000, () =>
        fetch(`http://127.0.0.1:${port}/jira-prod/rest/api/2/serverInfo`).then(
          (r) => r.ok,
          () => false,
        ),
      )
      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      const lines = (await new Response(child.stdout).text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines[0]).toMatchObject({ level: 'error', admin: `127.0.0.1:${taken.port}` })
      expect(lines[0].msg).toStartWith('the admin listener could not start')
      expect(lines.find((l) => l.msg === 'japroxy listening')?.admin).toBe('failed')
    } finally {
      taken.stop(true)
    }
  })
})

describe('signals', () => {
  test('SIGHUP reloads the settings at once', async () => {
    store = await prepareStore()
    serve = await startServe(store)
    serve.child.kill('SIGHUP')
    await serve.waitFor((l) => l.msg === 'reload requested' && l.signal === 'SIGHUP')
    const reloaded = await serve.waitFor((l) => l.msg === 'settings reloaded')
    expect(reloaded.routes).toBe(1)
    const metrics = await (await fetch(`${serve.adminUrl}/metrics`)).text()
    expect(metrics).toContain('japroxy_reloads_total{result="ok"} 1')
  })

  test('SIGTERM lets a request in flight finish, turns /readyz to 503, refuses new requests, writes its record and exits 0', async () => {
    store = await prepareStore()
    serve = await startServe(store)
    const slow = fetch(`${serve.url}/jira-prod/rest/api/2/demo/slow?ms=1500`, {
      headers: { authorization: basic(store.apiKey) },
    })
    await Bun.sleep(300)
    serve.child.kill('SIGTERM')
    await serve.waitFor((l) => l.msg === 'japroxy stopping')
    const readyz = await fetch(`${serve.adminUrl}/readyz`)
    expect(readyz.status).toBe(503)
    expect(
      ((await readyz.json()) as { checks: { name: string }[] }).checks.map((c) => c.name),
    ).toContain('shutdown')
    const refused = await fetch(`${serve.url}/jira-prod/rest/api/2/serverInfo`).then(
      (r) => r.status,
      (e) => (e as { code?: string }).code,
    )
    expect(refused).toBe('ECONNREFUSED')
    const response = await slow
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    expect(await serve.child.exited).toBe(0)
    expect(serve.lines.at(-1)).toMatchObject({ msg: 'japroxy stopped', recordsDropped: 0 })
    expect(records(store.dbPath).map((r) => [r.path, r.status])).toContainEqual([
      '/jira-prod/rest/api/2/demo/slow',
      200,
    ])
  }, 15_000)

  test('SIGTERM cuts requests still running at the shutdown deadline and still exits 0', async () => {
    store = await prepareStore()
    serve = await startServe(store, ['--shutdown-timeout', '500ms'])
    const hung = fetch(`${serve.url}/jira-prod/rest/api/2/demo/hang`, {
      headers: { authorization: basic(store.apiKey) },
    }).catch((e) => e)
    await Bun.sleep(300)
    const started = Date.now()
    serve.child.kill('SIGTERM')
    expect(await serve.child.exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(
      serve.lines.some(
        (l) => l.msg === 'shutdown deadline reached; cutting the requests still in flight',
      ),
    ).toBe(true)
    expect(await hung).toBeInstanceOf(Error)
  }, 15_000)
})

describe('a restore while serve runs', () => {
  test('restore --replace refuses, naming serve, and changes nothing', async () => {
    store = await prepareStore()
    serve = await startServe(store)
    const backup = join(store.dir, 'backup.db')
    expect(cli(['backup', backup, '--db', store.dbPath]).code).toBe(0)
    const result = cli(['restore', backup, '--replace', '--db', store.dbPath])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`is open in process`)
    expect(result.stderr).toContain(`${serve.child.pid} (`)
    expect(result.stderr).toContain('stop serve (systemctl stop japroxy)')
    expect(readdirSync(store.dir).filter((f) => f.includes('.replaced-'))).toEqual([])
    const response = await fetch(`${serve.url}/jira-prod/rest/api/2/myself`, {
      headers: { authorization: basic(store.apiKey) },
    })
    expect(response.status).toBe(200)
  })

  test('a store file replaced under serve stops it with exit 1, so it is started on the new one', async () => {
    store = await prepareStore()
    serve = await startServe(store)
    // What a restore by another user, or a `mv`, does: another file now has the store's name.
    const copy = join(store.dir, 'copy.db')
    copyFileSync(store.dbPath, copy)
    renameSync(copy, store.dbPath)
    const line = await serve.waitFor((l) => l.level === 'error', 5000)
    expect(line.msg).toBe('the store file was replaced or removed under serve; japroxy stops')
    expect(await serve.child.exited).toBe(1)
  })
})

describe('request records', () => {
  test('are pruned by age and count at start', async () => {
    store = await prepareStore()
    writeSetting(store.db, 'test', 'records.maxRows', '1000')
    writeSetting(store.db, 'test', 'records.retentionDays', '7')
    const insert = store.db.query(
      "INSERT INTO request_records (ts, request_id, method, path, status, duration_ms, client_ip, remote_addr, auth) VALUES (?, ?, 'GET', ?, 200, 1, '127.0.0.1', '127.0.0.1', 'ok')",
    )
    const now = Date.now()
    store.db.transaction(() => {
      for (let i = 0; i < 10; i++) insert.run(now - 8 * 86_400_000, `old-${i}`, '/old')
      for (let i = 0; i < 1500; i++) insert.run(now - 1000, `new-${i}`, '/new')
    })()
    serve = await startServe(store)
    const pruned = await serve.waitFor((l) => l.msg === 'request records pruned')
    expect(pruned.deleted).toBe(510)
    const left = records(store.dbPath)
    expect(left).toHaveLength(1000)
    expect(left.every((r) => r.path === '/new')).toBe(true)
  }, 15_000)
})

describe('log level', () => {
  test('--log-level warn drops request lines below 500 but keeps the 5xx ones', async () => {
    store = await prepareStore()
    serve = await startServe(store, ['--log-level', 'warn'])
    const ok = await fetch(`${serve.url}/jira-prod/rest/api/2/myself`, {
      headers: { authorization: basic(store.apiKey) },
    })
    expect(ok.status).toBe(200)
    await ok.arrayBuffer()
    await store.jira.stop()
    const failed = await fetch(`${serve.url}/jira-prod/rest/api/2/myself`, {
      headers: { authorization: basic(store.apiKey) },
    })
    expect(failed.status).toBe(502)
    const line = await serve.waitFor((l) => l.msg === 'request')
    expect(line.status).toBe(502)
    expect(serve.lines.filter((l) => l.msg === 'request')).toHaveLength(1)
  })
})
