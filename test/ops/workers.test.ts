/**
 * `serve --workers N` (#6): the compiled binary as a primary and worker processes sharing one
 * port and one store. Requests on fresh connections reach every process, `/metrics` adds them
 * up, an admin change reaches every worker, a dead worker is replaced, and no worker outlives
 * its primary.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { revokeApiKey } from '../../store/keys.ts'
import { rawRequest } from '../support/raw-http.ts'
import { basic, within } from '../support/stack.ts'
import { type PreparedStore, prepareStore, type ServeProcess, startServe } from './serve-process.ts'

const binary = join(import.meta.dir, '..', '..', 'dist', 'japroxy')

let store: PreparedStore
let serve: ServeProcess | undefined

beforeEach(async () => {
  if (!existsSync(binary)) throw new Error('dist/japroxy is missing: run `npm run build` first')
  store = await prepareStore()
})

afterEach(async () => {
  for (const pid of serve ? workerPids(serve.child.pid) : []) killQuietly(pid, 'SIGKILL')
  serve?.child.kill('SIGKILL')
  await serve?.child.exited
  serve = undefined
  await store.cleanUp()
})

/** The processes a primary started (Linux lists a task's children in /proc). */
function workerPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return text ? text.split(/\s+/).map(Number) : []
  } catch {
    return []
  }
}

/** Whether the process is still there (a zombie whose threads have all ended is not). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) Z/.test(stat) || readdirSync(`/proc/${pid}/task`).length > 1
  } catch {
    return false
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {}
}

/** One request on a connection of its own, so the kernel may hand it to any process. */
async function freshRequest(key: string): Promise<number> {
  const port = Number(new URL(serve!.url).port)
  const head = [
    'GET /jira-prod/rest/api/2/myself HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    `Authorization: ${basic(key)}`,
  ].join('\r\n')
  return (await rawRequest(port, head)).status
}

async function statuses(key: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await freshRequest(key))
  return out
}

function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : Number.NaN
}

async function startWithWorkers(n: number): Promise<number[]> {
  serve = await startServe(store, ['--workers', String(n)], binary)
  for (let worker = 1; worker < n; worker++)
    await serve.waitFor((l) => l.msg === 'worker listening' && l.worker === worker, 10_000)
  return workerPids(serve.child.pid)
}

describe('serve --workers', () => {
  test('every process serves the port and /metrics adds their counts up', async () => {
    expect(await startWithWorkers(2)).toHaveLength(1)
    const answers = await statuses(store.apiKey, 60)
    expect(answers.every((s) => s === 200)).toBe(true)

    const metrics = await (await fetch(`${serve!.adminUrl}/metrics`)).text()
    expect(sample(metrics, 'japroxy_workers')).toBe(2)
    expect(sample(metrics, 'japroxy_requests_total{route="prod",code="2xx",auth="ok"}')).toBe(60)
    const primary = sample(metrics, 'japroxy_worker_requests_total{worker="0"}')
    const worker = sample(metrics, 'japroxy_worker_requests_total{worker="1"}')
    // 60 connections with random source ports: both sockets get some (a miss is 2^-59).
    expect(primary).toBeGreaterThan(0)
    expect(worker).toBeGreaterThan(0)
    expect(primary + worker).toBe(60)

    // Both write request records into the one store.
    serve!.child.kill('SIGTERM')
    expect(await serve!.child.exited).toBe(0)
    const { n } = store.db.query('SELECT count(*) AS n FROM request_records').get() as { n: number }
    expect(n).toBe(60)
    // Lines from two processes on one stdout stay whole.
    const lines = serve!.text().split('\n').filter(Boolean)
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
    expect(requests).toHaveLength(60)
    // Each line names the process that wrote it.
    expect(new Set(requests.map((l) => l.worker))).toEqual(new Set([0, 1]))
  }, 30_000)

  test('counters never go down when a worker dies, and long lines from several stay whole', async () => {
    await startWithWorkers(3)
    const port = Number(new URL(serve!.url).port)
    // Lines longer than a pipe's atomic write (4 KiB), from many connections at once.
    const long = `/nope/${'b'.repeat(7000)}`
    const answers = await Promise.all(
      Array.from({ length: 90 }, () => rawRequest(port, `GET ${long} HTTP/1.1\r\nHost: x`)),
    )
    expect(answers.every((a) => a.status === 404)).toBe(true)
    const total = async () => {
      const text = await (await fetch(`${serve!.adminUrl}/metrics`)).text()
      return sample(text, 'japroxy_requests_total{route="",code="4xx",auth="denied"}')
    }
    expect(await total()).toBe(90)
    // Every process's lines arrive whole (workers write through the primary).
    const requestLines = () => serve!.lines.filter((l) => l.msg === 'request').length
    await within(3000, () => requestLines() === 90)
    const [first] = workerPids(serve!.child.pid)
    process.kill(first!, 'SIGKILL')
    await serve!.waitFor((l) => l.msg === 'worker exited; starting another')
    expect(await total()).toBe(90)

    serve!.child.kill('SIGTERM')
    expect(await serve!.child.exited).toBe(0)
    const lines = serve!.text().split('\n').filter(Boolean)
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    expect(lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(90)
  }, 30_000)

  test('a second japroxy cannot share the port of a running serve --workers', async () => {
    await startWithWorkers(2)
    const other = await prepareStore()
    try {
      const port = new URL(serve!.url).port
      const result = Bun.spawnSync([
        binary,
        'serve',
        '--db',
        other.dbPath,
        '--master-key',
        other.keyPath,
        '--listen',
        `127.0.0.1:${port}`,
        '--admin-listen',
        'off',
        '--workers',
        '2',
      ])
      expect(result.exitCode).toBe(1)
      expect(result.stderr.toString()).toContain(
        `cannot listen on 127.0.0.1:${port}: the port is in use`,
      )
    } finally {
      await other.cleanUp()
    }
  }, 30_000)

  test('a key revoked by the admin is refused by every worker', async () => {
    await startWithWorkers(3)
    expect((await statuses(store.apiKey, 6)).every((s) => s === 200)).toBe(true)
    revokeApiKey(store.db, 'test', 'align')
    await within(3000, async () => (await freshRequest(store.apiKey)) === 401)
    // Within a poll or two every process has the change; then no connection gets through
    // (401, or 429 once a process has locked the client out for repeating a failed key).
    await Bun.sleep(600)
    const refused = await statuses(store.apiKey, 30)
    expect(refused.filter((s) => s !== 401 && s !== 429)).toEqual([])
  }, 30_000)

  test('a worker killed with SIGKILL is replaced while the port keeps answering', async () => {
    const [first] = await startWithWorkers(2)
    process.kill(first!, 'SIGKILL')
    // Connections the kernel queued on the dying worker's socket are reset with it; once it
    // is gone (the primary has reaped it), the primary alone answers every new connection.
    await serve!.waitFor((l) => l.msg === 'worker exited; starting another', 5000)
    expect((await statuses(store.apiKey, 10)).every((s) => s === 200)).toBe(true)
    const again = await serve!.waitFor(
      (l) => l.msg === 'worker listening' && l.pid !== first,
      10_000,
    )
    expect(workerPids(serve!.child.pid)).toEqual([again.pid as number])
    expect((await statuses(store.apiKey, 10)).every((s) => s === 200)).toBe(true)
  }, 30_000)

  test('SIGTERM stops every process; a primary killed with SIGKILL leaves no worker behind', async () => {
    let pids = await startWithWorkers(3)
    expect(pids).toHaveLength(2)
    serve!.child.kill('SIGTERM')
    expect(await serve!.child.exited).toBe(0)
    await within(3000, () => pids.every((pid) => !isAlive(pid)))
    await within(3000, () => serve!.lines.filter((l) => l.msg === 'worker stopped').length === 2)

    pids = await startWithWorkers(2)
    serve!.child.kill('SIGKILL')
    await serve!.child.exited
    await within(3000, () => pids.every((pid) => !isAlive(pid)))
  }, 30_000)

  test('a worker whose primary is killed lets its requests finish and logs to stderr', async () => {
    await startWithWorkers(2)
    const port = Number(new URL(serve!.url).port)
    const head = [
      'GET /jira-prod/rest/api/2/demo/slow?ms=1500 HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Authorization: ${basic(store.apiKey)}`,
    ].join('\r\n')
    // Sixteen connections: the kernel puts some on the worker (all on one: 2^-16).
    const slow = Array.from({ length: 16 }, () => rawRequest(port, head, '', 10_000))
    await Bun.sleep(400)
    serve!.child.kill('SIGKILL')
    const settled = await Promise.allSettled(slow)
    const answered = settled.filter((r) => r.status === 'fulfilled' && r.value.status === 200)
    // The worker's requests finish within its 5 s; the primary's died with it.
    expect(answered.length).toBeGreaterThan(0)
    expect(answered.length).toBeLessThan(16)
    const stopped = await serve!.waitFor((l) => l.msg === 'worker stopped', 8000)
    expect(stopped.worker).toBe(1)
    expect(serve!.lines.find((l) => l.msg === 'worker stopping')?.why).toBe('the primary is gone')
    expect(serve!.text()).not.toContain('EPIPE')
  }, 30_000)

  test('workers that keep dying stop the service with exit 1, for systemd to restart', async () => {
    const [first] = await startWithWorkers(2)
    // A replacement cannot start without the master key: each one exits at once.
    renameSync(store.keyPath, `${store.keyPath}.away`)
    process.kill(first!, 'SIGKILL')
    expect(await serve!.child.exited).toBe(1)
    renameSync(`${store.keyPath}.away`, store.keyPath)
    const gaveUp = await serve!.waitFor((l) => l.msg === 'workers keep exiting; japroxy stops')
    expect(gaveUp.why).toBe('workers exited 5 times within 60 s')
    const restarts = serve!.lines.filter((l) => l.msg === 'worker exited; starting another')
    expect(restarts).toHaveLength(4)
    expect(serve!.text()).toContain('master key file not found')
  }, 30_000)

  test('a bad --workers value says what to fix and serves nothing', () => {
    const result = Bun.spawnSync([binary, 'serve', '--db', store.dbPath, '--workers', '0'])
    expect(result.exitCode).not.toBe(0)
    expect(result.stderr.toString()).toContain('"0" is not a whole number from 1 to 64')
    const anyPort = Bun.spawnSync([
      binary,
      'serve',
      '--db',
      store.dbPath,
      '--master-key',
      store.keyPath,
      '--listen',
      '127.0.0.1:0',
      '--workers',
      '2',
    ])
    expect(anyPort.exitCode).toBe(1)
    expect(anyPort.stderr.toString()).toContain('--workers needs a fixed port in --listen')
  })
})
