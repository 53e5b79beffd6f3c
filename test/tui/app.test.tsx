/** The console's frame: tabs, switching screens, help, quitting, resizes (issue #3). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { addTestRoute, type Console, makeStore, renderConsole, type TestStore } from './harness.tsx'

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

describe('App', () => {
  test('opens on the Overview with every tab and the help hint at 80 columns', async () => {
    ui = renderConsole(store.db)
    const frame = await ui.waitFor((f) => f.includes('prod'))
    console.log(frame)
  })
})
