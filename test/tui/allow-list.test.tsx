/** Allow-list screen: entries, add with checks as you type, remove, "would this get in?" (#3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { addAllowEntry, listAllowEntries } from '../../store/allow-list.ts'
import {
  addTestRoute,
  type Console,
  changeElsewhere,
  compact,
  makeStore,
  renderConsole,
  type TestStore,
  timeless,
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

async function openAdd(): Promise<void> {
  ui.type('a')
  await ui.waitFor((f) => f.includes('Add an allow-list entry'))
}

/** Opens the add form and submits `cidr` for the global list with no note. */
async function submitGlobal(cidr: string): Promise<void> {
  await openAdd()
  ui.type(`${cidr}\r`)
  await ui.waitFor((f) => f.includes('For: global'))
  ui.type('\r')
  await ui.waitFor((f) => f.includes('Note:'))
  ui.type('\r')
}

describe('Allow-list screen', () => {
  test('lists global entries first, then each route, with notes', async () => {
    addAllowEntry(store.db, 'test', { cidr: '203.0.113.0/24', route: 'prod', note: 'Jira Align' })
    addAllowEntry(store.db, 'test', { cidr: '10.0.0.0/8', note: 'office' })
    ui = renderConsole(store.db, 'allow')
    const frame = await ui.waitFor((f) => f.includes('office'))
    expect(compact(timeless(frame))).toMatchInlineSnapshot(`
      " 1 Overview  2 Keys  3 Allow-list  4 Routes  5 Credentials  6 Live  7 Audit
      for          address / CIDR               added      note
      global       10.0.0.0/8                   YYYY-MM-DD office
      prod         203.0.113.0/24               YYYY-MM-DD Jira Align
      ↑↓ select · a add · d remove · t would this address get in?

                                                                       ? help · q quit"
    `)
  })

  test('says an empty allow-list lets nobody in', async () => {
    ui = renderConsole(store.db, 'allow')
    expect(await ui.waitFor((f) => f.includes('empty'))).toContain(
      'the allow-list is empty: nobody gets in. Press a to add an entry.',
    )
  })

  test('checks the address as it is typed and shows how it will be stored', async () => {
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('empty'))
    await openAdd()
    ui.type('10.1.2.3/8')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain(
      'has host bits set; did you mean 10.0.0.0/8',
    )
    ui.press('ENTER')
    expect(ui.frame()).toContain('Address or CIDR: 10.1.2.3/8')
    ui.press('CTRL_U')
    ui.type('2001:DB8::/32')
    expect(await ui.waitFor((f) => f.includes('stored as'))).toContain('stored as 2001:db8::/32')
    ui.press('CTRL_U')
    ui.type('0.0.0.0/0')
    expect(await ui.waitFor((f) => f.includes('WARNING'))).toContain(
      'WARNING: this lets a large part of the Internet in',
    )
    ui.press('CTRL_U')
    ui.type('::/1')
    expect(await ui.waitFor((f) => f.includes('stored as ::/1'))).toContain('WARNING')
    ui.press('CTRL_U')
    ui.type('nonsense')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('not an IPv4 or IPv6 address')
  })

  test('a value longer than the box shows its end, where the typing is', async () => {
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('empty'))
    await openAdd()
    ui.type('203.0.113.7\r')
    await ui.waitFor((f) => f.includes('For: global'))
    ui.type('\r')
    await ui.waitFor((f) => f.includes('Note:'))
    ui.type(`${'n'.repeat(150)}XYZEND`)
    const frame = await ui.waitFor((f) => f.includes('XYZEND'))
    expect(frame).toMatch(/Note: …n+XYZEND/)
    // Home brings the start into sight; what is typed there goes in front of the rest.
    ui.press('HOME')
    ui.type('START ')
    expect(await ui.waitFor((f) => /Note: START n+…/.test(f))).not.toContain('XYZEND')
    ui.press('ENTER')
    await ui.waitFor((f) => f.includes('added 203.0.113.7/32'))
    expect(listAllowEntries(store.db)[0]?.note).toBe(`START ${'n'.repeat(150)}XYZEND`)
  })

  test('a typo in the middle is mended with the arrows, Backspace and Delete', async () => {
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('empty'))
    await openAdd()
    ui.type('203.0.1113.7')
    await ui.waitFor((f) => f.includes('✗'))
    ui.press('LEFT', 'LEFT', 'LEFT', 'BACKSPACE')
    await ui.waitFor((f) => f.includes('stored as 203.0.113.7/32'))
    ui.press('END')
    ui.type('0')
    await ui.waitFor((f) => f.includes('stored as 203.0.113.70/32'))
    ui.press('HOME', 'DELETE')
    ui.type('1')
    expect(await ui.waitFor((f) => f.includes('stored as 103.0.113.70/32'))).toContain(
      'Address or CIDR: 103.0.113.70',
    )
  })

  test('adds an entry for a route with a note', async () => {
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('empty'))
    await openAdd()
    ui.type('203.0.113.7\r')
    await ui.waitFor((f) => f.includes('For: global'))
    ui.press('CTRL_U')
    ui.type('nope')
    expect(await ui.waitFor((f) => f.includes('✗'))).toContain('"nope" is not global or a route')
    ui.press('CTRL_U')
    ui.type('prod\r')
    await ui.waitFor((f) => f.includes('Note:'))
    ui.type('Jira Align EU\r')
    const frame = await ui.waitFor((f) => f.includes('added 203.0.113.7/32'))
    expect(frame).toMatch(/prod\s+203\.0\.113\.7\/32\s+\S+\s+Jira Align EU/)
    expect(listAllowEntries(store.db)).toMatchObject([
      { cidr: '203.0.113.7/32', route: 'prod', note: 'Jira Align EU' },
    ])
  })

  test('shows a duplicate entry refused by the store with every problem', async () => {
    addAllowEntry(store.db, 'test', { cidr: '10.0.0.0/8' })
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('10.0.0.0/8'))
    await submitGlobal('10.0.0.0/8')
    const frame = await ui.waitFor((f) => f.includes('nothing was written'))
    expect(frame).toContain('the input has problems:')
    expect(frame).toContain('→ fix the problems above; nothing was written')
    expect(frame).toContain('10.0.0.0/8 is already on the global list')
    expect(listAllowEntries(store.db)).toHaveLength(1)
  })

  test('clears the last status ("cancelled") when a new form gets an error', async () => {
    addAllowEntry(store.db, 'test', { cidr: '10.0.0.0/8' })
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('10.0.0.0/8'))
    await openAdd()
    ui.press('ESC')
    await ui.waitFor((f) => f.includes('cancelled; nothing was written'))
    await submitGlobal('10.0.0.0/8')
    const frame = await ui.waitFor((f) => f.includes('already on the global list'))
    expect(frame).not.toContain('cancelled')
  })

  test('wraps a long status onto a second line instead of cutting it (120 columns)', async () => {
    ui = renderConsole(store.db, 'allow')
    ui.resize(120, 30)
    await ui.waitFor((f) => f.includes('empty') && f.split('\n').length === 30)
    await openAdd()
    ui.type('0.0.0.0/0\r')
    await ui.waitFor((f) => f.includes('For: global'))
    ui.type('\r\r')
    const frame = await ui.waitFor((f) => f.includes('added 0.0.0.0/0') && f.includes('? help'))
    const lines = frame.split('\n')
    expect(lines).toHaveLength(30)
    expect(lines.slice(-2).join(' ').replace(/\s+/g, ' ')).toBe(
      'added 0.0.0.0/0 to the global allow-list. WARNING: this lets a large part of the ' +
        'Internet in; the API key is the only check left ? help · q quit',
    )
  })

  test('removes the selected entry after typing yes', async () => {
    addAllowEntry(store.db, 'test', { cidr: '10.0.0.0/8', note: 'office' })
    addAllowEntry(store.db, 'test', { cidr: '192.0.2.0/24', note: 'vpn' })
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('vpn'))
    ui.press('DOWN')
    ui.type('d')
    await ui.waitFor((f) => f.includes('Remove 192.0.2.0/24 from the global list'))
    ui.type('no\r')
    expect(ui.frame()).toContain('Remove 192.0.2.0/24')
    ui.press('CTRL_U')
    ui.type('yes\r')
    await ui.waitFor((f) => f.includes('removed 192.0.2.0/24'))
    expect(listAllowEntries(store.db).map((e) => e.cidr)).toEqual(['10.0.0.0/8'])
  })

  test('answers "would this address get in?" with the entry that matched, as you type', async () => {
    addTestRoute(store.db, 'test', '/jira-test')
    addAllowEntry(store.db, 'test', { cidr: '203.0.113.0/24', route: 'prod', note: 'Jira Align' })
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('Jira Align'))
    ui.type('t')
    await ui.waitFor((f) => f.includes('Would this address get in?'))
    ui.type('203.0.113.9')
    const frame = await ui.waitFor((f) => f.includes('allowed by'))
    expect(frame).toContain('route prod: allowed by 203.0.113.0/24 (prod, "Jira Align")')
    expect(frame).toContain('route test: refused with 403 (the allow-list is empty)')
    ui.press('CTRL_U')
    ui.type('203.0.113.')
    expect(await ui.waitFor((f) => f.includes('is not an IPv4'))).toContain(
      '"203.0.113." is not an IPv4 or IPv6 address',
    )
    ui.press('ESC')
    await ui.waitFor((f) => !f.includes('Would this address get in?'))
  })

  test('shows an entry added by another process within a second', async () => {
    ui = renderConsole(store.db, 'allow')
    await ui.waitFor((f) => f.includes('empty'))
    changeElsewhere(store.dbPath, (db) => addAllowEntry(db, 'cli', { cidr: '::1', note: 'local' }))
    expect(await ui.waitFor((f) => f.includes('::1/128'), 1000)).toContain('local')
  })
})
