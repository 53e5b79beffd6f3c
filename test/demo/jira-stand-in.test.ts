import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { basic, rawExchange, service, serviceAuth, waitFor } from './stand-in-helpers.ts'

describe('Seraph-like authentication', () => {
  let jira: JiraStandIn
  beforeAll(async () => {
    jira = await startJiraStandIn({ tokens: [{ token: 'pat-123', username: 'jira-svc' }] })
  })
  afterEach(() => jira.resetFailedLogins())
  afterAll(() => jira.stop())

  const get = (path: string, authorization?: string) =>
    fetch(jira.url + path, { headers: authorization ? { authorization } : {} })

  test('answers serverInfo anonymously with its own base URL and session headers', async () => {
    const res = await get('/rest/api/2/serverInfo?doHealthCheck=true')
    expect(res.status).toBe(200)
    const info = await res.json()
    expect(info).toMatchObject({ baseUrl: jira.url, version: '9.12.0', deploymentType: 'Server' })
    expect(info.healthChecks).toEqual([])
    expect(res.headers.get('x-ausername')).toBe('anonymous')
    expect(res.headers.get('x-asessionid')).toBeTruthy()
    const cookies = res.headers.getSetCookie()
    expect(cookies).toHaveLength(2)
    expect(cookies[0]).toMatch(/^JSESSIONID=\w+; Path=\/; HttpOnly$/)
    expect(cookies[1]).toMatch(/^atlassian\.xsrf\.token=\S+; Path=\/$/)
  })

  test('treats /rest/api/latest/ like /rest/api/2/', async () => {
    const res = await get('/rest/api/latest/serverInfo')
    expect(res.status).toBe(200)
    expect((await res.json()).healthChecks).toBeUndefined()
  })

  test('refuses other REST paths without credentials with 401', async () => {
    const res = await get('/rest/api/2/myself')
    expect(res.status).toBe(401)
    expect((await res.json()).errorMessages[0]).toStartWith('You are not authenticated')
  })

  test('accepts the right Basic password and names the user in X-AUSERNAME', async () => {
    const res = await get('/rest/api/2/myself', serviceAuth)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ausername')).toBe('jira-svc')
    const me = await res.json()
    expect(me).toMatchObject({ name: 'jira-svc', key: 'jira-svc', active: true })
    expect(me.self).toBe(`${jira.url}/rest/api/2/user?username=jira-svc`)
  })

  test('answers a wrong Basic password with 401 and counts a failed login', async () => {
    const res = await get('/rest/api/2/myself', basic(service.username, 'wrong'))
    expect(res.status).toBe(401)
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED')
    expect(res.headers.get('x-ausername')).toBe('anonymous')
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="protected-area"')
    expect(await res.json()).toMatchObject({ errorMessages: [expect.any(String)], errors: {} })
    expect(jira.failedLogins('jira-svc')).toBe(1)
  })

  test('counts a failed login even for a wrong Basic header on serverInfo', async () => {
    const res = await get('/rest/api/2/serverInfo', basic(service.username, 'wrong'))
    expect(res.status).toBe(401)
    expect(jira.failedLogins('jira-svc')).toBe(1)
  })

  test('counts failed logins of an unknown user under that user name', async () => {
    await get('/rest/api/2/myself', basic('nobody', 'x'))
    expect(jira.failedLogins('nobody')).toBe(1)
  })

  test('demands a CAPTCHA once the counter reaches captchaAfter, even for the right password', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await get('/rest/api/2/myself', basic(service.username, 'wrong'))).status).toBe(401)
    }
    const res = await get('/rest/api/2/serverInfo', serviceAuth)
    expect(res.status).toBe(403)
    expect(res.headers.get('x-authentication-denied-reason')).toBe(
      `CAPTCHA_CHALLENGE; login-url=${jira.url}/login.jsp`,
    )
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATION_DENIED')
    expect(jira.failedLogins('jira-svc')).toBe(3)
  })

  test('resets the counter on a successful login and on resetFailedLogins', async () => {
    await get('/rest/api/2/myself', basic(service.username, 'wrong'))
    expect((await get('/rest/api/2/myself', serviceAuth)).status).toBe(200)
    expect(jira.failedLogins('jira-svc')).toBe(0)
    for (let attempt = 0; attempt < 3; attempt++) {
      await get('/rest/api/2/myself', basic(service.username, 'wrong'))
    }
    jira.resetFailedLogins('jira-svc')
    expect((await get('/rest/api/2/myself', serviceAuth)).status).toBe(200)
  })

  test('accepts a known Bearer token and refuses an unknown one without counting', async () => {
    const ok = await get('/rest/api/2/myself', 'Bearer pat-123')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-ausername')).toBe('jira-svc')
    const bad = await get('/rest/api/2/myself', 'Bearer nope')
    expect(bad.status).toBe(401)
    expect(bad.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED')
    expect(bad.headers.get('x-ausername')).toBe('anonymous')
    expect(jira.failedLogins('jira-svc')).toBe(0)
  })
})

describe('request capture', () => {
  let jira: JiraStandIn
  beforeAll(async () => {
    jira = await startJiraStandIn()
  })
  afterAll(() => jira.stop())

  test('records the raw URL and every header, repeats kept, in arrival order', async () => {
    jira.clearReceived()
    const request = [
      'GET /rest/api/2/demo/headers?q=%7e&x=a+b HTTP/1.1',
      'Host: jira.example',
      `Authorization: ${serviceAuth}`,
      'X-Repeat: one',
      'X-Repeat: two',
      'Connection: close',
      '',
      '',
    ].join('\r\n')
    const response = await rawExchange(jira.port, request)
    expect(response).toStartWith('HTTP/1.1 200')
    const [record] = jira.received
    expect(record?.url).toBe('/rest/api/2/demo/headers?q=%7e&x=a+b')
    expect(record?.headers.filter(([name]) => name === 'x-repeat')).toEqual([
      ['x-repeat', 'one'],
      ['x-repeat', 'two'],
    ])
    expect(response).toContain('["x-repeat","one"],["x-repeat","two"]')
  })

  test('keeps dot segments in the URL instead of normalising them', async () => {
    jira.clearReceived()
    const request = `GET /rest/api/2/x/../myself HTTP/1.1\r\nHost: a\r\nAuthorization: ${serviceAuth}\r\nConnection: close\r\n\r\n`
    const response = await rawExchange(jira.port, request)
    expect(response).toStartWith('HTTP/1.1 404')
    expect(jira.received[0]?.url).toBe('/rest/api/2/x/../myself')
  })

  test('hashes a 5 MB upload as it streams and keeps only the first 64 KiB as text', async () => {
    jira.clearReceived()
    const body = new Uint8Array(5 * 1024 * 1024).map((_, index) => 65 + (index % 26))
    const expected = createHash('sha256').update(body).digest('hex')
    const res = await fetch(`${jira.url}/rest/api/2/demo/upload`, {
      method: 'PUT',
      headers: { authorization: serviceAuth },
      body,
    })
    expect(await res.json()).toEqual({ bytes: body.length, sha256: expected })
    const [record] = jira.received
    expect(record).toMatchObject({ method: 'PUT', bodyLength: body.length, bodySha256: expected })
    expect(record?.bodyText).toHaveLength(64 * 1024)
    expect(record?.bodyText.slice(0, 3)).toBe('ABC')
  })

  test('empties received in place on clearReceived', async () => {
    const received = jira.received
    await fetch(`${jira.url}/rest/api/2/serverInfo`)
    jira.clearReceived()
    expect(received).toHaveLength(0)
    expect(jira.received).toBe(received)
  })
})

describe('lifecycle', () => {
  test('stop() ends a hanging request promptly', async () => {
    const jira = await startJiraStandIn()
    const hanging = fetch(`${jira.url}/rest/api/2/demo/hang`, {
      headers: { authorization: serviceAuth },
    }).then(
      () => 'answered',
      () => 'failed',
    )
    await waitFor(() => jira.received.length === 1)
    const started = performance.now()
    await jira.stop()
    expect(await hanging).toBe('failed')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('stop() may be called twice', async () => {
    const jira = await startJiraStandIn()
    await jira.stop()
    await jira.stop()
  })

  const hasOpenssl = Bun.which('openssl') !== null
  test.skipIf(!hasOpenssl)('serves the same API over HTTPS when given a certificate', async () => {
    const { cert, key } = await selfSignedCertificate()
    const jira = await startJiraStandIn({ tls: { cert, key } })
    try {
      expect(jira.url).toStartWith('https://127.0.0.1:')
      const res = await fetch(`${jira.url}/rest/api/2/serverInfo`, { tls: { ca: cert } })
      expect((await res.json()).baseUrl).toBe(jira.url)
    } finally {
      await jira.stop()
    }
  })
})

async function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/stand-in-tls-${process.pid}`
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']
  const proc = Bun.spawn(
    ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'].concat(
      ['-nodes', '-days', '1', '-keyout', `${dir}-key.pem`, '-out', `${dir}-cert.pem`, ...subject],
    ),
    { stdout: 'ignore', stderr: 'ignore' },
  )
  expect(await proc.exited).toBe(0)
  const cert = await Bun.file(`${dir}-cert.pem`).text()
  const key = await Bun.file(`${dir}-key.pem`).text()
  await Bun.file(`${dir}-key.pem`).delete()
  await Bun.file(`${dir}-cert.pem`).delete()
  return { cert, key }
}
