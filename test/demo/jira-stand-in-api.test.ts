import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { downloadPatternPeriod } from '../../src/demo/routes-test-helpers.ts'
import { serviceAuth } from './stand-in-helpers.ts'

let jira: JiraStandIn
beforeAll(async () => {
  jira = await startJiraStandIn()
})
afterAll(() => jira.stop())

// Bun's fetch honours `decompress` (documented), but bun-types 1.4.5 does not declare it.
type FetchInit = RequestInit & { decompress?: boolean }

function call(path: string, init: FetchInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (!headers.has('authorization')) headers.set('authorization', serviceAuth)
  return fetch(jira.url + path, { ...init, headers })
}

function sendJson(method: string, path: string, body: unknown, headers: HeadersInit = {}) {
  const all = { 'content-type': 'application/json', ...headers }
  return call(path, { method, headers: all, body: JSON.stringify(body) })
}

describe('search', () => {
  test('pages through the 120 DEMO issues with startAt and maxResults', async () => {
    const res = await call('/rest/api/2/search?jql=project%20%3D%20DEMO&startAt=100&maxResults=50')
    const page = await res.json()
    expect(page).toMatchObject({ startAt: 100, maxResults: 50, total: 120 })
    expect(page.issues).toHaveLength(20)
    expect(page.issues[0].key).toBe('DEMO-101')
    expect(page.issues[0].self).toBe(`${jira.url}/rest/api/2/issue/${page.issues[0].id}`)
    expect(Object.keys(page.issues[0].fields)).toEqual(
      expect.arrayContaining(['summary', 'status', 'issuetype', 'project', 'updated']),
    )
  })

  test('defaults maxResults to 50 and caps it at 1000', async () => {
    expect((await (await call('/rest/api/2/search')).json()).issues).toHaveLength(50)
    const capped = await (await call('/rest/api/2/search?maxResults=5000')).json()
    expect(capped.maxResults).toBe(1000)
  })

  test('filters by key through POST search', async () => {
    const res = await sendJson('POST', '/rest/api/2/search', {
      jql: 'key = DEMO-7',
      fields: ['summary'],
    })
    const page = await res.json()
    expect(page.total).toBe(1)
    expect(page.issues[0].fields.summary).toBe('Demo issue 7')
  })
})

describe('issues', () => {
  test('creates an issue and reads it back with an ETag', async () => {
    const fields = { project: { key: 'OPS' }, summary: 'New one', issuetype: { name: 'Bug' } }
    const created = await sendJson('POST', '/rest/api/2/issue', { fields })
    expect(created.status).toBe(201)
    const { key, self } = await created.json()
    expect(key).toBe('OPS-1')
    const res = await call(new URL(self).pathname)
    expect(res.headers.get('etag')).toMatch(/^"\d+-1"$/)
    expect((await res.json()).fields.issuetype.name).toBe('Bug')
  })

  test('refuses an edit whose If-Match is stale with 412', async () => {
    const etag = (await call('/rest/api/2/issue/DEMO-2')).headers.get('etag')!
    const edit = { fields: { summary: 'Edited' } }
    const first = await sendJson('PUT', '/rest/api/2/issue/DEMO-2', edit, { 'if-match': etag })
    expect(first.status).toBe(204)
    const stale = await sendJson('PUT', '/rest/api/2/issue/DEMO-2', edit, { 'if-match': etag })
    expect(stale.status).toBe(412)
    expect((await stale.json()).errorMessages).toHaveLength(1)
  })

  test('transitions and deletes an issue, then answers 404 for it', async () => {
    const transitions = await (await call('/rest/api/2/issue/DEMO-3/transitions')).json()
    const done = transitions.transitions.find((t: { name: string }) => t.name === 'Done')
    const moved = await sendJson('POST', '/rest/api/2/issue/DEMO-3/transitions', {
      transition: { id: done.id },
    })
    expect(moved.status).toBe(204)
    expect((await (await call('/rest/api/2/issue/DEMO-3')).json()).fields.status.name).toBe('Done')
    expect((await call('/rest/api/2/issue/DEMO-3', { method: 'DELETE' })).status).toBe(204)
    const gone = await call('/rest/api/2/issue/DEMO-3')
    expect(gone.status).toBe(404)
    expect((await gone.json()).errorMessages).toEqual(['Issue Does Not Exist'])
  })

  test('links two issues with 201', async () => {
    const link = {
      type: { name: 'Blocks' },
      inwardIssue: { key: 'DEMO-4' },
      outwardIssue: { key: 'DEMO-5' },
    }
    expect((await sendJson('POST', '/rest/api/2/issueLink', link)).status).toBe(201)
  })
})

describe('attachments', () => {
  const form = () => {
    const data = new FormData()
    data.append('file', new Blob([new Uint8Array(300_000).fill(7)]), 'report.bin')
    return data
  }

  test('refuses an upload without X-Atlassian-Token: no-check with 403', async () => {
    const res = await call('/rest/api/2/issue/DEMO-1/attachments', { method: 'POST', body: form() })
    expect(res.status).toBe(403)
    expect(await res.text()).toBe('XSRF check failed')
  })

  test('reports the size of the file part of a multipart upload', async () => {
    const headers = { 'x-atlassian-token': 'no-check' }
    const res = await call('/rest/api/2/issue/DEMO-1/attachments', {
      method: 'POST',
      headers,
      body: form(),
    })
    expect(res.status).toBe(200)
    const [attachment] = await res.json()
    expect(attachment).toMatchObject({ filename: 'report.bin', size: 300_000 })
    expect(attachment.content).toStartWith(`${jira.url}/secure/attachment/`)
    expect(attachment.bodySha256).toBe(jira.received.at(-1)?.bodySha256)
  })
})

describe('agile', () => {
  test('pages boards with isLast', async () => {
    const page = await (await call('/rest/agile/1.0/board?startAt=1&maxResults=1')).json()
    expect(page).toMatchObject({ startAt: 1, maxResults: 1, total: 3, isLast: false })
    expect(page.values[0].name).toBe('DEMO kanban')
  })

  test('lists sprints of a scrum board and refuses a kanban board', async () => {
    const sprints = await (await call('/rest/agile/1.0/board/1/sprint?state=active')).json()
    expect(sprints.values.map((s: { name: string }) => s.name)).toEqual(['DEMO Sprint 2'])
    expect((await call('/rest/agile/1.0/board/2/sprint')).status).toBe(400)
  })

  test('moves issues into a sprint and ranks them with 204', async () => {
    const moved = await sendJson('POST', '/rest/agile/1.0/sprint/2/issue', { issues: ['DEMO-10'] })
    expect(moved.status).toBe(204)
    const rank = { issues: ['DEMO-10'], rankBeforeIssue: 'DEMO-11' }
    expect((await sendJson('PUT', '/rest/agile/1.0/issue/rank', rank)).status).toBe(204)
    const views = await (await call('/rest/greenhopper/1.0/rapidviews/list')).json()
    expect(views.views).toHaveLength(3)
  })
})

describe('test helper endpoints', () => {
  test('always gzips demo/gzip with the compressed Content-Length', async () => {
    const res = await call('/rest/api/2/demo/gzip', { decompress: false })
    const raw = new Uint8Array(await res.arrayBuffer())
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(Number(res.headers.get('content-length'))).toBe(raw.length)
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b])
    expect(JSON.parse(gunzipSync(raw).toString()).isCompressed).toBe(true)
  })

  test('gzips a large JSON body only when Accept-Encoding allows it', async () => {
    const zipped = await call('/rest/api/2/search', {
      decompress: false,
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    await zipped.arrayBuffer()
    const plain = await call('/rest/api/2/search', {
      decompress: false,
      headers: { 'accept-encoding': 'identity' },
    })
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect((await plain.json()).total).toBe(120)
    const small = await call('/rest/api/2/myself', {
      decompress: false,
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(small.headers.get('content-encoding')).toBeNull()
    await small.arrayBuffer()
  })

  test('redirects to its own absolute myself URL', async () => {
    const res = await call('/rest/api/2/demo/redirect', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${jira.url}/rest/api/2/myself`)
  })

  test('waits before answering demo/slow', async () => {
    const started = performance.now()
    const res = await call('/rest/api/2/demo/slow?ms=150')
    expect(await res.json()).toEqual({ waitedMs: 150 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  test('streams a deterministic download of the asked length', async () => {
    const bytes = 1_000_003
    const res = await call(`/rest/api/2/demo/download?bytes=${bytes}`)
    expect(res.headers.get('content-length')).toBe(String(bytes))
    const body = new Uint8Array(await res.arrayBuffer())
    const expected = new Uint8Array(bytes).map((_, index) => index % downloadPatternPeriod)
    const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
    expect(sha(body)).toBe(sha(expected))
  })
})

describe('routing', () => {
  test('answers an unknown path with 404 and a wrong method with 405', async () => {
    const missing = await call('/rest/api/2/nothing-here')
    expect(missing.status).toBe(404)
    expect((await missing.json()).errorMessages).toHaveLength(1)
    const wrong = await call('/rest/api/2/myself', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    await wrong.arrayBuffer()
  })
})
