/**
 * Plays Jira Align's traffic pattern against one japroxy route, the way its Jira connector
 * syncs: health check, catalogues, paged searches, then the writes of one work item (#7).
 * Every call is kept with its status and body, so tests can judge the whole conversation.
 */
import { basic } from './stack.ts'

/** One call of the sync and what came back. */
export interface SyncCall {
  step: string
  method: string
  path: string
  status: number
  /** The status the step expects (Jira's own answer, passed through). */
  expected: number
  body: string
}

/** What a sync found out, for assertions beyond the statuses. */
export interface SyncResult {
  calls: SyncCall[]
  postSearchKeys: string[]
  getSearchKeys: string[]
  total: number
  createdKey: string
}

type Json = Record<string, unknown>

/** Jira Align's connector for one route: base URL of the route and its API key. */
export class AlignConnector {
  readonly calls: SyncCall[] = []

  constructor(
    private readonly routeUrl: string,
    private readonly apiKey: string,
  ) {}

  /** Sends one call with Jira Align's headers and records it. */
  async call(step: string, method: string, path: string, init: RequestInit = {}, expected = 200) {
    const headers = new Headers(init.headers)
    headers.set('authorization', basic(this.apiKey, 'jira-align-connector'))
    headers.set('accept', 'application/json')
    headers.set('accept-encoding', 'gzip')
    headers.set('user-agent', 'JiraAlign-Connector/test')
    const response = await fetch(this.routeUrl + path, { ...init, method, headers })
    const body = await response.text()
    this.calls.push({ step, method, path, status: response.status, expected, body })
    return { response, body, json: () => JSON.parse(body) as Json }
  }

  /** A call with a JSON body. */
  send(step: string, method: string, path: string, value: unknown, expected = 200) {
    const init = { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } }
    return this.call(step, method, path, init, expected)
  }

  /** The whole sync over project `projectKey`, with search pages of the given sizes. */
  async sync(projectKey: string, postPage = 1000, getPage = 500): Promise<SyncResult> {
    await this.call('health check', 'GET', '/rest/api/2/serverInfo?doHealthCheck=true')
    await this.call('current user', 'GET', '/rest/api/2/myself')
    await this.readCatalogues(projectKey)
    const jql = `project = ${projectKey} ORDER BY Rank`
    const post = await this.searchAll(jql, postPage, 'POST')
    const get = await this.searchAll(jql, getPage, 'GET')
    const createdKey = await this.writeWorkItem(projectKey)
    return {
      calls: this.calls,
      postSearchKeys: post.keys,
      getSearchKeys: get.keys,
      total: post.total,
      createdKey,
    }
  }

  private async readCatalogues(projectKey: string): Promise<void> {
    await this.call('projects', 'GET', '/rest/api/2/project')
    await this.call('project', 'GET', `/rest/api/2/project/${projectKey}`)
    await this.call('versions', 'GET', `/rest/api/2/project/${projectKey}/versions`)
    for (const name of ['field', 'priority', 'status', 'issuetype', 'issueLinkType']) {
      await this.call(`catalogue ${name}`, 'GET', `/rest/api/2/${name}`)
    }
    const boards = await this.call(
      'boards',
      'GET',
      `/rest/agile/1.0/board?projectKeyOrId=${projectKey}`,
    )
    for (const board of boards.json().values as { id: number; type: string }[]) {
      if (board.type !== 'scrum') continue
      await this.pageAgile('sprints', `/rest/agile/1.0/board/${board.id}/sprint`)
    }
    await this.call('rapid views', 'GET', '/rest/greenhopper/1.0/rapidviews/list')
  }

  private async pageAgile(step: string, path: string): Promise<void> {
    for (let startAt = 0, page = 0; page < 100; page++) {
      const { values, isLast } = (
        await this.call(step, 'GET', `${path}?startAt=${startAt}&maxResults=2`)
      ).json()
      startAt += (values as unknown[]).length
      if (isLast) return
    }
    throw new Error(`${step}: isLast never came`)
  }

  private async searchAll(jql: string, maxResults: number, method: 'GET' | 'POST') {
    const keys: string[] = []
    let total = Number.POSITIVE_INFINITY
    for (let page = 0; keys.length < total && page < 100; page++) {
      const startAt = keys.length
      const fields = ['summary', 'status', 'issuetype', 'updated']
      const result =
        method === 'POST'
          ? await this.send('search POST', 'POST', '/rest/api/2/search', {
              jql,
              startAt,
              maxResults,
              fields,
            })
          : await this.call(
              'search GET',
              'GET',
              `/rest/api/2/search?jql=${encodeURIComponent(jql)}&startAt=${startAt}&maxResults=${maxResults}&fields=${fields.join(',')}`,
            )
      const body = result.json() as { total: number; issues: { key: string }[] }
      total = body.total
      if (body.issues.length === 0) break
      keys.push(...body.issues.map((issue) => issue.key))
    }
    return { keys, total }
  }

  private async writeWorkItem(projectKey: string): Promise<string> {
    const fields = {
      project: { key: projectKey },
      issuetype: { name: 'Story' },
      summary: 'Feature from Jira Align',
    }
    const created = await this.send('create', 'POST', '/rest/api/2/issue', { fields }, 201)
    const key = created.json().key as string
    const read = await this.call('read for ETag', 'GET', `/rest/api/2/issue/${key}`)
    const etag = read.response.headers.get('etag') ?? ''
    const edit = {
      fields: { summary: 'Feature from Jira Align (renamed)', description: 'Synced.' },
    }
    await this.call(
      'update with If-Match',
      'PUT',
      `/rest/api/2/issue/${key}`,
      jsonInit(edit, { 'if-match': etag }),
      204,
    )
    await this.call(
      'stale If-Match',
      'PUT',
      `/rest/api/2/issue/${key}`,
      jsonInit(edit, { 'if-match': etag }),
      412,
    )
    await this.call('transitions', 'GET', `/rest/api/2/issue/${key}/transitions`)
    await this.send(
      'transition',
      'POST',
      `/rest/api/2/issue/${key}/transitions`,
      { transition: { id: '21' } },
      204,
    )
    await this.send('sprint move', 'POST', '/rest/agile/1.0/sprint/2/issue', { issues: [key] }, 204)
    await this.call('sprint issues', 'GET', '/rest/agile/1.0/sprint/2/issue')
    const rank = { issues: [key], rankBeforeIssue: `${projectKey}-1` }
    await this.send('rank', 'PUT', '/rest/agile/1.0/issue/rank', rank, 204)
    const link = {
      type: { name: 'Relates' },
      inwardIssue: { key },
      outwardIssue: { key: `${projectKey}-2` },
    }
    await this.send('issue link', 'POST', '/rest/api/2/issueLink', link, 201)
    await this.call('read links', 'GET', `/rest/api/2/issue/${key}`)
    await this.attach(key)
    return key
  }

  // Jira refuses multipart posts without X-Atlassian-Token (XSRF); one client library posts
  // attachments to the `latest` alias, so this does too.
  private async attach(key: string): Promise<void> {
    const form = new FormData()
    form.append('file', new Blob([attachmentBytes()], { type: 'application/pdf' }), 'roadmap.pdf')
    const init = { body: form, headers: { 'x-atlassian-token': 'no-check' } }
    await this.call('attachment', 'POST', `/rest/api/latest/issue/${key}/attachments`, init)
  }
}

/** The attachment the sync uploads: 1 MiB of a fixed pattern. */
export function attachmentBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) % 256)
}

function jsonInit(value: unknown, headers: Record<string, string>): RequestInit {
  return {
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json', ...headers },
  }
}
