/**
 * The admin listener in front of a real stack: /healthz, /readyz and /metrics answer on their
 * own loopback port and never on the public listener (issue #5).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type AdminListener, startAdminListener } from '../../src/ops/admin.ts'
import { adminSources } from '../../src/ops/supervise.ts'
import { setCredential } from '../../store/credentials.ts'
import {
  basic,
  type Stack,
  servicePassword,
  serviceUser,
  startStack,
  unusedPort,
} from '../support/stack.ts'

let stack: Stack
let admin: AdminListener

beforeAll(async () => {
  stack = await startStack()
  admin = startAdminListener('127.0.0.1', 0, adminSources(stack.proxy, stack.db))
})
afterAll(async () => {
  await admin.stop()
  await stack.stop()
})

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${admin.url}/metrics`)
  expect(response.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
  const lines = (await response.text()).split('\n').filter((l) => l && !l.startsWith('#'))
  return new Map(
    lines.map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
  )
}

async function drain(response: Response): Promise<number> {
  await response.arrayBuffer()
  return response.status
}

describe('health', () => {
  test('/healthz says the process is alive', async () => {
    const response = await fetch(`${admin.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('ok\n')
  })

  test('/readyz is 200 when the store, the credential and Jira are all fine', async () => {
    const response = await fetch(`${admin.url}/readyz`)
    const body = (await response.json()) as {
      ready: boolean
      checks: { name: string; isOk: boolean }[]
    }
    expect(response.status).toBe(200)
    expect(body.ready).toBe(true)
    expect(body.checks.map((c) => c.name)).toEqual(['store', 'credential prod', 'upstream prod'])
  })

  test('/readyz is 503 naming the route whose Jira does not answer', async () => {
    stack.addRoute({
      name: 'gone',
      basePath: '/gone',
      upstreamUrl: `http://127.0.0.1:${unusedPort()}`,
    })
    const response = await fetch(`${admin.url}/readyz`)
    const body = (await response.json()) as {
      ready: boolean
      checks: { name: string; isOk: boolean; detail: string }[]
    }
    expect(response.status).toBe(503)
    const failing = body.checks.filter((c) => !c.isOk).map((c) => `${c.name}: ${c.detail}`)
    expect(failing).toEqual([
      'credential gone: no credential set',
      'upstream gone: Jira did not answer (ECONNREFUSED)',
    ])
    stack.db.run("DELETE FROM routes WHERE name = 'gone'")
    stack.proxy.reload(true)
  })

  test('the admin paths do not exist on the public listener', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      const response = await stack.get(path)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('japroxy_requests_total')
    }
  })

  test('anything else on the admin listener is 404, and writes are refused', async () => {
    expect((await fetch(`${admin.url}/jira-prod/rest/api/2/myself`)).status).toBe(404)
    expect((await fetch(`${admin.url}/metrics`, { method: 'POST' })).status).toBe(405)
  })
})

describe('metrics', () => {
  test('count requests by route, status class and auth outcome, with upstream latency', async () => {
    const before = await scrape()
    const ok = 'japroxy_requests_total{route="prod",code="2xx",auth="ok"}'
    const denied = 'japroxy_requests_total{route="prod",code="4xx",auth="denied"}'
    const upstreamCount = 'japroxy_upstream_duration_seconds_count{route="prod"}'
    for (let i = 0; i < 3; i++) {
      expect(
        await drain(
          await stack.get('/jira-prod/rest/api/2/myself', {
            headers: { authorization: basic(stack.apiKey) },
          }),
        ),
      ).toBe(200)
    }
    expect(
      await drain(
        await stack.get('/jira-prod/rest/api/2/myself', {
          headers: { authorization: basic('jpx_nobody_nokey') },
        }),
      ),
    ).toBe(401)
    const after = await scrape()
    expect((after.get(ok) ?? 0) - (before.get(ok) ?? 0)).toBe(3)
    expect((after.get(denied) ?? 0) - (before.get(denied) ?? 0)).toBe(1)
    expect((after.get(upstreamCount) ?? 0) - (before.get(upstreamCount) ?? 0)).toBe(3)
    expect(
      after.get('japroxy_request_failures_total{reason="key_unknown"}'),
    ).toBeGreaterThanOrEqual(1)
    expect(after.get('japroxy_response_bytes_total{route="prod"}')).toBeGreaterThan(
      before.get('japroxy_response_bytes_total{route="prod"}') ?? 0,
    )
  })

  test('name a stopped upstream as a refused connection', async () => {
    stack.addRoute({
      name: 'stopped',
      basePath: '/stopped',
      upstreamUrl: `http://127.0.0.1:${unusedPort()}`,
    })
    setCredential(stack.db, 'test', 'stopped', {
      kind: 'basic',
      username: serviceUser,
      password: servicePassword,
    })
    const key = stack.createKey('stopped-key', ['stopped'])
    stack.proxy.reload(true)
    expect(
      await drain(
        await stack.get('/stopped/rest/api/2/myself', { headers: { authorization: basic(key) } }),
      ),
    ).toBe(502)
    const after = await scrape()
    expect(after.get('japroxy_upstream_errors_total{route="stopped",kind="refused"}')).toBe(1)
    expect(after.get('japroxy_requests_total{route="stopped",code="5xx",auth="error"}')).toBe(1)
  })

  test('show the snapshot version, reloads and the record writer', async () => {
    const before = await scrape()
    stack.proxy.reload(true)
    stack.proxy.recorder.flush()
    const after = await scrape()
    expect(after.get('japroxy_reloads_total{result="ok"}')).toBe(
      (before.get('japroxy_reloads_total{result="ok"}') ?? 0) + 1,
    )
    expect(after.get('japroxy_snapshot_version')).toBe(stack.proxy.snapshot().version)
    expect(after.get('japroxy_request_records_written_total')).toBeGreaterThan(0)
    expect(after.get('japroxy_request_records_dropped_total')).toBe(0)
    expect(after.get('japroxy_requests_in_flight')).toBe(0)
    expect(after.get('japroxy_lockouts_total')).toBe(0)
  })

  test('hold no secret', async () => {
    const text = await (await fetch(`${admin.url}/metrics`)).text()
    for (const secret of stack.secrets) expect(text).not.toContain(secret)
    expect(text).not.toContain('Basic ')
  })
})
