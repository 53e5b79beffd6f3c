/** The console's frame: tabs, keys that switch screens, help, resizes, no crash (issue #3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { render } from 'ink-testing-library'
import { ErrorBoundary } from '../../tui/components/ErrorBoundary.tsx'
import { screens } from '../../tui/screen-list.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
  compact,
  makeStore,
  plain,
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

/** A line that only the given screen shows. */
const marks: Record<string, string> = {
  overview: 'upstream (traffic',
  keys: 'last used',
  allow: 'address / CIDR',
  routes: 'Endpoint profile',
  credentials: 'set at (UTC)',
  live: 'keyId / reason',
  audit: 'store.init',
}

function Thrower(): never {
  throw new Error('boom')
}

describe('App', () => {
  test('opens on the Overview with every tab and the help hint, within 80×24', async () => {
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('prod'))
    expect(frame.split('\n')).toHaveLength(24)
    expect(Math.max(...frame.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80)
    expect(frame.split('\n')[0]).toBe(
      ' 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit',
    )
    expect(frame.split('\n')[23]).toMatch(/\? help · q quit$/)
  })

  test('keeps the tabs on one line from 60 columns, the open screen with its title', async () => {
    ui = renderConsole(store.db)
    await ui.waitFor((f) => f.includes(marks.overview!))
    for (const columns of [60, 64, 68, 72, 76]) {
      ui.resize(columns, 16)
      for (const screen of screens) {
        ui.type(screen.key)
        // Times out, showing the frame, when the tabs are wider than the terminal.
        const frame = await ui.waitFor((f) => {
          const tabs = f.split('\n')[0]!
          return `${tabs} `.includes(` ${screen.key} ${screen.title} `) && tabs.length <= columns
        })
        const [tabs, next] = frame.split('\n')
        expect(tabs).toMatch(/^ 1 .* 7 /)
        // A second tab line would start with the title of a wrapped tab.
        expect(screens.some((s) => next!.trim().startsWith(s.title))).toBe(false)
      }
    }
    ui.type('5')
    ui.resize(60, 16)
    expect((await ui.waitFor((f) => f.includes('set at'))).split('\n')[0]).toBe(
      ' 1  2 Keys  3  4 Routes  5 Credentials  6 Live  7 Audit',
    )
  })

  test('opens every screen with its number key', async () => {
    ui = renderConsole(store.db)
    await ui.waitFor((f) => f.includes(marks.overview!))
    for (const screen of [...screens].reverse()) {
      ui.type(screen.key)
      await ui.waitFor((f) => f.includes(marks[screen.id]!))
    }
  })

  test('moves to the next screen with Tab and back with Shift+Tab, wrapping around', async () => {
    ui = renderConsole(store.db)
    await ui.waitFor((f) => f.includes(marks.overview!))
    ui.press('TAB')
    await ui.waitFor((f) => f.includes(marks.keys!))
    ui.press('SHIFT_TAB')
    await ui.waitFor((f) => f.includes(marks.overview!))
    ui.press('SHIFT_TAB')
    await ui.waitFor((f) => f.includes(marks.audit!))
  })

  test('lists every key of the open screen under ?, and closes it with Esc', async () => {
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes(marks.live!))
    ui.type('?')
    const help = await ui.waitFor((f) => f.includes('Everywhere'))
    expect(compact(help)).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      Everywhere
        1-7                open a screen
        Tab / Shift+Tab    next / previous screen
        ?                  show or hide this help
        q                  quit (Ctrl+C too)

      Live screen
        ↑ ↓                select a request (pauses)
        Enter              details of the selected request
        Esc                close the details
        p or Space         pause / resume
        /                  filter: status:5xx route:NAME key:KEYID ip:CIDR words
        c                  clear the filter

      In an input box
        Enter              next field / submit
        Esc                cancel; nothing is written
        ← → Home End       move the cursor (Ctrl+A, Ctrl+E too)
        Backspace, Delete  delete before / under the cursor; Ctrl+U clears

      Esc or ? closes this help.

                                                                       ? help · q quit"
    `)
    ui.press('ESC')
    await ui.waitFor((f) => f.includes(marks.live!))
  })

  test('keeps typed digits and q inside a box instead of switching screens or quitting', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes(marks.keys!))
    ui.type('n')
    await ui.waitFor((f) => f.includes('Create an API key'))
    ui.type('q1')
    ui.press('TAB')
    ui.type('?')
    expect(await ui.waitFor((f) => f.includes('Name: q1?'))).toContain('Create an API key')
  })

  test('follows a terminal resize and gives wide terminals separate keyId and reason columns', async () => {
    writeRecordsElsewhere(store.dbPath, [requestRecord({ reason: 'endpoint_denied', status: 403 })])
    ui = renderConsole(store.db, 'live')
    await ui.waitFor((f) => f.includes('keyId / reason'))
    ui.resize(120, 30)
    const wide = await ui.waitFor((f) => f.includes(' reason') && !f.includes('keyId / reason'))
    expect(wide.split('\n')).toHaveLength(30)
    expect(wide).toMatch(/abcdefghij endpoint_denied/)
    ui.resize(80, 24)
    await ui.waitFor((f) => f.includes('keyId / reason') && f.split('\n').length === 24)
  })

  test('a terminal too small says so, and the screen comes back with its state when it grows', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes('no API keys yet'))
    ui.type('n')
    await ui.waitFor((f) => f.includes('Create an API key'))
    ui.type('small')
    await ui.waitFor((f) => f.includes('Name: small'))
    ui.resize(50, 14)
    const small = await ui.waitFor((f) => f.includes('needs at least'))
    expect(small.replace(/\s+/g, ' ')).toContain(
      'japroxy tui needs at least 60×16; this terminal is 50×14',
    )
    expect(small).not.toContain('Create an API key')
    ui.resize(80, 24)
    expect(await ui.waitFor((f) => f.includes('Name: small'))).toContain('Create an API key')
  })

  test('shows a store error where the data would be, with what to do, and keeps working', async () => {
    ui = renderConsole(store.db, 'keys')
    await ui.waitFor((f) => f.includes(marks.keys!))
    changeElsewhere(store.dbPath, (db) => db.run('DROP TABLE api_key_routes'))
    const frame = await ui.waitFor((f) => f.includes('no such table'))
    expect(frame).toContain('store error in')
    ui.type('3')
    await ui.waitFor((f) => f.includes(marks.allow!))
    ui.type('a')
    expect(await ui.waitFor((f) => f.includes('Add an allow-list entry'))).toContain(
      'Address or CIDR',
    )
  })

  test('shows a screen that throws while rendering in its place, with the error', async () => {
    const shown = render(
      <ErrorBoundary resetKey={0}>
        <Thrower />
      </ErrorBoundary>,
    )
    expect(plain(shown.lastFrame() ?? '')).toContain('unexpected error: boom')
    expect(plain(shown.lastFrame() ?? '')).toContain('→ this is a bug in japroxy; please report it')
    shown.unmount()
  })
})
