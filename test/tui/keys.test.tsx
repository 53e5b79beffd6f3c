/** Keys screen: list, create (shown once), revoke by typing the name, expiry (issue #3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { listAudit } from '../../store/audit.ts'
import {
  createApiKey,
  getApiKey,
  hashApiKey,
  listApiKeys,
  loadKeyGrants,
  revokeApiKey,
} from '../../store/keys.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
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

async function createKey(name: string, routes: string, expires = ''): Promise<string> {
  ui.type('n')
  await ui.waitFor((f) => f.includes('Create an API key'))
  ui.type(name)
  await ui.waitFor((f) => f.includes(`Name: ${name}`))
  ui.press('ENTER')
  // With two routes none is filled in: Enter alone must not grant them all.
  await ui.waitFor((f) => /Routes:\s+│/.test(f))
  ui.type(routes)
  await ui.waitFor((f) => f.includes(`Routes: ${routes}`))
  ui.press('ENTER')
  await ui.waitFor((f) => f.includes('Expires:'))
  if (expires) {
    ui.type(expires)
    await ui.waitFor((f) => f.includes(`Expires: ${expires}`))
  }
  ui.press('ENTER')
  return ui.waitFor((f) => f.includes('shown only this once'))
}

describe('Keys screen', () => {
  test('lists keys with keyId, name, routes, dates and status', async () => {
    const { key } = createApiKey(store.db, 'test', { name: 'align', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    const frame = await ui.waitFor((f) => f.includes('align'))
    expect(compact(timeless(frame)).replace(key.keyId, 'KEYID_____')).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      keyId      name         routes created    expires    last used status
      KEYID_____ align        prod   YYYY-MM-DD never      never     active
      ↑↓ select · n new key · r revoke · e expiry · l limit

                                                                       ? help · q quit"
    `)
  })

  test('keeps the header and the status of every key from 60 columns up', async () => {
    for (let i = 0; i < 30; i++) createApiKey(store.db, 'test', { name: `k${i}`, routes: ['prod'] })
    revokeApiKey(store.db, 'test', 'k1')
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('k0 '))
    for (const [columns, rows] of [
      [64, 20],
      [62, 16],
      [61, 16],
      [60, 16],
    ] as const) {
      const lines = await ui.linesAt(columns, rows)
      expect(lines).toHaveLength(rows)
      expect(lines[1]).toMatch(/^keyId +name +routes .* status$/)
      expect(lines[2]).toMatch(/ k0 .* active$/)
      expect(lines[3]).toMatch(/ k1 .* revoked$/)
    }
  })

  test('gives a long name the spare width instead of cutting it at 12', async () => {
    createApiKey(store.db, 'test', { name: 'jira-align-production', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    const frame = await ui.waitFor((f) => f.includes('jira-align'))
    expect(frame).toMatch(/ jira-align-production prod +\d{4}-\d\d-\d\d never /)
    ui.resize(120, 30)
    expect(await ui.waitFor((f) => f.split('\n').length === 30)).toContain(
      ' jira-align-production prod ',
    )
  })

  test('with a full list on 80x24, the new key box keeps its "shown only this once" title', async () => {
    for (let i = 0; i < 30; i++) createApiKey(store.db, 'test', { name: `k${i}`, routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('k0 '))
    const shown = await createKey('full-list-key', 'prod')
    expect(shown).toContain('New API key "full-list-key"')
    expect(shown).toMatch(/jpx_[a-z0-9]+_[A-Za-z0-9_-]{43}/)
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('created key full-list-key'))
  })

  test('creates a key, shows it once in a box that says so, then never again', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    const shown = await createKey('align', 'prod')
    const [stored] = listApiKeys(store.db)
    const apiKey = /jpx_[a-z0-9]+_[A-Za-z0-9_-]{43}/.exec(shown)?.[0]
    expect(apiKey).toBeDefined()
    expect(shown).toContain(`New API key "align" (keyId ${stored!.keyId}): shown only this once`)
    expect(loadKeyGrants(store.db)[0]?.hash).toBe(hashApiKey(apiKey!))
    expect(stored!.routes).toEqual(['prod'])

    ui.press('ENTER')
    const after = await ui.waitFor((f) => !f.includes('shown only this once'))
    expect(after).not.toContain(apiKey!)
    expect(after).toContain('created key align')
    // Switching screens and back must not bring it back either.
    ui.type('1')
    await ui.waitFor((f) => f.includes('base path'))
    ui.type('2')
    expect(await ui.waitFor((f) => f.includes('align'))).not.toContain(apiKey!)
    expect(listAudit(store.db, 1)[0]).toMatchObject({ actor: testActor, action: 'key.create' })
  })

  test('shows the new key on one unbroken line from 60 columns up', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    ui.resize(60, 16)
    await ui.waitFor((f) => f.split('\n').length === 16)
    const shown = await createKey('jira-align-production', 'prod')
    const line = shown.split('\n').find((l) => l.includes('jpx_'))
    expect(line?.trim()).toMatch(/^jpx_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/)
    for (const columns of [61, 62, 80]) {
      ui.resize(columns, 16)
      const frame = await ui.waitFor((f) => f.split('\n')[0]!.length <= columns)
      expect(frame).toContain(line!.trim())
    }
  })

  test('while the new key is shown, the footer offers only the keys that work', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    await createKey('align', 'prod')
    const shown = await ui.waitFor((f) => f.includes('Ctrl+C quit'))
    expect(shown).not.toContain('? help')
    expect(shown).toContain('Enter I have copied the key')
    // ? and q go nowhere while the key is shown.
    ui.type('?q')
    ui.press('ENTER')
    const after = await ui.waitFor((f) => f.includes('created key align') && f.includes('? help'))
    expect(after).not.toContain('Ctrl+C quit')
  })

  test('checks the name and routes as they are typed and refuses Enter until they are right', async () => {
    createApiKey(store.db, 'test', { name: 'taken', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('taken'))
    ui.type('n')
    await ui.waitFor((f) => f.includes('Create an API key'))
    ui.type('taken')
    const taken = await ui.waitFor((f) => f.includes('✗'))
    expect(taken).toContain('✗ a key named "taken" already exists')
    expect(taken).not.toContain('keys.name')
    ui.press('ENTER')
    expect(ui.frame()).toContain('Name: taken')
    ui.press('BACKSPACE')
    await ui.waitFor((f) => /Name: take\s/.test(f) && !f.includes('✗'))
    ui.press('CTRL_U')
    ui.type('fresh')
    await ui.waitFor((f) => f.includes('Name: fresh') && !f.includes('✗'))
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('Routes:'))
    ui.press('CTRL_U')
    ui.type('nope')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('no route named "nope"')
    ui.press('ESC')
    expect(await ui.waitFor((f) => f.includes('cancelled'))).toContain(
      'cancelled; nothing was written',
    )
    expect(listApiKeys(store.db).map((k) => k.name)).toEqual(['taken'])
  })

  test('sets an expiry when the key is created and shows when it will be', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    ui.type('n')
    await ui.waitFor((f) => f.includes('Create an API key'))
    ui.type('short')
    await ui.waitFor((f) => f.includes('Name: short'))
    ui.press('ENTER', 'ENTER')
    // Enter on the empty Routes field says why it is refused.
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('grant at least one route')
    ui.type('test\r')
    await ui.waitFor((f) => f.includes('Expires:'))
    ui.type('yesterday')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain(
      'is not a date (2027-01-31) or a duration from now (90d)',
    )
    ui.press('CTRL_U')
    ui.type('99999999d')
    await ui.waitFor((f) => f.includes('✗ "99999999d" ends after 9999-12-31'))
    ui.press('CTRL_U')
    ui.type('30d')
    expect(await ui.waitFor((f) => f.includes('expires 2'))).toMatch(
      /expires \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    )
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('shown only this once'))
    const expiresAt = getApiKey(store.db, 'short').expiresAt!
    expect(Math.abs(expiresAt - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000)
  })

  test('revokes a key only when its name is typed exactly', async () => {
    createApiKey(store.db, 'test', { name: 'align', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('align'))
    ui.type('r')
    await ui.waitFor((f) => f.includes('Revoke key "align"'))
    ui.type('alig')
    await ui.waitFor((f) => f.includes('type "align" exactly'))
    ui.press('ENTER')
    expect(getApiKey(store.db, 'align').revokedAt).toBeUndefined()
    ui.type('n')
    await ui.waitFor((f) => f.includes('confirm: align') && !f.includes('✗'))
    ui.press('ENTER')
    const frame = await ui.waitFor((f) => f.includes('revoked key align'))
    expect(frame).toMatch(/align .* revoked/)
    expect(getApiKey(store.db, 'align').revokedAt).toBeDefined()
  })

  test('sets and clears the expiry of the selected key', async () => {
    createApiKey(store.db, 'test', { name: 'a-key', routes: ['prod'] })
    createApiKey(store.db, 'test', { name: 'b-key', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('b-key'))
    ui.press('DOWN')
    ui.type('e')
    await ui.waitFor((f) => f.includes('Expiry of key "b-key"'))
    ui.type('2099-01-31')
    await ui.waitFor((f) => f.includes('expires 2099-01-31 00:00 UTC'))
    ui.press('ENTER')
    expect(await ui.waitFor((f) => f.includes('key b-key expires'))).toMatch(/b-key .* 2099-01-31/)
    ui.type('e')
    await ui.waitFor((f) => f.includes('Expiry of key "b-key"'))
    // An empty Enter must not make the key eternal without saying so.
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('✗ type a date, a duration, or never'))
    expect(getApiKey(store.db, 'b-key').expiresAt).toBeDefined()
    ui.type('never')
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('no longer expires'))
    expect(getApiKey(store.db, 'b-key').expiresAt).toBeUndefined()
    expect(getApiKey(store.db, 'a-key').expiresAt).toBeUndefined()
  })

  test('sets and removes the rate limit of the selected key', async () => {
    createApiKey(store.db, 'test', { name: 'align', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('align'))
    ui.type('l')
    expect(await ui.waitFor((f) => f.includes('Rate limit of key "align"'))).toContain(
      'now: no limit',
    )
    ui.type('600/week')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('is not a rate (like 600/min')
    ui.press('CTRL_U')
    ui.type('600/min 60')
    await ui.waitFor((f) => f.includes('600 a minute, 60 at once'))
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('key align: 600/min, burst 60'))
    expect(getApiKey(store.db, 'align')).toMatchObject({ ratePerMinute: 600, rateBurst: 60 })
    ui.type('l')
    await ui.waitFor((f) => f.includes('now: 600/min, burst 60'))
    ui.type('off\r')
    await ui.waitFor((f) => f.includes('key align: no rate limit'))
    expect(getApiKey(store.db, 'align').ratePerMinute).toBeUndefined()
  })

  test('takes a name and Enter that arrive in one read from the terminal', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    ui.type('n')
    await ui.waitFor((f) => f.includes('Create an API key'))
    ui.type('pasted\r')
    await ui.waitFor((f) => f.includes('Routes:'))
    ui.type('xx')
    await ui.waitFor((f) => f.includes('Routes: xx'))
    // Ctrl+U in the same read as the text that follows it (tmux send-keys does this).
    ui.type('\u0015prod\r\r')
    expect(await ui.waitFor((f) => f.includes('shown only this once'))).toContain('"pasted"')
  })

  test('shows a key created by another process within a second', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    changeElsewhere(store.dbPath, (db) =>
      createApiKey(db, 'cli', { name: 'from-cli', routes: ['test'] }),
    )
    expect(await ui.waitFor((f) => f.includes('from-cli'), 1000)).toMatch(/from-cli\s+test/)
  })

  test('the selection stays on its key when another process adds one above it', async () => {
    createApiKey(store.db, 'test', { name: 'bulk-1', routes: ['prod'] })
    createApiKey(store.db, 'test', { name: 'bulk-2', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('bulk-2'))
    ui.press('DOWN')
    changeElsewhere(store.dbPath, (db) =>
      createApiKey(db, 'cli', { name: 'aaa-first', routes: ['prod'] }),
    )
    await ui.waitFor((f) => f.includes('aaa-first'), 1000)
    ui.type('r')
    expect(await ui.waitFor((f) => f.includes('Revoke key'))).toContain('Revoke key "bulk-2"')
  })

  test('r and e on a revoked key say why nothing opens', async () => {
    createApiKey(store.db, 'test', { name: 'gone', routes: ['prod'] })
    revokeApiKey(store.db, 'test', 'gone')
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('gone'))
    ui.type('e')
    const frame = await ui.waitFor((f) => f.includes('is revoked'))
    expect(frame).toContain('key gone is revoked; create a new key instead')
    expect(frame).not.toContain('Expiry of key')
  })

  test('shows a store error with what to do, and keeps the screen working', async () => {
    createApiKey(store.db, 'test', { name: 'align', routes: ['prod'] })
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('align'))
    store.db.run('PRAGMA busy_timeout = 50')
    const locker = (await import('../../store/db.ts')).openStore(store.dbPath)
    locker.run('BEGIN IMMEDIATE')
    try {
      ui.type('r')
      await ui.waitFor((f) => f.includes('Revoke key'))
      ui.type('align')
      await ui.waitFor((f) => f.includes('confirm: align') && !f.includes('✗'))
      ui.press('ENTER')
      const frame = await ui.waitFor((f) => f.includes('locked'))
      expect(frame).toContain('store is locked by another process')
      expect(frame).toContain('→ wait for the other writer to finish and try again')
    } finally {
      locker.run('ROLLBACK')
      locker.close()
    }
    ui.press('ENTER')
    expect(await ui.waitFor((f) => f.includes('revoked key align'))).toMatch(/align .* revoked/)
  })
})
