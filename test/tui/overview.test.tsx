/** Overview screen: routes with credential, key and allow-list counts, traffic, warnings (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { addAllowEntry } from '../../store/allow-list.ts'
import { tripBreaker } from '../../store/breakers.ts'
import { setCredential } from '../../store/credentials.ts'
import { createApiKey } from '../../store/keys.ts'
import { getRoute } from '../../store/routes.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
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

const dayMs = 86_400_000

describe('Overview screen', () => {
  test('counts the whole 10-minute window at start, beyond the records kept in memory', async () => {
    const now = Date.now()
    const records = Array.from({ length: 3000 }, (_, i) =>
      requestRecord({ ts: now - (i % 500) * 1000, status: i % 100 === 0 ? 502 : 200 }),
    )
    writeRecordsElsewhere(store.dbPath, records)
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('3000 req'))
    expect(frame).toContain('3000 req · 5xx 1.0% · 0 denied')
  })

  test('shows each route with upstream, credential kind, active keys and allow-list size', async () => {
    addTestRoute(store.db, 'test', '/jira-test')
    setCredential(store.db, 'cli', 'prod', { kind: 'basic', username: 'svc', password: 'pw' })
    createApiKey(store.db, 'cli', { name: 'a', routes: ['prod', 'test'] })
    createApiKey(store.db, 'cli', { name: 'b', routes: ['prod'] })
    addAllowEntry(store.db, 'cli', { cidr: '10.0.0.0/8' })
    addAllowEntry(store.db, 'cli', { cidr: '203.0.113.0/24', route: 'prod' })
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('/jira-test'))
    expect(compact(frame)).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      route        base path      upstream (traffic: last 10 min)    cred   keys allow
      prod         /jira-prod     http://127.0.0.1:9/                basic     2     2
        ····················  0 req · 5xx 0% · 0 denied
      test         /jira-test     http://127.0.0.1:9/                none      1     1
        ····················  0 req · 5xx 0% · 0 denied
      Needs attention
      ! test: no Jira credential set → 5 Credentials

                                                                       ? help · q quit"
    `)
  })

  test('gives long route names and base paths the spare width of a wide terminal', async () => {
    addTestRoute(store.db, 'jira-align-production-eu', '/jira-align-production-eu')
    ui = renderConsole(store.db)
    ui.resize(120, 30)
    const frame = await ui.waitFor((f) => f.split('\n').length === 30 && f.includes('/jira-align'))
    expect(frame).toMatch(/^jira-align-production-eu \/jira-align-production-eu http:/m)
    ui.type('4')
    expect(await ui.waitFor((f) => f.includes('Endpoint rules'))).toMatch(
      /^jira-align-production-eu \/jira-align-production-eu http:/m,
    )
  })

  test('warns about an empty allow-list, a missing credential and a key expiring soon', async () => {
    createApiKey(store.db, 'cli', {
      name: 'soon',
      routes: ['prod'],
      expiresAt: Date.now() + 3 * dayMs + 60_000,
    })
    createApiKey(store.db, 'cli', {
      name: 'later',
      routes: ['prod'],
      expiresAt: Date.now() + 30 * dayMs,
    })
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('Needs attention'))
    expect(frame).toContain('! prod: allow-list is empty, nobody gets in → 3 Allow-list')
    expect(frame).toContain('! prod: no Jira credential set → 5 Credentials')
    expect(frame).toMatch(/! key soon expires in 3d \(\d{4}-\d\d-\d\d\) → 2 Keys/)
    expect(frame).not.toContain('key later')
  })

  test('says a key made to last 3 days expires in 2d 23h, not 2d', async () => {
    createApiKey(store.db, 'cli', {
      name: 'three',
      routes: ['prod'],
      expiresAt: Date.now() + 3 * dayMs,
    })
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('key three'))
    expect(frame).toMatch(/! key three expires in 2d 23h \(\d{4}-\d\d-\d\d\) → 2 Keys/)
  })

  test('counts requests, server errors and denials per route from the request records', async () => {
    const now = Date.now()
    writeRecordsElsewhere(store.dbPath, [
      requestRecord({ ts: now }),
      requestRecord({ ts: now, status: 502 }),
      requestRecord({ ts: now, status: 401, auth: 'denied', reason: 'key_unknown' }),
      requestRecord({ ts: now - 60_000 }),
    ])
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('4 req'))
    expect(frame).toContain('4 req · 5xx 25.0% · 1 denied')
    expect(frame).toMatch(/ {2}·+[▁▂▃▄]·*█ {2}4 req/)
  })

  test('warns loudly, first, when serve stopped sending a credential Jira rejected', async () => {
    setCredential(store.db, 'cli', 'prod', { kind: 'basic', username: 'svc', password: 'old' })
    addAllowEntry(store.db, 'cli', { cidr: '10.0.0.0/8' })
    createApiKey(store.db, 'cli', { name: 'soon', routes: ['prod'], expiresAt: Date.now() + dayMs })
    ui = renderConsole(store.db)
    await ui.waitFor((f) => f.includes('key soon'))
    changeElsewhere(store.dbPath, (db) => tripBreaker(db, 'serve', getRoute(db, 'prod').id, 'x'))
    const frame = await ui.waitFor((f) => f.includes('REJECTED'), 1000)
    const warnings = frame.split('\n').filter((line) => line.startsWith('! '))
    expect(warnings[0]).toMatch(
      /^! prod: Jira REJECTED the credential at \d\d:\d\d:\d\d UTC, not sent → 5 Credentials$/,
    )
    expect(warnings[1]).toContain('key soon expires')
    changeElsewhere(store.dbPath, (db) => {
      setCredential(db, 'cli', 'prod', { kind: 'basic', username: 'svc', password: 'new' })
    })
    await ui.waitFor((f) => !f.includes('REJECTED'), 1000)
  })

  test('sees a route added by another process within a second', async () => {
    ui = renderConsole(store.db)
    await ui.waitFor((f) => f.includes('/jira-prod'))
    changeElsewhere(store.dbPath, (db) => addTestRoute(db, 'staging', '/jira-staging'))
    expect(await ui.waitFor((f) => f.includes('/jira-staging'), 1000)).toContain('staging')
  })
})
