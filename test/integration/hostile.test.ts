/**
 * Hostile requests through a real japroxy (#4): path tricks, header tricks and credential
 * tricks, many inputs each; every answer here is a regression test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { compilePolicy } from '../../src/proxy/endpoint-policy.ts'
import { explainRequest } from '../../src/proxy/explain.ts'
import { forwardedRequestFields } from '../../src/proxy/hop-headers.ts'
import { pathProblem } from '../../src/proxy/path-check.ts'
import { addAllowEntry } from '../../store/allow-list.ts'
import { getRoute } from '../../store/routes.ts'
import { writeSetting } from '../../store/settings.ts'
import { addTrustedProxy, removeTrustedProxy } from '../../store/trusted-proxies.ts'
import { getHead, rawRequest } from '../support/raw-http.ts'
import { basic, type Stack, servicePassword, serviceUser, startStack } from '../support/stack.ts'

let stack: Stack
let auth = ''
const policy = compilePolicy({ profile: 'jira-align', rules: [] })

beforeAll(async () => {
  // Lockout has its own tests; here every trick must get its own answer, not a 429.
  stack = await startStack({
    beforeStart: (db) => writeSetting(db, 'test', 'lockout.threshold', '0'),
  })
  auth = `Authorization: ${basic(stack.apiKey)}`
})
afterAll(() => stack.stop())

/** Jira must only ever receive a canonical path the policy allows. */
function assertJiraSawOnlyJudgedPaths(): void {
  for (const request of stack.jira.received) {
    const path = request.url.split('?')[0]!
    expect(pathProblem(path)).toBeUndefined()
    expect(
      policy.decide(request.method, path).isAllowed ||
        request.url.startsWith('/rest/api/2/serverInfo'),
    ).toBe(true)
  }
}

describe('path tricks', () => {
  const targets = [
    '/jira-prod/rest/api/2/..;/..;/secure/admin/ViewApplicationProperties.jspa',
    '/jira-prod/rest/api/2/issue;jsessionid=abc/DEMO-1',
    '/jira-prod/rest/api/2/%2e%2e/%2e%2e/%2e%2e/plugins/servlet/upm',
    '/jira-prod/rest/api/2/%2E%2E/%2E%2E/secure/admin',
    '/jira-prod/rest/api/2/%252e%252e/secure',
    '/jira-prod/rest/api/2/..%2f..%2fsecure',
    '/jira-prod/rest/api/2/..%2F..%2Fsecure',
    '/jira-prod/rest/api/2/..%5c..%5csecure',
    '/jira-prod/rest/api/2//myself',
    '/jira-prod//rest/api/2/myself',
    '/jira-prod/rest/api/2/%00/myself',
    '/jira-prod/rest/api/2/myself%00.json',
    '/jira-prod/rest/api/2/%u002e%u002e/secure',
    '/jira-prod/rest/api/2/%C0%AE%C0%AE/secure',
    '/jira-prod/rest/api/2/%E0%80%AE/secure',
    '/jira-prod/rest/api/2/%75ser',
    '/jira-prod/rest/api/2/user%3Fx/../../../secure',
    '/jira-prod/rest/api/2/%23/../secure',
    '/jira-prod/rest/api/2/serverInfo/../../../../secure/admin',
    '/jira-prod/rest/api/2/serverInfo;/../../group',
    '/jira-prod/rest/api/2/serverInfoX',
    '/jira-prod/rest/api/2/search?jql=/rest/api/2/serverInfo',
    '/jira-prod/rest/api/2/group?x=/rest/api/2/serverInfo',
    '/jira-prod/rest/api/2/\\..\\..\\secure',
    '/jira-prod/rest/api/2/\u00e9',
    '/jira-prod/rest/api/2/%ZZ',
    '/jira-prod/rest/api/2/%',
    '/jira-prod/../jira-prod/rest/api/2/group',
    '/jira-prodx/rest/api/2/myself',
    '/JIRA-PROD/rest/api/2/myself',
    '/jira-prod/REST/api/2/myself',
    'http://evil.example/jira-prod/rest/api/2/group',
    '*',
  ]

  test.each(targets)('%s is refused or forwarded exactly as judged', async (target) => {
    stack.jira.clearReceived()
    const response = await rawRequest(stack.proxy.port, getHead(target, auth))
    expect(response.status).toBeGreaterThanOrEqual(200)
    assertJiraSawOnlyJudgedPaths()
    if (stack.jira.received.length === 0) expect(response.status).toBeGreaterThanOrEqual(400)
  })

  test('the bypass tricks above never reach an administration endpoint', async () => {
    stack.jira.clearReceived()
    for (const target of targets) await rawRequest(stack.proxy.port, getHead(target, auth))
    const reached = stack.jira.received.map((r) => r.url)
    const admin = /^\/(secure|plugins)\b|^\/rest\/api\/2\/(group|user)(\/|$)/
    expect(reached.filter((url) => admin.test(url.split('?')[0]!))).toEqual([])
  })

  test('a query mentioning the anonymous path does not make a call anonymous', async () => {
    const response = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself?x=/rest/api/2/serverInfo'),
    )
    expect(response.status).toBe(401)
  })

  test('credentials in the query string are refused with 400 and never forwarded', async () => {
    stack.jira.clearReceived()
    for (const query of [
      'os_username=admin&os_password=admin',
      'os_authType=basic',
      `apiKey=${stack.apiKey}`,
    ]) {
      const response = await rawRequest(
        stack.proxy.port,
        getHead(`/jira-prod/rest/api/2/myself?${query}`, auth),
      )
      expect(response.status).toBe(400)
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('property: any path the proxy forwards reaches Jira byte for byte as judged', async () => {
    const segment = fc.constantFrom(
      'rest',
      'api',
      '2',
      'issue',
      'DEMO-1',
      'myself',
      'search',
      '.',
      '..',
      '',
      '%2e',
      '%2E%2E',
      '%2F',
      ';x',
      '%3B',
      '%41',
      '%C3%BC',
      '%c3%bc',
      '%00',
      '%zz',
      'a%20b',
      'serverInfo',
      'group',
      '~',
      "a'b",
    )
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 7 }), async (segments) => {
        const rest = `/rest/api/2/${segments.join('/')}`
        stack.jira.clearReceived()
        const response = await rawRequest(stack.proxy.port, getHead(`/jira-prod${rest}`, auth))
        if (stack.jira.received.length === 1) {
          const reached = stack.jira.received[0]!.url
          expect(pathProblem(reached)).toBeUndefined()
          expect(policy.decide('GET', reached).isAllowed).toBe(true)
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400)
        }
      }),
      { numRuns: 150 },
    )
  }, 30_000)
})

describe('credential tricks', () => {
  const key = () => stack.apiKey
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
  const variants: [string, () => string[]][] = [
    [
      'two Authorization headers (good first)',
      () => [`Authorization: ${basic(key())}`, 'Authorization: Basic Zm9vOmJhcg=='],
    ],
    [
      'two Authorization headers (good second)',
      () => ['Authorization: Basic Zm9vOmJhcg==', `Authorization: ${basic(key())}`],
    ],
    ['Basic and Bearer joined by a comma', () => [`Authorization: ${basic(key())}, Bearer abc`]],
    ['extra space after the scheme', () => [`Authorization: Basic  ${b64(`u:${key()}`)}`]],
    ['tab after the scheme', () => [`Authorization: Basic\t${b64(`u:${key()}`)}`]],
    ['no space', () => [`Authorization: Basic${b64(`u:${key()}`)}`]],
    ['unpadded base64', () => [`Authorization: Basic ${b64(`u:${key()}x`).replace(/=+$/, '')}`]],
    [
      'base64url alphabet',
      () => [`Authorization: Basic ${Buffer.from(`u:${key()}?>`).toString('base64url')}`],
    ],
    [
      'non-UTF-8 bytes',
      () => [
        `Authorization: Basic ${Buffer.from([0x75, 0x3a, 0xff, 0xfe, 0x80]).toString('base64')}`,
      ],
    ],
    ['empty password', () => [`Authorization: Basic ${b64('user:')}`]],
    ['no colon', () => [`Authorization: Basic ${b64(key())}`]],
    ['key with a suffix', () => [`Authorization: ${basic(`${key()}x`)}`]],
    ['key with a prefix', () => [`Authorization: ${basic(`x${key()}`)}`]],
    ['key with a trailing newline-ish space', () => [`Authorization: ${basic(`${key()} `)}`]],
    ['key as the username', () => [`Authorization: Basic ${b64(`${key()}:x`)}`]],
    ['key in Proxy-Authorization only', () => [`Proxy-Authorization: ${basic(key())}`]],
    ['Bearer key', () => [`Authorization: Bearer ${key()}`]],
    ['scheme only', () => ['Authorization: Basic']],
    ['Digest', () => ['Authorization: Digest username="x"']],
  ]

  test.each(variants)(
    '%s: refused with the same 401 and never forwarded',
    async (_name, headers) => {
      stack.jira.clearReceived()
      const response = await rawRequest(
        stack.proxy.port,
        getHead('/jira-prod/rest/api/2/myself', ...headers()),
      )
      expect(response.status).toBe(401)
      expect(response.body).toStartWith('A valid API key is required')
      expect(stack.jira.received).toHaveLength(0)
    },
  )

  test.each(['basic', 'BASIC', 'bAsIc'])('scheme %s is accepted in any case', async (scheme) => {
    const response = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself', `Authorization: ${scheme} ${b64(`u:${key()}`)}`),
    )
    expect(response.status).toBe(200)
  })

  test('a Connection header naming Authorization or X-Forwarded-For cannot remove what japroxy injects', async () => {
    stack.jira.clearReceived()
    const response = await rawRequest(
      stack.proxy.port,
      getHead(
        '/jira-prod/rest/api/2/myself',
        auth,
        'Connection: Authorization, X-Forwarded-For, X-Forwarded-Proto',
      ),
    )
    expect(response.status).toBe(200)
    const headers = stack.jira.received[0]!.headers
    expect(headers.filter(([n]) => n === 'authorization').map(([, v]) => v)).toEqual([
      basic(servicePassword, serviceUser),
    ])
    expect(headers.filter(([n]) => n === 'x-forwarded-for').map(([, v]) => v)).toEqual([
      '127.0.0.1',
    ])
  })

  test('method override headers do not change the policy decision and are not forwarded', async () => {
    stack.jira.clearReceived()
    const head = [
      'POST /jira-prod/rest/api/2/search HTTP/1.1',
      'Host: 127.0.0.1',
      auth,
      'X-HTTP-Method-Override: DELETE',
      'X-HTTP-Method: DELETE',
      'X-Method-Override: DELETE',
      'Content-Type: application/json',
      'Content-Length: 2',
    ].join('\r\n')
    const response = await rawRequest(stack.proxy.port, head, '{}')
    expect(response.status).toBe(200)
    const received = stack.jira.received[0]!
    expect(received.method).toBe('POST')
    expect(received.headers.some(([n]) => n.includes('method'))).toBe(false)
    const denied = await rawRequest(
      stack.proxy.port,
      [
        'GET /jira-prod/rest/api/2/group HTTP/1.1',
        'Host: 127.0.0.1',
        auth,
        'X-HTTP-Method-Override: GET',
      ].join('\r\n'),
    )
    expect(denied.status).toBe(403)
  })
})

describe('client IP behind a trusted proxy', () => {
  test('X-Forwarded-For counts only from a trusted peer, and the same client IP is used everywhere', async () => {
    const before = stack.logLines.length
    const spoofed = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself', auth, 'X-Forwarded-For: 10.9.9.9'),
    )
    expect(spoofed.status).toBe(200)
    addTrustedProxy(stack.db, 'test', { cidr: '127.0.0.1', note: 'test load balancer' })
    addAllowEntry(stack.db, 'test', { cidr: '203.0.113.7', note: 'Jira Align egress' })
    stack.proxy.reload(true)
    const outside = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself', auth, 'X-Forwarded-For: 10.9.9.9'),
    )
    expect(outside.status).toBe(403)
    stack.jira.clearReceived()
    const inside = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself', auth, 'X-Forwarded-For: 127.0.0.9, 203.0.113.7'),
    )
    expect(inside.status).toBe(200)
    expect(stack.jira.received[0]!.headers.filter(([n]) => n === 'x-forwarded-for')).toEqual([
      ['x-forwarded-for', '203.0.113.7'],
    ])
    stack.proxy.recorder.flush()
    const lines = stack.logLines
      .slice(before)
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request')
    expect(lines.map((l) => [l.clientIp, l.remoteAddr, l.status])).toEqual([
      ['127.0.0.1', '127.0.0.1', 200],
      ['10.9.9.9', '127.0.0.1', 403],
      ['203.0.113.7', '127.0.0.1', 200],
    ])
    const record = stack.db
      .query('SELECT client_ip, remote_addr FROM request_records WHERE request_id = ?')
      .get(lines[2].requestId)
    expect(record).toEqual({ client_ip: '203.0.113.7', remote_addr: '127.0.0.1' })
    removeTrustedProxy(stack.db, 'test', '127.0.0.1')
    stack.proxy.reload(true)
  })
})

describe('regressions from the first review', () => {
  test('a trailing slash or a file-type suffix does not get past a deny rule', async () => {
    stack.jira.clearReceived()
    // Jersey serves /x/ as /x, and Atlassian REST routes /x.json and /x/.json as /x.
    for (const [method, path] of [
      ['PUT', '/rest/api/2/project/DEMO/'],
      ['POST', '/rest/api/2/project/'],
      ['DELETE', '/rest/api/latest/project/DEMO/'],
      ['POST', '/rest/api/2/field/'],
      ['PUT', '/rest/api/2/mypreferences/'],
      ['PUT', '/rest/api/2/group.json'],
      ['PUT', '/rest/api/2/user.xml'],
      ['PUT', '/rest/api/2/myself.JSON'],
      ['DELETE', '/rest/api/2/project/DEMO/.json'],
    ]) {
      const head = [
        `${method} /jira-prod${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        auth,
        'Content-Length: 0',
      ].join('\r\n')
      expect((await rawRequest(stack.proxy.port, head)).status).toBe(403)
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('Seraph login parameters are refused however they are encoded, even on the anonymous path', async () => {
    stack.jira.clearReceived()
    for (const query of [
      'os%5Fusername=jira-svc&os%5Fpassword=x',
      '%6Fs_username=jira-svc',
      'os_username%3Djira-svc',
      'a=1&OS_PASSWORD=x',
      'a=1;os_username=x',
      `jql=${encodeURIComponent(stack.apiKey)}`,
      'jql=JPX%5Fabcdefghij%5Fxyz',
    ]) {
      const response = await rawRequest(
        stack.proxy.port,
        getHead(`/jira-prod/rest/api/2/serverInfo?${query}`),
      )
      expect(response.status).toBe(400)
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('form-encoded bodies get 415 and never reach Jira, also behind a second Content-Type', async () => {
    stack.jira.clearReceived()
    const body = 'os_username=admin&os_password=guess'
    for (const types of [
      ['Content-Type: Application/X-WWW-Form-Urlencoded; charset=utf-8'],
      ['Content-Type: application/json', 'Content-Type: application/x-www-form-urlencoded'],
    ]) {
      const head = [
        'POST /jira-prod/rest/api/2/search HTTP/1.1',
        'Host: 127.0.0.1',
        auth,
        ...types,
        `Content-Length: ${body.length}`,
      ].join('\r\n')
      expect((await rawRequest(stack.proxy.port, head, body)).status).toBe(415)
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('a method override in the query gets 400 and never reaches Jira', async () => {
    stack.jira.clearReceived()
    for (const query of [
      '_method=DELETE',
      'a=1&%5Fmethod=DELETE',
      'x=1;_METHOD=PUT',
      '_%6dethod=DELETE',
      '%5F%6D%65thod=PUT',
    ]) {
      const head = getHead(`/jira-prod/rest/api/2/issue/DEMO-1?${query}`, auth)
      const response = await rawRequest(stack.proxy.port, head)
      expect(response.status).toBe(400)
      expect(response.body).toContain('Method overrides are not accepted.')
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('Connection cannot take away the body type after the form check', async () => {
    stack.jira.clearReceived()
    const body = '{"jql":"project = DEMO"}'
    const head = [
      'POST /jira-prod/rest/api/2/search HTTP/1.1',
      'Host: 127.0.0.1',
      auth,
      'Connection: content-type, content-length',
      'Content-Type: application/json',
      `Content-Length: ${body.length}`,
    ].join('\r\n')
    expect((await rawRequest(stack.proxy.port, head, body)).status).toBe(200)
    const received = stack.jira.received.at(-1)!
    const type = received.headers.find(([name]) => name === 'content-type')
    expect(type?.[1]).toBe('application/json')
  })

  test('an API key in the path gets 400 and never reaches Jira (its access log keeps paths)', async () => {
    stack.jira.clearReceived()
    for (const path of [
      `/rest/api/2/issue/${stack.apiKey}`,
      '/rest/api/2/issue/JPX_abcdefghij_x',
    ]) {
      const response = await rawRequest(stack.proxy.port, getHead(`/jira-prod${path}`, auth))
      expect(response.status).toBe(400)
      expect(response.body).toContain('Credentials do not belong in the path.')
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test('an API key in any header but Authorization gets 400, never reaches Jira, is not logged', async () => {
    stack.jira.clearReceived()
    stack.logLines.length = 0
    // The last one hides the key behind an escape (`jpx_<id>%5F<secret>`).
    const escaped = stack.apiKey.replace(/_([^_]*)$/, '%5F$1')
    for (const header of [
      `X-Api-Key: ${stack.apiKey}`,
      `X-Note: key=${stack.apiKey}`,
      `X-Note: key=${escaped}`,
    ]) {
      const head = `GET /jira-prod/rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n${header}`
      const response = await rawRequest(stack.proxy.port, head)
      expect(response.status).toBe(400)
      expect(response.body).toContain('Credentials belong only in the Authorization header.')
    }
    const asHost = `GET /jira-prod/rest/api/2/myself HTTP/1.1\r\nHost: ${stack.apiKey}\r\n${auth}`
    expect((await rawRequest(stack.proxy.port, asHost)).status).toBe(400)
    expect(stack.jira.received).toHaveLength(0)
    const logged = stack.logLines.join('\n')
    expect(logged).toContain('credential_in_header')
    expect(logged).not.toContain(stack.apiKey.split('_')[2]!)
  })

  test('a repeated Content-Length or Host gets 400 and never reaches Jira', async () => {
    stack.jira.clearReceived()
    const post = 'POST /jira-prod/rest/api/2/search HTTP/1.1'
    for (const head of [
      [
        post,
        'Host: 127.0.0.1',
        auth,
        'Content-Type: application/json',
        'Content-Length: 2',
        'Content-Length: 2',
      ],
      ['GET /jira-prod/rest/api/2/myself HTTP/1.1', 'Host: 127.0.0.1', 'Host: jira.internal', auth],
    ]) {
      const response = await rawRequest(stack.proxy.port, head.join('\r\n'), '{}')
      expect(response.status).toBe(400)
    }
    expect(stack.jira.received).toHaveLength(0)
  })

  test("route explain gives serve's verdict for paths with dot segments, plain or encoded", async () => {
    const route = getRoute(stack.db, 'prod')
    for (const [method, target] of [
      ['GET', '/jira-prod/rest/api/2/issue/DEMO-1/%2e%2e/%2e%2e/serverInfo'],
      ['GET', '/jira-prod/rest/api/2/issue/../group'],
      ['GET', '/jira-prod/rest/api/2/issue/%2E%2e/group'],
      ['POST', '/jira-prod/rest/api/2/x/.%2e/group/user'],
      ['GET', '/jira-prod/rest/api/2/./myself'],
      ['GET', '/jira-prod/rest/api/2/myself/..;x/group'],
    ] as const) {
      const explained = explainRequest(route, method, target)
      const head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nContent-Length: 0`
      const { status } = await rawRequest(stack.proxy.port, head)
      expect(`${target} forwarded: ${status !== 400 && status !== 403}`).toBe(
        `${target} forwarded: ${explained.isForwarded}`,
      )
    }
  })

  test('identity headers a header-based single sign-on could trust do not reach Jira', async () => {
    stack.jira.clearReceived()
    const claims = [
      'X-Remote-User',
      'Remote-User',
      'X-Forwarded-User',
      'True-Client-IP',
      'X-Client-IP',
      'Client-IP',
      'X-AUSERNAME',
      // Found in review: a block-list let these through; only known fields go upstream now.
      'SM_USER',
      'X-Webauth-User',
      'Remote_User',
      'X-User',
      'X-Proxy-Remote-User',
      'OIDC_CLAIM_sub',
      'X-MS-CLIENT-PRINCIPAL-NAME',
      'X-Authorization',
      'Authentication',
      'X-Some-Future-Header',
    ]
    const response = await rawRequest(
      stack.proxy.port,
      getHead('/jira-prod/rest/api/2/myself', auth, ...claims.map((name) => `${name}: admin`)),
    )
    expect(response.status).toBe(200)
    const names = stack.jira.received[0]!.headers.map(([name]) => name)
    for (const claim of claims) expect(names).not.toContain(claim.toLowerCase())
    // What Jira sees: the allowed fields, japroxy's own, and what fetch adds.
    const expected = new Set([
      ...forwardedRequestFields,
      'host',
      'authorization',
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-forwarded-host',
      'connection',
    ])
    expect(names.filter((name) => !expected.has(name))).toEqual([])
  })

  test('a request without a Host header is judged on its own path', async () => {
    const wrongPrefix = await rawRequest(
      stack.proxy.port,
      'GET /anything/jira-prod/rest/api/2/serverInfo HTTP/1.0',
    )
    expect(wrongPrefix.status).toBe(404)
    const right = await rawRequest(
      stack.proxy.port,
      'GET /jira-prod/rest/api/2/serverInfo HTTP/1.0',
    )
    expect(right.status).toBe(200)
  })
})
