/** Live requests screen: tailing records, status colours, pause, filter, detail, bounds (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { tailCapacity } from '../../tui/hooks/use-request-tail.ts'
import {
  addTestRoute,
  type Console,
  compact,
  makeStore,
  renderConsole,
  requestRecord,
  type TestStore,
  writeRecordsElsewhere,
} from './harness.tsx'

let store: TestStore
let ui: Console

beforeEach(async () => {
  store = await makeStore()
  addTestRoute(store.db, 'prod', '/jira-prod')
})
afterEach(() => {
  ui?.unmount()
  store.close()
})

const at = Date.UTC(2030, 0, 2, 3, 4, 5)

function sample() {
  return [
    requestRecord({ ts: at, requestId: 'a', path: '/jira-prod/rest/api/2/issue/A-1' }),
    requestRecord({
      ts: at + 1000,
      requestId: 'b',
      status: 403,
      upstreamStatus: undefined,
      auth: 'denied',
      reason: 'ip_not_allowed',
      clientIp: '198.51.100.9',
      keyId: undefined,
    }),
    requestRecord({ ts: at + 2000, requestId: 'c', status: 502, reason: 'upstream_unreachable' }),
  ]
}

describe('Live screen', () => {
  test('shows records written by another process, newest first, within a second', async () => {
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('no requests yet'))
    writeRecordsElsewhere(store.dbPath, sample())
    const frame = await ui.waitFor((f) => f.includes('upstream_unreachable'), 1000)
    expect(compact(frame)).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      ● following · 3 held
      time UTC client IP       method path              sta    ms keyId / reason
      03:04:07 203.0.113.7     GET    …api/2/serverInfo 502    12 upstream_unreachable
      03:04:06 198.51.100.9    GET    …api/2/serverInfo 403    12 ip_not_allowed
      03:04:05 203.0.113.7     GET    …/api/2/issue/A-1 200    12 abcdefghij
      ↑↓ select · Enter detail · p pause · / filter · c clear filter

                                                                       ? help · q quit"
    `)
  })

  test('at 60 columns the path keeps a useful width beside the client IP', async () => {
    writeRecordsElsewhere(store.dbPath, [
      requestRecord({ ts: at, path: '/jira-prod/rest/api/2/myself', clientIp: '2001:db8::1:2' }),
    ])
    ui = renderConsole(store.db, 'live')
    ui.resize(60, 16)
    const frame = await ui.waitFor((f) => f.includes('held') && f.split('\n').length === 16)
    expect(frame.split('\n').slice(2, 4).join('\n')).toMatchInlineSnapshot(`
      "time UTC client IP   method path           sta keyId / reas…
      03:04:05 2001:db8::… GET    …/api/2/myself 200 abcdefghij"
    `)
  })

  test('shows rows in time order when processes wrote them out of order (serve --workers)', async () => {
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('no requests yet'))
    // Worker 1's batch lands after worker 0's, though its request came first.
    const [a, b, c] = sample()
    writeRecordsElsewhere(store.dbPath, [b!, c!, a!])
    const frame = await ui.waitFor((f) => f.includes('upstream_unreachable'), 1000)
    const times = compact(frame).match(/^03:04:0\d/gm)
    expect(times).toEqual(['03:04:07', '03:04:06', '03:04:05'])
  })

  test('colours the status by class', async () => {
    const { default: chalk } = await import('chalk')
    const level = chalk.level
    chalk.level = 1
    writeRecordsElsewhere(store.dbPath, sample())
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('ip_not_allowed'))
    const raw = ui.rawFrame()
    expect(raw).toContain('\u001b[32m200')
    expect(raw).toContain('\u001b[33m403')
    expect(raw).toContain('\u001b[31m502')
    chalk.level = level
  })

  test('pauses, counts what arrives meanwhile, and resumes', async () => {
    writeRecordsElsewhere(store.dbPath, sample())
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('3 held'))
    ui.type('p')
    await ui.waitFor((f) => f.includes('paused (0 new'))
    writeRecordsElsewhere(store.dbPath, [
      requestRecord({ requestId: 'd', path: '/jira-prod/late' }),
    ])
    const paused = await ui.waitFor((f) => f.includes('paused (1 new'))
    expect(paused).not.toContain('/late')
    ui.type('p')
    expect(await ui.waitFor((f) => f.includes('following'))).toContain('prod/late')
  })

  test('filters by status class, route, key, client IP and free text as it is typed', async () => {
    writeRecordsElsewhere(store.dbPath, sample())
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('3 held'))
    ui.type('/')
    await ui.waitFor((f) => f.includes('Filter'))
    ui.type('status:4xx')
    let frame = await ui.waitFor((f) => f.includes('1 match'))
    expect(frame).toContain('ip_not_allowed')
    expect(frame).not.toContain('upstream_unreachable')
    ui.press('CTRL_U')
    ui.type('ip:198.51 status:5xx')
    await ui.waitFor((f) => f.includes('0 match'))
    ui.press('CTRL_U')
    ui.type('key:abcd unreachable')
    frame = await ui.waitFor((f) => f.includes('1 match'))
    expect(frame).toContain('upstream_unreachable')
    ui.press('ENTER')
    await ui.waitFor((f) => !f.includes('applies as you type'))
    // Esc while editing puts back the filter that was there before.
    ui.type('/')
    await ui.waitFor((f) => f.includes('applies as you type'))
    ui.press('CTRL_U')
    ui.type('status:2xx')
    await ui.waitFor((f) => f.includes('match "status:2xx"'))
    ui.press('ESC')
    frame = await ui.waitFor((f) => !f.includes('applies as you type'))
    expect(frame).toContain('1 match "key:abcd unreachable"')
    ui.type('c')
    await ui.waitFor((f) => f.includes('3 held'))
  })

  test('opens the detail of the selected request with every field', async () => {
    writeRecordsElsewhere(store.dbPath, sample())
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('3 held'))
    ui.press('DOWN')
    await ui.waitFor((f) => f.includes('paused'))
    ui.press('ENTER')
    const frame = await ui.waitFor((f) => f.includes('requestId'))
    expect(frame).toContain('requestId       b')
    expect(frame).toContain('clientIp        198.51.100.9')
    expect(frame).toContain('reason          ip_not_allowed')
    expect(frame).toContain('time            2030-01-02T03:04:06.000Z')
    ui.press('ESC')
    await ui.waitFor((f) => !f.includes('requestId'))
  })

  test(`keeps at most ${tailCapacity} records in memory however many arrive`, async () => {
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('no requests yet'))
    const many = Array.from({ length: 5000 }, (_, i) =>
      requestRecord({ requestId: `r${i}`, path: `/jira-prod/n/${i}` }),
    )
    writeRecordsElsewhere(store.dbPath, many)
    const frame = await ui.waitFor((f) => f.includes('/n/4999'), 3000)
    expect(frame).toContain(`${tailCapacity} held`)
  })
})
