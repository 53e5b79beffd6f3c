/**
 * Real Jira clients through a listening japroxy (issue #7): jira.js 5.4 (Version2Client and
 * AgileClient, which speak to Jira Data Center) and Debian's python3-jira, each with the API
 * key as the Basic password and a username of its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AgileClient, Version2Client } from 'jira.js'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { basic, type Stack, servicePassword, serviceUser, startStack } from '../support/stack.ts'

let stack: Stack
let routeUrl: string

beforeAll(async () => {
  stack = await startStack()
  // The public URL is where the clients reach japroxy, so links they follow come back here.
  updateRoute(stack.db, 'test', { ...getRoute(stack.db, 'prod'), publicUrl: stack.proxy.url })
  stack.proxy.reload(true)
  routeUrl = `${stack.proxy.url}/jira-prod`
})
afterAll(async () => {
  await stack.stop()
})
beforeEach(() => {
  stack.jira.clearReceived()
  stack.jira.resetFailedLogins()
})

/** Jira saw only the service credential (none on serverInfo) and counted no failed login. */
function expectOnlyServiceCredential(clientUser: string): void {
  expect(stack.jira.received.length).toBeGreaterThan(0)
  for (const request of stack.jira.received) {
    const auth = request.headers.filter(([name]) => name === 'authorization').map(([, v]) => v)
    const isServerInfo = request.url.startsWith('/rest/api/2/serverInfo')
    const want = isServerInfo ? [] : [basic(servicePassword, serviceUser)]
    expect({ url: request.url, auth }).toEqual({ url: request.url, auth: want })
  }
  expect(stack.jira.failedLogins(clientUser)).toBe(0)
  expect(stack.jira.failedLogins(serviceUser)).toBe(0)
}

describe('jira.js 5.4', () => {
  const config = () => ({
    host: routeUrl,
    authentication: { basic: { email: 'align@example.com', apiToken: stack.apiKey } },
  })

  test('Version2Client: server info, current user, JQL search, create and update', async () => {
    const client = new Version2Client(config())
    const info = await client.serverInfo.getServerInfo()
    expect(info.deploymentType).toBe('Server')
    expect(info.baseUrl).toBe(routeUrl)
    const me = await client.myself.getCurrentUser()
    expect(me.name).toBe(serviceUser)
    const found = await client.issueSearch.searchForIssuesUsingJql({
      jql: 'project = DEMO',
      maxResults: 5,
    })
    expect(found.issues?.map((issue) => issue.key)).toEqual([
      'DEMO-1',
      'DEMO-2',
      'DEMO-3',
      'DEMO-4',
      'DEMO-5',
    ])
    expect(found.issues?.[0]?.self).toStartWith(`${routeUrl}/rest/api/2/issue/`)
    const posted = await client.issueSearch.searchForIssuesUsingJqlPost({
      jql: 'project = DEMO',
      startAt: 100,
    })
    expect(posted.total).toBe(120)
    expect(posted.issues).toHaveLength(20)

    const created = await client.issues.createIssue({
      fields: { project: { key: 'DEMO' }, issuetype: { name: 'Story' }, summary: 'From jira.js' },
    })
    expect(created.key).toBe('DEMO-121')
    expect(created.self).toStartWith(routeUrl)
    await client.issues.editIssue({
      issueIdOrKey: created.key,
      fields: { summary: 'Edited by jira.js' },
    })
    const read = await client.issues.getIssue({ issueIdOrKey: created.key })
    expect(read.fields.summary).toBe('Edited by jira.js')
    expectOnlyServiceCredential('align@example.com')
  })

  test("AgileClient: a board's sprints, page by page", async () => {
    const agile = new AgileClient(config())
    const boards = await agile.board.getAllBoards({ type: 'scrum' })
    expect(boards.values?.map((board) => board.name)).toEqual(['DEMO board', 'OPS board'])
    const first = await agile.board.getAllSprints({ boardId: 1, maxResults: 2 })
    expect(first.isLast).toBe(false)
    const rest = await agile.board.getAllSprints({ boardId: 1, startAt: 2, maxResults: 2 })
    expect(rest.isLast).toBe(true)
    const names = [...first.values, ...rest.values].map((sprint) => sprint.name)
    expect(names).toEqual(['DEMO Sprint 1', 'DEMO Sprint 2', 'DEMO Sprint 3'])
    expectOnlyServiceCredential('align@example.com')
  })

  test('a wrong key gets 401 from japroxy and Jira never sees the request', async () => {
    const client = new Version2Client({
      host: routeUrl,
      authentication: { basic: { email: 'align@example.com', apiToken: 'jpx_wrong_key' } },
    })
    const failure = await client.myself.getCurrentUser().catch((error: unknown) => error)
    expect((failure as { status?: number }).status).toBe(401)
    expect(stack.jira.received).toHaveLength(0)
  })
})

// Debian's python3-jira, in the system Python where apt puts it. .ci/run installs it, so under
// CI the test always runs (and fails if the install did); elsewhere it is skipped when missing.
const systemPython = '/usr/bin/python3'
const hasPythonJira =
  existsSync(systemPython) && Bun.spawnSync([systemPython, '-c', 'import jira']).exitCode === 0

describe.skipIf(!hasPythonJira && !process.env.CI)("Debian's python3-jira", () => {
  test('connects (serverInfo), searches, creates, updates through self, transitions, attaches', async () => {
    const script = join(import.meta.dir, '..', 'support', 'python-jira-client.py')
    const child = Bun.spawn([systemPython, script], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        JAPROXY_URL: routeUrl,
        JAPROXY_KEY: stack.apiKey,
        // Loopback only: no proxy from the environment may take these requests elsewhere.
        NO_PROXY: '*',
      },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const timer = setTimeout(() => child.kill(), 30_000)
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ])
    clearTimeout(timer)
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' })
    const seen = JSON.parse(out)
    expect(seen).toMatchObject({
      serverVersion: [9, 12, 0],
      me: serviceUser,
      found: ['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', 'DEMO-5'],
      summary: 'Renamed by python-jira',
      status: 'Done',
      attachmentSize: 4096,
      boards: ['DEMO board', 'DEMO kanban', 'OPS board'],
      sprints: ['DEMO Sprint 1', 'DEMO Sprint 2', 'DEMO Sprint 3'],
    })
    expect(seen.selfLink).toStartWith(`${routeUrl}/rest/api/2/issue/`)
    // The update went to the issue's self link; it reached Jira through japroxy.
    const puts = stack.jira.received.filter((request) => request.method === 'PUT')
    expect(puts.map((request) => request.url)).toEqual([
      new URL(seen.selfLink).pathname.slice('/jira-prod'.length),
    ])
    expectOnlyServiceCredential('jira-align')
  }, 40_000)
})
