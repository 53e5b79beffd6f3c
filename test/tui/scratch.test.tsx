import { afterEach, beforeEach, test } from 'bun:test'
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
test('scratch', async () => {
  ui = renderConsole(store.db, 'keys')
  await ui.waitFor((f) => f.includes('last used'))
  store.db.run('DROP TABLE api_key_routes')
  store.db.run("UPDATE meta SET value = value + 1 WHERE name = 'config_version'")
  ui.type('n')
  await ui.waitFor((f) => f.includes('Create an API key'))
  ui.type('x\r\r\r')
  console.log(await ui.waitFor((f) => f.includes('no such table')))
  ui.press('ESC')
  await ui.waitFor((f) => f.includes('cancelled'))
  ui.type('1')
  console.log(await ui.waitFor((f) => f.includes('upstream (')))
})
