/** Credentials screen: set or replace masked, show only when and by whom, delete by name (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { listBreakers, tripBreaker } from '../../store/breakers.ts'
import { listCredentials, setCredential, unsealCredentials } from '../../store/credentials.ts'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { readMasterKeyFile } from '../../store/seal.ts'
import {
  addTestRoute,
  type Console,
  compact,
  makeStore,
  renderConsole,
  type TestStore,
  testActor,
  timeless,
} from './harness.tsx'

let store: TestStore
let ui: Console

beforeEach(async () => {
  store = await makeStore()
  addTestRoute(store.db, 'prod', '/jira-prod')
  addTestRoute(store.db, 'test', '/jira-test')
})
afterEach(() => {
  ui?.unmount()
  store.close()
})

function injected(route: string): string | undefined {
  const key = readMasterKeyFile(join(store.dir, 'master.key'))
  return unsealCredentials(store.db, key).headers.get(getRoute(store.db, route).id)
}

describe('Credentials screen', () => {
  test('shows each route with its credential kind, when and by whom, never the value', async () => {
    setCredential(store.db, 'alice (cli)', 'prod', { kind: 'bearer', token: 'pat-secret-123' })
    ui = renderConsole(store.db, 'credentials')
    const frame = await ui.waitFor((f) => f.includes('alice'))
    expect(compact(timeless(frame))).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      route          credential state     set at (UTC)     set by
      prod           token      in use    YYYY-MM-DD HH:MM alice (cli)
      test           not set    -         -                -
      ↑↓ select · b set user+password · t set token · d delete

                                                                       ? help · q quit"
    `)
  })

  test('marks a credential set for another upstream as STALE', async () => {
    setCredential(store.db, 'alice (cli)', 'prod', { kind: 'bearer', token: 'pat-secret-123' })
    updateRoute(store.db, 'test', {
      ...getRoute(store.db, 'prod'),
      upstreamUrl: 'http://127.0.0.1:7',
    })
    ui = renderConsole(store.db, 'credentials')
    expect(await ui.waitFor((f) => f.includes('alice'))).toMatch(/prod\s+token\s+STALE/)
  })

  test('seals a user and a password typed masked; the password never reaches the screen', async () => {
    ui = renderConsole(store.db, 'credentials')
    await ui.waitFor((f) => f.includes('not set'))
    ui.type('b')
    await ui.waitFor((f) => f.includes('Jira user + password for route prod'))
    ui.type('svc-align\r')
    await ui.waitFor((f) => f.includes('Password:'))
    ui.type('s3cret-Pa55')
    expect(await ui.waitFor((f) => f.includes('•••••••••••'))).toContain('Jira user: svc-align')
    ui.press('ENTER')
    const frame = await ui.waitFor((f) => f.includes('sealed the password of svc-align'))
    expect(frame).toMatch(/prod\s+user\+pass\s+in use\s+\d{4}-\d\d-\d\d \d\d:\d\d tester \(tui\)/)
    expect(ui.frames().some((f) => f.includes('s3cret'))).toBe(false)
    expect(injected('prod')).toBe(`Basic ${btoa('svc-align:s3cret-Pa55')}`)
    expect(listCredentials(store.db)[0]).toMatchObject({ route: 'prod', setBy: testActor })
  })

  test('replaces a token on the selected route and says what it replaces', async () => {
    setCredential(store.db, 'alice (cli)', 'test', { kind: 'bearer', token: 'old-token' })
    ui = renderConsole(store.db, 'credentials')
    await ui.waitFor((f) => f.includes('alice'))
    ui.press('DOWN')
    ui.type('t')
    const prompt = await ui.waitFor((f) => f.includes('Personal access token for route test'))
    expect(prompt).toMatch(/replaces the bearer credential set .* by alice \(cli\)/)
    ui.type('new-token-value\r')
    await ui.waitFor((f) => f.includes('sealed the token for route test'))
    expect(injected('test')).toBe('Bearer new-token-value')
    expect(ui.frames().some((f) => f.includes('new-token-value'))).toBe(false)
  })

  test('an empty password is refused on the password field itself, which stays masked', async () => {
    ui = renderConsole(store.db, 'credentials')
    await ui.waitFor((f) => f.includes('not set'))
    ui.type('b')
    await ui.waitFor((f) => f.includes('Jira user:'))
    ui.type('svc\r')
    await ui.waitFor((f) => f.includes('Password:'))
    ui.press('ENTER')
    // Sending the admin back to the (clear) user field here had the password typed there.
    expect(await ui.waitFor((f) => f.includes('✗ is empty'))).toMatch(
      /Jira user: svc\s+│\n│ Password:/,
    )
    expect(listCredentials(store.db)).toEqual([])
    ui.type('Pa55-w0rd\r')
    await ui.waitFor((f) => f.includes('sealed the password of svc for route prod'))
    expect(injected('prod')).toBe(`Basic ${btoa('svc:Pa55-w0rd')}`)
    expect(ui.frames().some((f) => f.includes('Pa55'))).toBe(false)
  })

  test('a user name with a colon is refused before the password is asked for', async () => {
    ui = renderConsole(store.db, 'credentials')
    await ui.waitFor((f) => f.includes('not set'))
    ui.type('b')
    await ui.waitFor((f) => f.includes('Jira user:'))
    ui.type('svc:oops\r')
    const frame = await ui.waitFor((f) => f.includes('✗ give the Jira user name'))
    expect(frame).not.toContain('Password:')
    expect(listCredentials(store.db)).toEqual([])
  })

  test('deletes a credential only after the route name is typed', async () => {
    setCredential(store.db, 'alice (cli)', 'prod', { kind: 'bearer', token: 'tok' })
    ui = renderConsole(store.db, 'credentials')
    await ui.waitFor((f) => f.includes('alice'))
    ui.type('d')
    await ui.waitFor((f) => f.includes('Delete the credential of route prod'))
    ui.type('test\r')
    await ui.waitFor((f) => f.includes('type "prod" exactly'))
    ui.press('CTRL_U')
    ui.type('prod\r')
    await ui.waitFor((f) => f.includes('deleted the credential of route prod'))
    expect(listCredentials(store.db)).toEqual([])
  })

  test('shows a credential Jira rejected, and resumes it only after the route name is typed', async () => {
    setCredential(store.db, 'alice (cli)', 'prod', {
      kind: 'basic',
      username: 'svc',
      password: 'pw',
    })
    tripBreaker(
      store.db,
      'serve',
      getRoute(store.db, 'prod').id,
      'X-Seraph-LoginReason: AUTHENTICATED_FAILED',
    )
    ui = renderConsole(store.db, 'credentials')
    const frame = await ui.waitFor((f) => f.includes('REJECTED'))
    expect(frame).toMatch(/prod\s+user\+pass\s+REJECTED/)
    expect(frame.replace(/\n/g, ' ')).toContain(
      '(X-Seraph-LoginReason: AUTHENTICATED_FAILED); serve stopped sending it.',
    )
    ui.type('r')
    await ui.waitFor((f) => f.includes('Send the credential of route prod again'))
    ui.type('prod\r')
    await ui.waitFor((f) => f.includes('route prod resumed'))
    expect(listBreakers(store.db)).toEqual([])
    expect(ui.frame()).toMatch(/prod\s+user\+pass\s+in use/)
  })
})
