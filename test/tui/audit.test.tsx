/** Audit screen: every admin change, newest first, with who made it; filter and detail (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { addAllowEntry } from '../../store/allow-list.ts'
import { createApiKey, revokeApiKey } from '../../store/keys.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
  makeStore,
  renderConsole,
  type TestStore,
} from './harness.tsx'

let store: TestStore
let ui: Console

beforeEach(async () => {
  store = await makeStore()
  addTestRoute(store.db, 'prod', '/jira-prod')
  createApiKey(store.db, 'alice (cli)', { name: 'align', routes: ['prod'] })
  addAllowEntry(store.db, 'bob (tui)', { cidr: '10.0.0.0/8', note: 'office' })
})
afterEach(() => {
  ui?.unmount()
  store.close()
})

function rowsOf(frame: string): string[] {
  return frame.split('\n').filter((line) => /^\d{4}-\d\d-\d\d \d\d:\d\d /.test(line))
}

describe('Audit screen', () => {
  test('lists the changes newest first with who made them, and the selected detail', async () => {
    ui = renderConsole(store.db, 'audit')
    const frame = await ui.waitFor((f) => f.includes('allow.add'))
    expect(rowsOf(frame).map((row) => row.slice(17).replace(/\s+/g, ' ').trim())).toEqual([
      'bob (tui) allow.add global',
      'alice (cli) key.create align',
      'test route.add prod',
      expect.stringMatching(/^test store\.init /),
    ])
    expect(frame).toContain('allow.add global: cidr=10.0.0.0/8 note=office')
    ui.press('DOWN')
    expect(await ui.waitFor((f) => f.includes('key.create align:'))).toMatch(
      /key\.create align: keyId=\w+ routes=\["prod"\] expiresAt=null/,
    )
  })

  test('shows times in the detail as UTC dates, not milliseconds', async () => {
    const expiresAt = Date.UTC(2030, 0, 31, 12, 0)
    createApiKey(store.db, 'alice (cli)', { name: 'dated', routes: ['prod'], expiresAt })
    ui = renderConsole(store.db, 'audit')
    const frame = await ui.waitFor((f) => f.includes('key.create dated:'))
    expect(frame.replace(/\s+/g, ' ')).toContain('expiresAt=2030-01-31 12:00 UTC')
    expect(frame).not.toContain(String(expiresAt))
  })

  test('filters by text as it is typed', async () => {
    ui = renderConsole(store.db, 'audit')
    await ui.waitFor((f) => f.includes('allow.add'))
    ui.type('/')
    await ui.waitFor((f) => f.includes('Filter the audit trail'))
    ui.type('alice')
    const frame = await ui.waitFor((f) => rowsOf(f).length === 1)
    expect(rowsOf(frame)[0]).toContain('key.create')
    ui.press('ENTER')
    expect(await ui.waitFor((f) => f.includes('filter: alice'))).toContain('/ filter: alice')
    // Esc while changing it puts the filter back as it was, as on Live.
    ui.type('/')
    await ui.waitFor((f) => f.includes('Filter the audit trail'))
    ui.press('CTRL_U')
    ui.type('zzz')
    await ui.waitFor((f) => rowsOf(f).length === 0)
    ui.press('ESC')
    const restored = await ui.waitFor((f) => !f.includes('Filter the audit trail'))
    expect(restored).toContain('/ filter: alice')
    expect(rowsOf(restored)).toHaveLength(1)
  })

  test('shows a change made by another process within a second', async () => {
    ui = renderConsole(store.db, 'audit')
    await ui.waitFor((f) => f.includes('allow.add'))
    changeElsewhere(store.dbPath, (db) => revokeApiKey(db, 'carol (cli)', 'align'))
    const frame = await ui.waitFor((f) => f.includes('key.revoke'), 1000)
    expect(rowsOf(frame)[0]).toMatch(/carol \(cli\)\s+key\.revoke\s+align/)
  })
})
