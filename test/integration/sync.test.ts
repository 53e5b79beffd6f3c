/**
 * A recorded Jira Align sync through a listening japroxy (issue #7): two routes, test and prod,
 * each to its own Jira stand-in with its own service account, and a key per route.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { setCredential } from '../../store/credentials.ts'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { AlignConnector, attachmentBytes, type SyncResult } from '../support/align-sync.ts'
import { basic, type Stack, servicePassword, serviceUser, startStack } from '../support/stack.ts'

const prodIssues = 3000
const testIssues = 600
const testUser = 'jira-svc-test'
const testPassword = 'T3st-service-Pa55word-never-logged'

let stack: Stack
let testJira: JiraStandIn
let prodKey: string
let testKey: string
// Every step Jira Align's connector takes, in order (see test/support/align-sync.ts).
const syncSteps = [
  'health check',
  'current user',
  'projects',
  'project',
  'versions',
  ...['field', 'priority', 'status', 'issuetype', 'issueLinkType'].map((n) => `catalogue ${n}`),
  'boards',
  'sprints',
  'rapid views',
  'search POST',
  'search GET',
  'create',
  'read for ETag',
  'update with If-Match',
  'stale If-Match',
  'transitions',
  'transition',
  'sprint move',
  'sprint issues',
  'rank',
  'issue link',
  'read links',
  'attachment',
]
const results: Record<'prod' | 'test', SyncResult | undefined> = {
  prod: undefined,
  test: undefined,
}

beforeAll(async () => {
  stack = await startStack({ issueCount: prodIssues })
  testJira = await startJiraStandIn({
    users: [{ username: testUser, password: testPassword }],
    issueCount: testIssues,
  })
  stack.secrets.push(testPassword)
  stack.addRoute({
    name: 'test',
    basePath: '/jira-test',
    upstreamUrl: testJira.url,
    publicUrl: stack.proxy.url,
  })
  setCredential(stack.db, 'test', 'test', {
    kind: 'basic',
    username: testUser,
    password: testPassword,
  })
  updateRoute(stack.db, 'test', { ...getRoute(stack.db, 'prod'), publicUrl: stack.proxy.url })
  prodKey = stack.apiKey
  testKey = stack.createKey('align-test', ['test'])
  stack.proxy.reload(true)
})
afterAll(async () => {
  await stack.stop()
  await testJira.stop()
})

function credential(route: 'prod' | 'test'): string {
  return route === 'prod' ? basic(servicePassword, serviceUser) : basic(testPassword, testUser)
}

function jiraOf(route: 'prod' | 'test'): JiraStandIn {
  return route === 'prod' ? stack.jira : testJira
}

describe.each(['prod', 'test'] as const)('a sync on route %s', (route) => {
  const issueCount = route === 'prod' ? prodIssues : testIssues

  beforeAll(async () => {
    jiraOf(route).clearReceived()
    const connector = new AlignConnector(
      `${stack.proxy.url}/jira-${route}`,
      route === 'prod' ? prodKey : testKey,
    )
    results[route] = await connector.sync('DEMO')
  }, 60_000)

  test('every call gets the answer Jira gave', () => {
    const calls = results[route]!.calls
    const unexpected = calls.filter((call) => call.status !== call.expected)
    expect(
      unexpected.map(({ step, method, path, status }) => ({ step, method, path, status })),
    ).toEqual([])
    expect(new Set(calls.map((call) => call.step))).toEqual(new Set(syncSteps))
  })

  test('POST and GET search page through every issue exactly once', () => {
    const { postSearchKeys, getSearchKeys, total } = results[route]!
    expect(total).toBe(issueCount)
    expect(new Set(postSearchKeys).size).toBe(issueCount)
    expect(getSearchKeys).toEqual(postSearchKeys)
  })

  test('every call reached Jira once, with the service credential only (none for serverInfo)', () => {
    const received = jiraOf(route).received
    expect(received).toHaveLength(results[route]!.calls.length)
    for (const request of received) {
      const auth = request.headers
        .filter(([name]) => name === 'authorization')
        .map(([, value]) => value)
      const isHealthCheck = request.url.startsWith('/rest/api/2/serverInfo')
      expect({ url: request.url, auth }).toEqual({
        url: request.url,
        auth: isHealthCheck ? [] : [credential(route)],
      })
      expect(request.headers.some(([name]) => name === 'cookie')).toBe(false)
    }
    expect(jiraOf(route).failedLogins('jira-align-connector')).toBe(0)
    expect(jiraOf(route).failedLogins(route === 'prod' ? serviceUser : testUser)).toBe(0)
  })

  test('the writes landed: If-Match, transition, sprint, rank, link and attachment', () => {
    const { calls, createdKey } = results[route]!
    const body = (step: string) => JSON.parse(calls.findLast((call) => call.step === step)!.body)
    const sprintKeys = (body('sprint issues').issues as { key: string }[]).map((issue) => issue.key)
    expect(sprintKeys).toContain(createdKey)
    const issue = body('read links')
    expect(issue.fields.summary).toBe('Feature from Jira Align (renamed)')
    expect(issue.fields.status.name).toBe('In Progress')
    expect(issue.fields.issuelinks[0].outwardIssue.key).toBe('DEMO-2')
    const [attachment] = body('attachment')
    expect(attachment.size).toBe(attachmentBytes().length)
    const received = jiraOf(route).received.find((request) => request.url.endsWith('/attachments'))!
    expect(received.url).toBe(`/rest/api/latest/issue/${createdKey}/attachments`)
    expect(received.headers).toContainEqual(['x-atlassian-token', 'no-check'])
  })

  test("the stale If-Match got Jira's 412 and Jira saw the ETag the client sent", () => {
    const puts = jiraOf(route).received.filter(
      (request) => request.method === 'PUT' && request.url.startsWith('/rest/api/2/issue/'),
    )
    const tags = puts.map((request) => request.headers.find(([name]) => name === 'if-match')?.[1])
    expect(tags).toHaveLength(2)
    expect(tags[0]).toBe(tags[1])
    expect(tags[0]).toMatch(/^"\d+-\d+"$/)
  })

  test('no answer carries the private Jira address: links point at japroxy', () => {
    const calls = results[route]!.calls
    for (const call of calls) expect(call.body).not.toContain(jiraOf(route).url)
    const serverInfo = JSON.parse(calls[0]!.body)
    expect(serverInfo.baseUrl).toBe(`${stack.proxy.url}/jira-${route}`)
  })
})

describe('keys and routes', () => {
  test('the test key is refused on prod, and prod Jira never hears of it', async () => {
    stack.jira.clearReceived()
    const connector = new AlignConnector(`${stack.proxy.url}/jira-prod`, testKey)
    const { response } = await connector.call('wrong route', 'GET', '/rest/api/2/myself')
    expect(response.status).toBe(403)
    const search = await connector.send('wrong route', 'POST', '/rest/api/2/search', {
      jql: 'project = DEMO',
    })
    expect(search.response.status).toBe(403)
    expect(stack.jira.received).toHaveLength(0)
  })

  test('the prod key is refused on test', async () => {
    testJira.clearReceived()
    const connector = new AlignConnector(`${stack.proxy.url}/jira-test`, prodKey)
    expect((await connector.call('wrong route', 'GET', '/rest/api/2/myself')).response.status).toBe(
      403,
    )
    expect(testJira.received).toHaveLength(0)
  })

  test('a rank change moves the new issue to the top of the ranked search', async () => {
    const connector = new AlignConnector(`${stack.proxy.url}/jira-prod`, prodKey)
    const page = await connector.send('ranked', 'POST', '/rest/api/2/search', {
      jql: 'project = DEMO ORDER BY Rank',
      maxResults: 2,
    })
    const keys = (page.json().issues as { key: string }[]).map((issue) => issue.key)
    expect(keys).toEqual([results.prod!.createdKey, 'DEMO-1'])
  })
})
