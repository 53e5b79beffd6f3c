import { afterEach, beforeEach, expect, test } from 'bun:test'
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

test('scratch help', async () => {
  ui = renderConsole(store.db)
  await ui.waitFor((f) => f.includes('prod'))
  ui.type('?')
  console.log(await ui.waitFor((f) => f.includes('Everywhere')))
  ui.press('ESC')
  await ui.waitFor((f) => !f.includes('Everywhere'))
  ui.type('2')
  await ui.waitFor((f) => f.includes('no API keys'))
  ui.type('?')
  console.log(await ui.waitFor((f) => f.includes('Everywhere')))
  ui.type('?')
  await ui.waitFor((f) => !f.includes('Everywhere'))
  ui.type('n')
  await ui.waitFor((f) => f.includes('Create'))
  ui.press('ESC')
  await ui.waitFor((f) => f.includes('cancelled'))
  ui.type('?')
  console.log(await ui.waitFor((f) => f.includes('Everywhere')))
})
