/** The service-credential breaker (#4): a wrong credential cannot lock the Jira account. */
import { afterEach, expect, test } from 'bun:test'
import { listBreakers } from '../../store/breakers.ts'
import { setCredential } from '../../store/credentials.ts'
import { cli } from '../support/cli.ts'
import { basic, type Stack, servicePassword, serviceUser, startStack } from '../support/stack.ts'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.stop()
  stack = undefined
})

async function call(s: Stack): Promise<Response> {
  const response = await s.get('/jira-prod/rest/api/2/myself', {
    headers: { authorization: basic(s.apiKey) },
  })
  await response.arrayBuffer()
  return response
}

test('a rejected password is tried once, then the route answers 503 until the credential is replaced', async () => {
  stack = await startStack()
  const s = stack
  setCredential(s.db, 'test', 'prod', {
    kind: 'basic',
    username: serviceUser,
    password: 'wrong-password',
  })
  s.proxy.reload(true)
  const first = await call(s)
  expect(first.status).toBe(503)
  for (let i = 0; i < 5; i++) expect((await call(s)).status).toBe(503)
  expect(s.jira.failedLogins(serviceUser)).toBe(1)
  expect(listBreakers(s.db)).toMatchObject([{ route: 'prod', reason: '401 AUTHENTICATED_FAILED' }])
  const loud = s.logLines
    .map((l) => JSON.parse(l))
    .find((l) => l.level === 'error' && /REJECTED/.test(l.msg))
  expect(loud).toMatchObject({ route: 'prod', reason: '401 AUTHENTICATED_FAILED' })
  expect(JSON.stringify(loud)).not.toContain('wrong-password')
  expect((await s.get('/jira-prod/rest/api/2/serverInfo')).status).toBe(200)

  setCredential(s.db, 'test', 'prod', {
    kind: 'basic',
    username: serviceUser,
    password: servicePassword,
  })
  s.proxy.reload(true)
  expect(listBreakers(s.db)).toEqual([])
  expect((await call(s)).status).toBe(200)
})

test('a CAPTCHA demand trips the breaker too, and `route resume` clears it', async () => {
  stack = await startStack()
  const s = stack
  for (let i = 0; i < 3; i++) {
    await fetch(`${s.jira.url}/rest/api/2/myself`, {
      headers: { authorization: basic('nope', serviceUser) },
    })
  }
  const response = await call(s)
  expect(response.status).toBe(503)
  expect(listBreakers(s.db)[0]!.reason).toBe('403 CAPTCHA_CHALLENGE')
  expect(cli(['credential', 'list', '--db', s.dbPath]).stdout).toMatch(
    /prod\s+basic\s+REJECTED by Jira \(403 CAPTCHA_CHALLENGE\): not sent/,
  )
  s.jira.resetFailedLogins(serviceUser)
  const resumed = cli(['route', 'resume', 'prod', '--db', s.dbPath])
  expect(resumed.stdout).toBe('route prod resumed: the credential is sent again\n')
  // Resuming a route that is not paused changes nothing and records nothing.
  const audits = s.db.query('SELECT count(*) AS n FROM audit').get() as { n: number }
  expect(cli(['route', 'resume', 'prod', '--db', s.dbPath]).stdout).toBe(
    'route prod was not paused\n',
  )
  expect(s.db.query('SELECT count(*) AS n FROM audit').get()).toEqual(audits)
  s.proxy.reload(true)
  expect((await call(s)).status).toBe(200)
})

test('a rejected token (Bearer) trips the breaker', async () => {
  stack = await startStack()
  const s = stack
  setCredential(s.db, 'test', 'prod', { kind: 'bearer', token: 'not-a-known-token' })
  s.proxy.reload(true)
  expect((await call(s)).status).toBe(503)
  expect(listBreakers(s.db)).toHaveLength(1)
})
