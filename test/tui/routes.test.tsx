/** Routes screen: view and edit settings with the store's checks; explain METHOD PATH (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getRoute } from '../../store/routes.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
  compact,
  makeStore,
  renderConsole,
  type TestStore,
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

/** Opens the editor on setting number `index` (0 = upstream URL) of the selected route. */
async function editSetting(index: number, label: string): Promise<void> {
  if (!ui.frame().includes('Esc done')) ui.press('ENTER')
  await ui.waitFor((f) => f.includes('Esc done'))
  ui.press('HOME')
  for (let i = 0; i < index; i++) ui.press('DOWN')
  ui.press('ENTER')
  await ui.waitFor((f) => f.includes(`: ${label}`) && f.includes('Enter submit'))
  ui.press('CTRL_U')
  await ui.waitFor((f) => new RegExp(`${label}:\\s*$`, 'm').test(f.replace(/[│ ]+$/gm, '')))
}

describe('Routes screen', () => {
  test("shows every route and the selected route's settings", async () => {
    ui = renderConsole(store.db, 'routes')
    const frame = await ui.waitFor((f) => f.includes('Endpoint rules'))
    expect(compact(frame)).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      route        base path        upstream
      prod         /jira-prod       http://127.0.0.1:9/
      test         /jira-test       http://127.0.0.1:9/
      Route prod (/jira-prod)
        Upstream URL      http://127.0.0.1:9/
        Public URL        (none)
        Upstream CA file  (none)
        Header timeout    1m
        Anonymous paths   GET /rest/api/2/serverInfo
        Endpoint profile  jira-align (55 built-in rules)
        Endpoint rules    (none)
        Link rewriting    on (no public URL yet)
      ↑↓ select route · Enter edit · x explain METHOD PATH

                                                                       ? help · q quit"
    `)
  })

  test('edits the upstream URL and refuses one the store would refuse, as it is typed', async () => {
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    await editSetting(0, 'Upstream URL')
    ui.type('http://jira.internal:8080')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain(
      'upstreamUrl: plain http is only allowed to loopback',
    )
    ui.press('ENTER')
    expect(getRoute(store.db, 'prod').upstreamUrl).toBe('http://127.0.0.1:9/')
    ui.press('CTRL_U')
    ui.type('https://jira.internal:8443\r')
    await ui.waitFor((f) => f.includes('updated route prod: Upstream URL'))
    expect(getRoute(store.db, 'prod').upstreamUrl).toBe('https://jira.internal:8443')
    expect(ui.frame()).toContain('Upstream URL      https://jira.internal:8443')
  })

  test('edits the timeout, anonymous paths and rules of the second route, one after another', async () => {
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    ui.press('DOWN')
    await ui.waitFor((f) => f.includes('Route test (/jira-test)'))
    await editSetting(3, 'Header timeout')
    ui.type('2 minutes')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('is not a duration')
    ui.press('CTRL_U')
    ui.type('2m\r')
    await ui.waitFor((f) => f.includes('updated route test: Header timeout'))
    expect(getRoute(store.db, 'test').headerTimeoutMs).toBe(120_000)

    await editSetting(4, 'Anonymous paths')
    ui.type('GET /rest/api/2/serverInfo; HEAD /status')
    await ui.waitFor((f) => f.includes('HEAD /status') && !f.includes('✗'))
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('updated route test: Anonymous paths'))
    expect(getRoute(store.db, 'test').anonymousPaths).toEqual([
      'GET /rest/api/2/serverInfo',
      'HEAD /status',
    ])

    await editSetting(6, 'Endpoint rules')
    ui.type('deny DELETE /rest/api/2/issue/{key}; allow GET nope')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('policy.rules[1]')
    for (let i = 0; i < '; allow GET nope'.length; i++) ui.press('BACKSPACE')
    await ui.waitFor((f) => !f.includes('✗'))
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('updated route test: Endpoint rules'))
    expect(getRoute(store.db, 'test').policy.rules).toEqual(['deny DELETE /rest/api/2/issue/{key}'])
    expect(getRoute(store.db, 'prod').policy.rules).toEqual([])
  })

  test('edits the CA file only to a file that exists', async () => {
    const caFile = join(store.dir, 'ca.pem')
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n')
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    await editSetting(2, 'Upstream CA file')
    ui.type(`${caFile}.missing`)
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('does not exist')
    for (let i = 0; i < '.missing'.length; i++) ui.press('BACKSPACE')
    await ui.waitFor((f) => !f.includes('✗'))
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('updated route prod: Upstream CA file'))
    expect(getRoute(store.db, 'prod').upstreamCaFile).toBe(caFile)
  })

  test('turns link rewriting off and refuses anything but on or off (#7)', async () => {
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Link rewriting'))
    await editSetting(7, 'Link rewriting')
    ui.type('maybe')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('"maybe" is not on or off')
    ui.press('CTRL_U')
    ui.type('off\r')
    await ui.waitFor((f) => f.includes('updated route prod: Link rewriting'))
    expect(getRoute(store.db, 'prod').rewriteLinks).toBe(false)
    expect(ui.frame()).toContain('Link rewriting    off')
  })

  test('explains what would happen to METHOD PATH on the selected route, as you type', async () => {
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    ui.type('x')
    await ui.waitFor((f) => f.includes('What would route prod do'))
    ui.type('GET /jira-prod/rest/api/2/serverInfo')
    let frame = await ui.waitFor((f) => f.includes('→ forwarded'))
    expect(frame).toContain('API key: not needed (anonymous path')
    expect(frame).toContain('→ forwarded to http://127.0.0.1:9/rest/api/2/serverInfo')
    ui.press('CTRL_U')
    ui.type('DELETE /rest/api/2/group/jira-administrators')
    frame = await ui.waitFor((f) => f.includes('→ refused'))
    expect(frame).toContain(
      'endpoint policy: denied with 403 by rule "deny * /rest/api/2/group/**"',
    )
    ui.press('CTRL_U')
    ui.type('GET /rest/api/2/../../secure')
    frame = await ui.waitFor((f) => f.includes('dot segments resolved'))
    expect(frame).toContain('GET /jira-prod/rest/secure on route prod')
    expect(frame).toContain('denied with 403: no rule matched')
    ui.press('CTRL_U')
    ui.type('GET /rest/../../secure')
    expect(await ui.waitFor((f) => f.includes('not on this route'))).toContain('/secure')
    ui.press('CTRL_U')
    ui.type('GET /rest/api/2/a;b')
    frame = await ui.waitFor((f) => f.includes('refused with 400'))
    ui.press('CTRL_U')
    ui.type('nonsense')
    expect(await ui.waitFor((f) => f.includes('type METHOD PATH'))).toContain(
      'type METHOD PATH, e.g. GET /rest/api/2/serverInfo',
    )
    ui.press('ESC')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
  })

  test('fits the explain box, title to verdict, in 70×16 and 60×16', async () => {
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    ui.type('x')
    await ui.waitFor((f) => f.includes('What would route prod do'))
    ui.type('POST /rest/api/latest/group/user.json')
    await ui.waitFor((f) => f.includes('→ refused'))
    for (const columns of [70, 60]) {
      ui.resize(columns, 16)
      const frame = await ui.waitFor(
        (f) => f.split('\n').length === 16 && f.split('\n')[0]!.length <= columns,
      )
      const lines = frame.split('\n')
      const top = lines.findIndex((l) => l.startsWith('╭'))
      const bottom = lines.findIndex((l) => l.startsWith('╰'))
      expect(top).toBeGreaterThan(0)
      expect(bottom).toBeGreaterThan(top)
      const inside = lines.slice(top + 1, bottom)
      expect(inside[0]).toContain('What would route prod do with this request?')
      expect(inside.at(-2)).toContain('→ refused')
      for (const line of inside) expect(line).toMatch(new RegExp(`^│.{${columns - 2}}│$`))
    }
    expect(compact(ui.frame())).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3  4 Routes  5  6 Live  7 Audit
      ╭──────────────────────────────────────────────────────────╮
      │ What would route prod do with this request?              │
      │ METHOD PATH: POST /rest/api/latest/group/user.json       │
      │ POST /jira-prod/rest/api/latest/group/user.json on rout… │
      │   path check: canonical                                  │
      │   judged as /rest/api/2/group/user (Jira serves a trail… │
      │   API key: required, granted this route; the Jira        │
      │   credential is injected                                 │
      │   endpoint policy: denied with 403 by rule "deny *       │
      │   /rest/api/2/group/**" (profile)                        │
      │   → refused                                              │
      │ answers as you type, with the rules serve uses · Esc cl… │
      ╰──────────────────────────────────────────────────────────╯

                                                       Ctrl+C quit"
    `)
  })

  test('keeps a form whole when the store refuses it with 30 problems (80×24 and 60×16)', async () => {
    // Rules the store holds but would refuse now (written by hand): every edit lists them all.
    const rules = Array.from({ length: 30 }, (_, i) => `allow GET rest/x${i}`)
    changeElsewhere(store.dbPath, (db) =>
      db.run("UPDATE routes SET endpoint_policy = ? WHERE name = 'prod'", [
        JSON.stringify({ profile: 'jira-align', rules }),
      ]),
    )
    ui = renderConsole(store.db, 'routes')
    await ui.waitFor((f) => f.includes('Endpoint rules'))
    await editSetting(3, 'Header timeout')
    ui.type('30s\r')
    await ui.waitFor((f) => f.includes('the input has problems'))
    for (const [columns, rows] of [
      [80, 24],
      [60, 16],
    ] as const) {
      const lines = await ui.linesAt(columns, rows)
      expect(lines).toHaveLength(rows)
      const top = lines.findIndex((l) => l.startsWith('╭'))
      const bottom = lines.findLastIndex((l) => l.startsWith('╰'))
      expect(lines[top + 1]).toContain('Route prod: Header timeout')
      expect(lines[bottom - 1]).toMatch(/^│ Enter submit · Esc cancel +│$/)
      for (const line of lines.slice(top + 1, bottom)) {
        expect(line).toMatch(new RegExp(`^│.{${columns - 2}}│$`))
      }
      expect(lines.join('\n')).toContain('→ fix the problems above; nothing was written')
    }
    ui.resize(80, 24)
    const frame = await ui.waitFor((f) => f.split('\n').length === 24)
    expect(frame).toContain('• Endpoint rules: pattern "rest/x0" must start with /')
    expect(frame).toMatch(/… and 2\d more/)
  })
})
