/**
 * The leak audit (#4): run the scenarios that touch secrets through a real `serve` process,
 * then scan its stdout and stderr, every admin command's output, the store's raw bytes, the
 * request records and everything Jira received for any key or credential, in clear or base64.
 */

import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { type CliResult, cli } from '../support/cli.ts'
import { getHead, rawRequest } from '../support/raw-http.ts'
import { basic, servicePassword, serviceUser, unusedPort, within } from '../support/stack.ts'

const root = join(import.meta.dir, '..', '..')
const wrongPassword = 'Wr0ng-Pa55word-also-secret'
const token = 'PAT-token-NjQ0MzIxOTg3NjU0OjEyMzQ1'
let dir: string
let db: string
let jira: JiraStandIn
let serve: ReturnType<typeof Bun.spawn>
let port: number
const outputs: string[] = []
const keys: string[] = []

function run(args: string[], stdin?: string): CliResult {
  const result = cli([...args, '--db', db], { stdin })
  outputs.push(result.stderr)
  // `key create` prints its key once, on purpose; every other output is scanned whole.
  if (args[0] !== 'key' || args[1] !== 'create') outputs.push(result.stdout)
  return result
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-leak-'))
  db = join(dir, 'japroxy.db')
  jira = await startJiraStandIn({
    users: [{ username: serviceUser, password: servicePassword }],
    tokens: [{ token, username: serviceUser }],
  })
  run(['init'])
  run(['route', 'add', 'prod', '--base-path', '/jira-prod', '--upstream', jira.url])
  run(['route', 'add', 'pat', '--base-path', '/jira-pat', '--upstream', jira.url])
  run(['credential', 'set', 'prod', '--user', serviceUser], servicePassword)
  run(['credential', 'set', 'pat', '--token'], token)
  run(['allow', 'add', '127.0.0.1'])
  run(['setting', 'set', 'lockout.threshold', '5'])
  for (const name of ['align', 'revoked', 'limited']) {
    keys.push(
      run(['key', 'create', name, '--route', 'prod', '--route', 'pat', '--quiet']).stdout.trim(),
    )
  }
  run(['key', 'revoke', 'revoked'])
  run(['key', 'limit', 'limited', '1/min', '--burst', '1'])
  port = unusedPort()
  serve = Bun.spawn(
    [
      process.execPath,
      join(root, 'src/main.ts'),
      'serve',
      '--db',
      db,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    {
      stdout: 'pipe',
      stderr: 'pipe',
    },
  )
  await within(
    5000,
    async () =>
      (
        await fetch(`http://127.0.0.1:${port}/jira-prod/rest/api/2/serverInfo`).catch(
          () => undefined,
        )
      )?.status === 200,
  )
})

afterAll(async () => {
  serve.kill('SIGTERM')
  await jira.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function scenarios(): Promise<void> {
  const [good, revoked, limited] = keys as [string, string, string]
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers }).then((r) => r.arrayBuffer())
  await get('/jira-prod/rest/api/2/myself', { authorization: basic(good) })
  await get('/jira-pat/rest/api/2/myself', { authorization: basic(good) })
  await get('/jira-prod/rest/api/2/serverInfo', { authorization: basic(good, 'jira-align') })
  await get('/jira-prod/rest/api/2/myself', { authorization: basic(revoked) })
  await get('/jira-prod/rest/api/2/myself', { authorization: basic(limited) })
  await get('/jira-prod/rest/api/2/myself', { authorization: basic(limited) })
  await get('/jira-prod/rest/api/2/myself', { authorization: `Bearer ${good}` })
  await get(`/jira-prod/rest/api/2/myself?apiKey=${good}`, { authorization: basic(good) })
  await get('/jira-prod/rest/api/2/group', {
    authorization: basic(good),
    cookie: `s=${good}`,
    'proxy-authorization': basic(good),
  })
  for (const target of [
    '/jira-prod/rest/api/2/..;/admin',
    '/jira-prod/rest/api/2/%2F',
    `/jira-prod/${good}`,
  ]) {
    await rawRequest(
      port,
      getHead(target, `Authorization: ${basic(good)}`, `Authorization: ${basic(revoked)}`),
    )
  }
  for (let i = 0; i < 6; i++)
    await get('/jira-prod/rest/api/2/myself', { authorization: basic(`${good}x`) })
  // A wrong service password trips the breaker; the right one mends it.
  run(['credential', 'set', 'prod', '--user', serviceUser], wrongPassword)
  await Bun.sleep(600)
  await get('/jira-prod/rest/api/2/myself', { authorization: basic(good, 'other-client') })
  run(['credential', 'set', 'prod', '--user', serviceUser], servicePassword)
  run(['log', '-n', '100'])
  run(['key', 'list'])
  run(['credential', 'list'])
  run(['route', 'list', '--json'])
}

test('no key or credential appears anywhere it could leak', async () => {
  await scenarios()
  await Bun.sleep(500)
  serve.kill('SIGTERM')
  await serve.exited
  outputs.push(
    await new Response(serve.stdout as ReadableStream).text(),
    await new Response(serve.stderr as ReadableStream).text(),
  )
  const store = new Database(db, { readonly: true })
  const records = JSON.stringify(store.query('SELECT * FROM request_records').all())
  const audit = JSON.stringify(store.query('SELECT * FROM audit').all())
  expect(store.query('SELECT count(*) AS n FROM request_records').get()).toMatchObject({
    n: expect.any(Number),
  })
  store.close()
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('japroxy.db'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
  // The configured service credentials are meant to reach Jira (the wrong one once, before the
  // breaker trips); nothing else secret is.
  const serviceHeaders = [
    basic(servicePassword, serviceUser),
    basic(wrongPassword, serviceUser),
    `Bearer ${token}`,
  ]
  const wrongSent = jira.received.filter((r) =>
    r.headers.some(
      ([name, value]) => name === 'authorization' && value === basic(wrongPassword, serviceUser),
    ),
  )
  expect(wrongSent).toHaveLength(1)
  let received = JSON.stringify(jira.received)
  for (const header of serviceHeaders) received = received.replaceAll(header, '')
  const haystacks: Record<string, string> = {
    output: outputs.join('\n'),
    records,
    audit,
    store: files.join(''),
    jira: received,
  }
  const secrets = [...keys, servicePassword, wrongPassword, token]
  const needles = secrets.flatMap((s) => [
    s,
    Buffer.from(s).toString('base64').replace(/=+$/, ''),
    Buffer.from(s).toString('base64url'),
    ...['jira-align', 'other-client', serviceUser, 'u'].map((user) =>
      Buffer.from(`${user}:${s}`).toString('base64').replace(/=+$/, ''),
    ),
  ])
  const hits: string[] = []
  for (const [where, text] of Object.entries(haystacks)) {
    for (const needle of needles)
      if (text.includes(needle)) hits.push(`${where}: ${needle.slice(0, 8)}…`)
  }
  expect(hits).toEqual([])
  expect(outputs.join('').length).toBeGreaterThan(1000)
  expect(jira.received.length).toBeGreaterThan(3)
}, 30_000)
