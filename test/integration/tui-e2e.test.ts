/**
 * The TUI end to end (#3): the compiled binary in a real terminal (tmux) beside a live `serve`
 * and the Jira stand-in. Create a key in the TUI, use it, watch the request arrive in Live
 * requests, revoke the key in the TUI, and see the next request refused.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { cli } from '../support/cli.ts'
import { basic, servicePassword, serviceUser, unusedPort, within } from '../support/stack.ts'

const binary = join(import.meta.dir, '..', '..', 'dist', 'japroxy')
const session = `japroxy-e2e-${process.pid}`
let dir: string
let db: string
let jira: JiraStandIn
let serve: ReturnType<typeof Bun.spawn>
let port: number

function tmux(...args: string[]): string {
  const result = Bun.spawnSync(['tmux', ...args])
  if (result.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr.toString()}`)
  return result.stdout.toString()
}

const screen = () => tmux('capture-pane', '-p', '-t', session)
const keys = (...k: string[]) => tmux('send-keys', '-t', session, ...k)

/** Waits until the screen matches, and returns it; fails with the last screen. */
async function waitFor(pattern: RegExp, ms = 10_000): Promise<string> {
  let last = ''
  try {
    await within(ms, () => {
      last = screen()
      return pattern.test(last)
    })
  } catch {
    throw new Error(`screen never matched ${pattern}; it showed:\n${last}`)
  }
  return last
}

beforeAll(async () => {
  if (!existsSync(binary)) throw new Error('dist/japroxy is missing: run `npm run build` first')
  if (Bun.spawnSync(['which', 'tmux']).exitCode !== 0)
    throw new Error('tmux is missing (.ci/run installs it)')
  dir = mkdtempSync(join(tmpdir(), 'japroxy-tui-e2e-'))
  db = join(dir, 'japroxy.db')
  jira = await startJiraStandIn({ users: [{ username: serviceUser, password: servicePassword }] })
  const run = (args: string[], stdin?: string) => cli([...args, '--db', db], { stdin, binary })
  expect(run(['init']).code).toBe(0)
  expect(
    run(['route', 'add', 'prod', '--base-path', '/jira-prod', '--upstream', jira.url]).code,
  ).toBe(0)
  expect(run(['credential', 'set', 'prod', '--user', serviceUser], servicePassword).code).toBe(0)
  expect(run(['allow', 'add', '127.0.0.1']).code).toBe(0)
  port = unusedPort()
  serve = Bun.spawn([binary, 'serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
    stdout: 'ignore',
    stderr: 'ignore',
  })
  await within(
    10_000,
    async () =>
      (
        await fetch(`http://127.0.0.1:${port}/jira-prod/rest/api/2/serverInfo`).catch(
          () => undefined,
        )
      )?.status === 200,
  )
  // CI=true as on a CI runner: Ink alone would then draw nothing until exit (a stop failed so).
  const command = `env CI=true ${binary} tui --db ${db}`
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command)
}, 30_000)

afterAll(async () => {
  Bun.spawnSync(['tmux', 'kill-session', '-t', session])
  serve?.kill('SIGTERM')
  await serve?.exited
  await jira?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const myself = (key: string) =>
  fetch(`http://127.0.0.1:${port}/jira-prod/rest/api/2/myself`, {
    headers: { authorization: basic(key) },
  })

test('create a key in the TUI, use it, see it live, revoke it, and see it refused', async () => {
  await waitFor(/1 Overview/)
  keys('2')
  await waitFor(/press n to create one/)
  keys('n')
  await waitFor(/Create an API key/)
  keys('align-tui', 'Enter')
  await waitFor(/Routes:/)
  keys('C-u')
  keys('prod', 'Enter')
  await waitFor(/Expires:/)
  keys('Enter')
  const shown = await waitFor(/shown only this once/)
  const apiKey = /(jpx_[a-z0-9]{10}_[A-Za-z0-9_-]{43})/.exec(shown)?.[1]
  expect(apiKey).toBeDefined()
  keys('Enter')
  await within(3000, () => !screen().includes('shown only this once'))
  expect(await waitFor(/align-tui\s+prod/)).not.toContain(apiKey!)

  // A change made in the TUI reaches the running serve within a second.
  let body = ''
  await within(1500, async () => {
    const response = await myself(apiKey!)
    body = await response.text()
    return response.status === 200
  })
  expect(JSON.parse(body).name).toBe(serviceUser)

  keys('6')
  const live = await waitFor(/api\/2\/myself\s+200/)
  expect(live).toContain(apiKey!.split('_')[1]!)

  keys('2')
  await waitFor(/align-tui\s+prod.*active/)
  keys('r')
  await waitFor(/Revoke key "align-tui"/)
  keys('align-tui', 'Enter')
  await waitFor(/align-tui\s+prod.*revoked/)

  await within(2000, async () => {
    const response = await myself(apiKey!)
    await response.arrayBuffer()
    return response.status === 401
  })
}, 40_000)
