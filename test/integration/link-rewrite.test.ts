/** Link rewriting through a listening japroxy in front of the Jira stand-in (issue #7). */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { gunzipSync } from 'node:zlib'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { cli } from '../support/cli.ts'
import { basic, type Stack, servicePassword, serviceUser, startStack } from '../support/stack.ts'

let stack: Stack
const publicUrl = 'https://japroxy.example.com'
const publicPrefix = `${publicUrl}/jira-prod`

beforeAll(async () => {
  stack = await startStack({ issueCount: 300 })
  setRoute({ publicUrl })
})
afterAll(async () => {
  await stack.stop()
})

function setRoute(change: Partial<ReturnType<typeof getRoute>>): void {
  updateRoute(stack.db, 'test', { ...getRoute(stack.db, 'prod'), ...change })
  stack.proxy.reload(true)
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return stack.get(`/jira-prod${path}`, {
    headers: { authorization: basic(stack.apiKey), ...headers },
  })
}

interface SearchPage {
  total: number
  issues: { self: string; fields: { status: { self: string }; project: { self: string } } }[]
}

describe('with a public URL', () => {
  test('the self link of the current user points at japroxy, not at Jira', async () => {
    const response = await get('/rest/api/2/myself')
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(JSON.parse(text).self).toBe(`${publicPrefix}/rest/api/2/user?username=jira-svc`)
    expect(text).not.toContain(stack.jira.url)
  })

  test('a gzip search page comes back gzip, without Content-Length, every link rewritten', async () => {
    const direct = await fetch(
      `${stack.jira.url}/rest/api/2/search?jql=project=DEMO&maxResults=300`,
      {
        headers: {
          authorization: basic(servicePassword, serviceUser),
          'accept-encoding': 'gzip',
        },
        decompress: false,
      } as RequestInit,
    )
    expect(direct.headers.get('content-encoding')).toBe('gzip')
    await direct.arrayBuffer()

    const response = await stack.get(
      '/jira-prod/rest/api/2/search?jql=project=DEMO&maxResults=300',
      {
        headers: { authorization: basic(stack.apiKey), 'accept-encoding': 'gzip' },
        decompress: false,
      } as RequestInit,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(response.headers.get('content-length')).toBeNull()
    const text = gunzipSync(new Uint8Array(await response.arrayBuffer())).toString()
    expect(text).not.toContain(stack.jira.url)
    const page = JSON.parse(text) as SearchPage
    expect(page.issues).toHaveLength(300)
    for (const issue of page.issues) {
      expect(issue.self).toStartWith(`${publicPrefix}/rest/api/2/issue/`)
      expect(issue.fields.status.self).toStartWith(`${publicPrefix}/rest/api/2/status/`)
    }
  })

  test("the health check's baseUrl is the route's public URL", async () => {
    const response = await stack.get('/jira-prod/rest/api/2/serverInfo?doHealthCheck=true')
    const info = (await response.json()) as { baseUrl: string }
    expect(info.baseUrl).toBe(publicPrefix)
  })

  test('a link returned by Jira can be followed through japroxy', async () => {
    const page = (await (
      await get('/rest/api/2/search?jql=project=DEMO&maxResults=1')
    ).json()) as SearchPage
    const link = page.issues[0]!.self.replace(publicUrl, stack.proxy.url)
    const response = await stack.get(link.slice(stack.proxy.url.length), {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { self: string }).self).toBe(page.issues[0]!.self)
  })

  test('a body that is not JSON passes byte for byte with its Content-Length', async () => {
    const response = await get('/rest/api/2/demo/download?bytes=5000')
    expect(response.headers.get('content-length')).toBe('5000')
    expect((await response.arrayBuffer()).byteLength).toBe(5000)
  })
})

describe('turned off, or with no public URL', () => {
  test('`route set --no-rewrite-links` leaves Jira links as Jira wrote them', async () => {
    const off = cli(['route', 'set', 'prod', '--no-rewrite-links', '--db', stack.dbPath])
    expect(off.stderr).toBe('')
    expect(off.code).toBe(0)
    stack.proxy.reload(true)
    const response = await get('/rest/api/2/myself')
    expect(response.headers.get('content-length')).not.toBeNull()
    expect(((await response.json()) as { self: string }).self).toStartWith(stack.jira.url)
    const list = JSON.parse(cli(['route', 'list', '--json', '--db', stack.dbPath]).stdout)
    expect(list[0]).toMatchObject({ name: 'prod', publicUrl, rewriteLinks: false })
    expect(cli(['route', 'list', '--db', stack.dbPath]).stdout).toMatch(/\boff\n/)

    expect(cli(['route', 'set', 'prod', '--rewrite-links', '--db', stack.dbPath]).code).toBe(0)
    stack.proxy.reload(true)
    const again = await get('/rest/api/2/myself')
    expect(((await again.json()) as { self: string }).self).toStartWith(publicPrefix)
    expect(cli(['route', 'list', '--db', stack.dbPath]).stdout).toMatch(/\brewritten\n/)
  })

  test('a route with no public URL forwards links unchanged', async () => {
    setRoute({ publicUrl: undefined })
    const response = await get('/rest/api/2/myself')
    expect(((await response.json()) as { self: string }).self).toStartWith(stack.jira.url)
    expect(cli(['route', 'list', '--db', stack.dbPath]).stdout).toMatch(/\bno public URL\n/)
    setRoute({ publicUrl })
  })
})
