/** What the stand-in keeps for a Jira Align sync: links, sprint membership, rank (issue #7). */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { serviceAuth } from './stand-in-helpers.ts'

let jira: JiraStandIn
beforeAll(async () => {
  jira = await startJiraStandIn({ issueCount: 20 })
})
afterAll(() => jira.stop())

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: serviceAuth }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }
  return fetch(jira.url + path, init)
}

async function searchKeys(jql: string, maxResults = 50): Promise<string[]> {
  const page = await (await call('POST', '/rest/api/2/search', { jql, maxResults })).json()
  return page.issues.map((issue: { key: string }) => issue.key)
}

describe('issue links', () => {
  test('lists the link types in an issueLinkTypes object', async () => {
    const body = await (await call('GET', '/rest/api/2/issueLinkType')).json()
    expect(body.issueLinkTypes.map((type: { name: string }) => type.name)).toContain('Blocks')
    expect(body.issueLinkTypes[0]).toMatchObject({ inward: 'is blocked by', outward: 'blocks' })
  })

  test('a link shows on both issues, named by direction, and its Location is Jira-absolute', async () => {
    const link = {
      type: { name: 'Blocks' },
      inwardIssue: { key: 'DEMO-3' },
      outwardIssue: { key: 'DEMO-4' },
    }
    const created = await call('POST', '/rest/api/2/issueLink', link)
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toStartWith(`${jira.url}/rest/api/2/issueLink/`)
    const blocker = await (await call('GET', '/rest/api/2/issue/DEMO-3')).json()
    const blocked = await (await call('GET', '/rest/api/2/issue/DEMO-4')).json()
    expect(blocker.fields.issuelinks[0].outwardIssue.key).toBe('DEMO-4')
    expect(blocked.fields.issuelinks[0].inwardIssue.key).toBe('DEMO-3')
    expect(blocked.fields.issuelinks[0].type.name).toBe('Blocks')
  })

  test('an unknown link type is 404 with an errorMessages body', async () => {
    const link = {
      type: { name: 'Haunts' },
      inwardIssue: { key: 'DEMO-3' },
      outwardIssue: { key: 'DEMO-4' },
    }
    const response = await call('POST', '/rest/api/2/issueLink', link)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      errorMessages: ["No issue link type with name 'Haunts' found."],
      errors: {},
    })
  })
})

describe('sprints and rank', () => {
  test('issues moved into a sprint are listed by the sprint and found by `sprint = N`', async () => {
    const moved = await call('POST', '/rest/agile/1.0/sprint/3/issue', {
      issues: ['DEMO-7', 'DEMO-8'],
    })
    expect(moved.status).toBe(204)
    const list = await (await call('GET', '/rest/agile/1.0/sprint/3/issue')).json()
    expect(list).toMatchObject({ startAt: 0, total: 2 })
    expect(list.issues.map((issue: { key: string }) => issue.key)).toEqual(['DEMO-7', 'DEMO-8'])
    expect(await searchKeys('sprint = 3')).toEqual(['DEMO-7', 'DEMO-8'])
  })

  test('a sprint reads back by id; an unknown one is 404', async () => {
    const sprint = await (await call('GET', '/rest/agile/1.0/sprint/2')).json()
    expect(sprint).toMatchObject({ id: 2, state: 'active', originBoardId: 1 })
    expect(sprint.self).toBe(`${jira.url}/rest/agile/1.0/sprint/2`)
    expect((await call('GET', '/rest/agile/1.0/sprint/99')).status).toBe(404)
  })

  test('ranking before and after an issue reorders `ORDER BY Rank`', async () => {
    expect(await searchKeys('project = DEMO ORDER BY Rank', 3)).toEqual([
      'DEMO-1',
      'DEMO-2',
      'DEMO-3',
    ])
    const before = { issues: ['DEMO-9', 'DEMO-10'], rankBeforeIssue: 'DEMO-1' }
    expect((await call('PUT', '/rest/agile/1.0/issue/rank', before)).status).toBe(204)
    const after = { issues: ['DEMO-1'], rankAfterIssue: 'DEMO-2' }
    expect((await call('PUT', '/rest/agile/1.0/issue/rank', after)).status).toBe(204)
    expect(await searchKeys('project = DEMO ORDER BY Rank', 5)).toEqual([
      'DEMO-9',
      'DEMO-10',
      'DEMO-2',
      'DEMO-1',
      'DEMO-3',
    ])
    expect((await searchKeys('project = DEMO', 2)).slice(0, 2)).toEqual(['DEMO-1', 'DEMO-2'])
  })

  test('ranking against an issue that does not exist is 400', async () => {
    const rank = { issues: ['DEMO-1'], rankBeforeIssue: 'DEMO-999' }
    const response = await call('PUT', '/rest/agile/1.0/issue/rank', rank)
    expect(response.status).toBe(400)
    expect((await response.json()).errorMessages).toEqual(['Issues do not exist: DEMO-999'])
  })
})
