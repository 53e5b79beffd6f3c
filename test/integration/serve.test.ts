/** japroxy serve end to end: a real listening proxy in front of the Jira stand-in (issue #2). */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { addAllowEntry, removeAllowEntry } from '../../store/allow-list.ts'
import { setCredential } from '../../store/credentials.ts'
import { readMeta, writeMeta } from '../../store/db.ts'
import { revokeApiKey } from '../../store/keys.ts'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { encodePublicKey, generateMasterKey } from '../../store/seal.ts'
import { resetSetting, writeSetting } from '../../store/settings.ts'
import {
  basic,
  type Stack,
  servicePassword,
  serviceUser,
  startStack,
  unusedPort,
  within,
} from '../support/stack.ts'

let stack: Stack
const serviceAuthorization = basic(servicePassword, serviceUser)

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.stop()
})

function lastReceived() {
  const last = stack.jira.received.at(-1)
  if (!last) throw new Error('Jira received nothing')
  return last
}

function headerValues(name: string): string[] {
  return lastReceived()
    .headers.filter(([n]) => n === name)
    .map(([, v]) => v)
}

describe('a good key', () => {
  test("gets Jira's answer, and Jira saw exactly one Authorization: the service credential", async () => {
    stack.jira.clearReceived()
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { name: string }).name).toBe(serviceUser)
    expect(stack.jira.received).toHaveLength(1)
    expect(headerValues('authorization')).toEqual([serviceAuthorization])
    expect(lastReceived().url).toBe('/rest/api/2/myself')
  })

  test('forwards the query string untouched', async () => {
    const response = await stack.get(
      '/jira-prod/rest/api/2/search?jql=project%3DDEMO&startAt=5&maxResults=2',
      {
        headers: { authorization: basic(stack.apiKey) },
      },
    )
    expect(response.status).toBe(200)
    expect(lastReceived().url).toBe('/rest/api/2/search?jql=project%3DDEMO&startAt=5&maxResults=2')
    const body = (await response.json()) as { startAt: number; issues: unknown[] }
    expect(body.startAt).toBe(5)
    expect(body.issues).toHaveLength(2)
  })
})

describe('a bad key', () => {
  const cases: [string, () => Record<string, string>][] = [
    ['missing', () => ({})],
    ['malformed', () => ({ authorization: 'Basic %%%not-base64%%%' })],
    ['without a colon', () => ({ authorization: `Basic ${btoa('no-colon-here')}` })],
    ['Bearer instead of Basic', () => ({ authorization: `Bearer ${stack.apiKey}` })],
    ['unknown', () => ({ authorization: basic('jpx_nobody_thisisnotakey') })],
    ['revoked', () => ({ authorization: basic(revokedKey) })],
    ['expired', () => ({ authorization: basic(expiredKey) })],
  ]
  let revokedKey = ''
  let expiredKey = ''
  let bodies: string[] = []

  beforeAll(async () => {
    revokedKey = stack.createKey('revoked-one', ['prod'])
    revokeApiKey(stack.db, 'test', 'revoked-one')
    expiredKey = stack.createKey('expiring-one', ['prod'], Date.now() + 300)
    stack.proxy.reload(true)
    await Bun.sleep(400)
    bodies = []
  })

  test.each(cases)(
    '%s: 401 with WWW-Authenticate, and Jira sees nothing',
    async (_name, headers) => {
      stack.jira.clearReceived()
      const response = await stack.get('/jira-prod/rest/api/2/myself', { headers: headers() })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="japroxy"')
      bodies.push((await response.text()).replace(/\(request [^)]+\)/, ''))
      expect(stack.jira.received).toHaveLength(0)
    },
  )

  test('every refused key gets the same body', () => {
    expect(bodies).toHaveLength(cases.length)
    expect(new Set(bodies).size).toBe(1)
  })
})

describe('allow-list and scope', () => {
  test('a client outside the allow-list gets 403', async () => {
    removeAllowEntry(stack.db, 'test', { cidr: '127.0.0.1' })
    addAllowEntry(stack.db, 'test', { cidr: '10.0.0.0/8', note: 'someone else' })
    stack.proxy.reload(true)
    stack.jira.clearReceived()
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(403)
    expect(stack.jira.received).toHaveLength(0)
    addAllowEntry(stack.db, 'test', { cidr: '127.0.0.1', note: 'tests' })
    stack.proxy.reload(true)
  })

  test('a key not granted the route gets 403', async () => {
    stack.addRoute({ name: 'walled', basePath: '/walled', upstreamUrl: stack.jira.url })
    const response = await stack.get('/walled/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('not granted')
  })

  test('a path outside every route gets 404', async () => {
    const response = await stack.get('/elsewhere/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(404)
  })

  test('an endpoint outside the policy gets 403 and never reaches Jira', async () => {
    stack.jira.clearReceived()
    const response = await stack.get('/jira-prod/rest/api/2/group?groupname=jira-administrators', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(403)
    const other = await stack.get('/jira-prod/secure/admin/ViewApplicationProperties.jspa', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(other.status).toBe(403)
    expect(stack.jira.received).toHaveLength(0)
  })
})

describe("Jira Align's health check", () => {
  test("20 serverInfo calls with Jira Align's Basic header succeed and no failed login is counted", async () => {
    stack.jira.clearReceived()
    for (let i = 0; i < 20; i++) {
      const response = await stack.get('/jira-prod/rest/api/2/serverInfo?doHealthCheck=true', {
        headers: { authorization: basic('what-jira-align-sends', 'jira-align-user') },
      })
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
    expect(stack.jira.failedLogins('jira-align-user')).toBe(0)
    expect(stack.jira.failedLogins(serviceUser)).toBe(0)
    expect(stack.jira.received).toHaveLength(20)
    for (const request of stack.jira.received) {
      expect(request.headers.some(([name]) => name === 'authorization')).toBe(false)
    }
  })
})

describe('changes while serve runs', () => {
  test('a key revoked by the CLI is refused within 2 s', async () => {
    const key = stack.createKey('to-revoke', ['prod'])
    stack.proxy.reload(true)
    const ok = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(key) },
    })
    expect(ok.status).toBe(200)
    const cli = Bun.spawnSync(
      [process.execPath, 'src/main.ts', 'key', 'revoke', 'to-revoke', '--db', stack.dbPath],
      {
        cwd: `${import.meta.dir}/../..`,
      },
    )
    expect(cli.stderr.toString()).toBe('')
    expect(cli.exitCode).toBe(0)
    const took = await within(2000, async () => {
      const response = await stack.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(key) },
      })
      await response.arrayBuffer()
      return response.status === 401
    })
    expect(took).toBeLessThan(2000)
  })

  test('a body or idle limit changed while serve runs is logged as waiting for a restart', () => {
    stack.logLines.length = 0
    writeSetting(stack.db, 'test', 'limits.maxBodyBytes', '1024')
    stack.proxy.reload(true)
    const waiting = stack.logLines.find((line) => line.includes('applies when serve restarts'))
    expect(JSON.parse(waiting ?? '{}')).toMatchObject({
      level: 'warn',
      msg: 'limits.maxBodyBytes changed; it applies when serve restarts',
      value: 1024,
    })
    resetSetting(stack.db, 'test', 'limits.maxBodyBytes')
    stack.proxy.reload(true)
    expect(stack.logLines.join('\n')).toContain(
      'limits.maxBodyBytes is back to the value serve started with',
    )
  })
})

describe('bodies', () => {
  test('a gzip body reaches the client decodable', async () => {
    const response = await stack.get('/jira-prod/rest/api/2/demo/gzip', {
      headers: { authorization: basic(stack.apiKey), 'accept-encoding': 'gzip' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(typeof (await response.json())).toBe('object')
  })

  test('a 50 MB upload arrives with the same checksum', async () => {
    const size = 50 * 1024 * 1024
    const chunk = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 251)
    const local = createHash('sha256')
    for (let i = 0; i < size / chunk.length; i++) local.update(chunk)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const response = await stack.get('/jira-prod/rest/api/2/demo/upload', {
      method: 'POST',
      headers: { authorization: basic(stack.apiKey), 'content-type': 'application/octet-stream' },
      body,
    })
    expect(response.status).toBe(200)
    const result = (await response.json()) as { bytes: number; sha256: string }
    expect(result.bytes).toBe(size)
    expect(result.sha256).toBe(local.digest('hex'))
  }, 60_000)

  test('an upstream slower than 10 s still answers', async () => {
    const response = await stack.get('/jira-prod/rest/api/2/demo/slow?ms=10500', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(200)
  }, 30_000)
})

describe('upstream failures', () => {
  test('a stopped upstream gives 502', async () => {
    stack.addRoute({
      name: 'stopped',
      basePath: '/stopped',
      upstreamUrl: `http://127.0.0.1:${unusedPort()}`,
    })
    setCredential(stack.db, 'test', 'stopped', {
      kind: 'basic',
      username: serviceUser,
      password: servicePassword,
    })
    const key = stack.createKey('stopped-key', ['stopped'])
    stack.proxy.reload(true)
    const response = await stack.get('/stopped/rest/api/2/myself', {
      headers: { authorization: basic(key) },
    })
    expect(response.status).toBe(502)
  })

  test('a hung upstream gives 504 after the header timeout', async () => {
    const route = getRoute(stack.db, 'prod')
    updateRoute(stack.db, 'test', { ...route, headerTimeoutMs: 500 })
    stack.proxy.reload(true)
    const started = Date.now()
    const response = await stack.get('/jira-prod/rest/api/2/demo/hang', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(504)
    expect(Date.now() - started).toBeLessThan(3000)
    updateRoute(stack.db, 'test', route)
    stack.proxy.reload(true)
  })
})

describe('headers', () => {
  test('hop-by-hop headers, the client Host, Cookie and forwarding claims do not pass upstream', async () => {
    stack.jira.clearReceived()
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: {
        authorization: basic(stack.apiKey),
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': 'should-vanish',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic c29tZTpvbmU=',
        cookie: 'JSESSIONID=client-session',
        host: 'evil.example',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=6.6.6.6',
        'x-real-ip': '6.6.6.6',
        'x-original-url': '/secure/admin',
        'x-original-uri': '/secure/admin',
        'x-original-method': 'DELETE',
        'x-host': 'evil.example',
        via: '1.1 evil',
        'x-auth-request-user': 'admin',
        'x-http-method-override': 'DELETE',
        'x-atlassian-token': 'no-check',
      },
    })
    expect(response.status).toBe(200)
    const names = lastReceived().headers.map(([name]) => name)
    for (const name of [
      'x-secret-hop',
      'keep-alive',
      'proxy-authorization',
      'cookie',
      'forwarded',
      'x-real-ip',
      'x-original-url',
      'x-original-uri',
      'x-original-method',
      'x-host',
      'via',
      'x-auth-request-user',
      'x-http-method-override',
    ]) {
      expect(names).not.toContain(name)
    }
    expect(headerValues('host')).toEqual([new URL(stack.jira.url).host])
    expect(headerValues('x-forwarded-for')).toEqual(['127.0.0.1'])
    expect(headerValues('x-forwarded-host')).toEqual([])
    expect(headerValues('x-atlassian-token')).toEqual(['no-check'])
    expect(headerValues('authorization')).toEqual([serviceAuthorization])
  })

  test('Set-Cookie and the service account name from Jira do not reach the client', async () => {
    const direct = await fetch(`${stack.jira.url}/rest/api/2/serverInfo`)
    expect(direct.headers.getSetCookie().length).toBeGreaterThan(0)
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.headers.getSetCookie()).toEqual([])
    expect(response.headers.get('x-asessionid')).toBeNull()
    // Seraph's account fields would name the service account to the client.
    expect(direct.headers.get('x-ausername')).toBe('anonymous')
    expect(response.headers.get('x-ausername')).toBeNull()
  })

  test('a redirect to the upstream host is rewritten to the route', async () => {
    const response = await stack.get('/jira-prod/rest/api/2/demo/redirect', {
      headers: { authorization: basic(stack.apiKey) },
      redirect: 'manual',
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/jira-prod/rest/api/2/myself')
    // Also when Jira writes its address without a scheme, or with a user in it.
    for (const form of ['scheme-relative', 'userinfo']) {
      const other = await stack.get(`/jira-prod/rest/api/2/demo/redirect?form=${form}`, {
        headers: { authorization: basic(stack.apiKey) },
        redirect: 'manual',
      })
      expect(`${form}: ${other.headers.get('location')}`).toBe(
        `${form}: /jira-prod/rest/api/2/myself`,
      )
    }
  })

  test('with a public URL, redirects and X-Forwarded-Host use it', async () => {
    const route = getRoute(stack.db, 'prod')
    updateRoute(stack.db, 'test', { ...route, publicUrl: 'https://japroxy.example.com' })
    stack.proxy.reload(true)
    const response = await stack.get('/jira-prod/rest/api/2/demo/redirect', {
      headers: { authorization: basic(stack.apiKey) },
      redirect: 'manual',
    })
    expect(response.headers.get('location')).toBe(
      'https://japroxy.example.com/jira-prod/rest/api/2/myself',
    )
    expect(headerValues('x-forwarded-host')).toEqual(['japroxy.example.com'])
    updateRoute(stack.db, 'test', route)
    stack.proxy.reload(true)
  })
})

describe('records', () => {
  test('each request gives one JSON log line and a request record with the keyId', async () => {
    const before = stack.logLines.length
    const response = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    await response.arrayBuffer()
    const lines = stack.logLines
      .slice(before)
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request')
    expect(lines).toHaveLength(1)
    const [line] = lines
    expect(line).toMatchObject({
      status: 200,
      route: 'prod',
      auth: 'ok',
      clientIp: '127.0.0.1',
      path: '/jira-prod/rest/api/2/myself',
    })
    expect(line.keyId).toMatch(/^[a-z0-9]{10}$/)
    stack.proxy.recorder.flush()
    const row = stack.db
      .query('SELECT * FROM request_records WHERE request_id = ?')
      .get(line.requestId) as Record<string, unknown>
    expect(row).toMatchObject({ status: 200, key_id: line.keyId, route: 'prod', auth: 'ok' })
  })
})

describe('credential binding', () => {
  test("a store public key that is not the master key's is warned of at every reload", async () => {
    const original = readMeta(stack.db, 'public_key')!
    writeMeta(stack.db, 'public_key', encodePublicKey(generateMasterKey().publicKey))
    stack.proxy.reload(true)
    const warned = stack.proxy.snapshot().warnings.join('\n')
    writeMeta(stack.db, 'public_key', original)
    stack.proxy.reload(true)
    expect(warned).toContain("the store's public key is not the master key's")
    expect(stack.proxy.snapshot().warnings.join('\n')).not.toContain('public key')
  })

  test('a route pointed elsewhere by someone without the master key gets no credential', async () => {
    // Anyone who can write the store can change a route's upstream; the credential sealed for
    // the old one must not follow it (it would hand the service password to their listener).
    const elsewhere = await startJiraStandIn({ users: [] })
    const route = getRoute(stack.db, 'prod')
    try {
      stack.db.query('UPDATE routes SET upstream_url = ? WHERE id = ?').run(elsewhere.url, route.id)
      stack.db.run(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name = 'config_version'",
      )
      stack.proxy.reload(true)
      const response = await stack.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(stack.apiKey) },
      })
      expect(response.status).toBe(503)
      expect(await response.text()).toContain('set for another upstream')
      expect(elsewhere.received).toEqual([])
      expect(stack.proxy.snapshot().warnings.join('\n')).toContain(
        'route prod: its credential was set for another upstream URL',
      )
    } finally {
      updateRoute(stack.db, 'test', route)
      stack.proxy.reload(true)
      await elsewhere.stop()
    }
    const back = await stack.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(back.status).toBe(200)
  })
})

describe('secrets', () => {
  test('no API key or service password appears in the log, the store file or anything Jira received', async () => {
    stack.proxy.recorder.flush()
    stack.db.run('PRAGMA wal_checkpoint(FULL)')
    const haystacks = {
      log: stack.logLines.join(''),
      store:
        readFileSync(stack.dbPath).toString('latin1') +
        readFileSync(`${stack.dbPath}-wal`).toString('latin1'),
      // The service credential is meant to reach Jira; nothing else secret is.
      jira: JSON.stringify(stack.jira.received).replaceAll(serviceAuthorization, ''),
    }
    const needles = stack.secrets.flatMap((s) => [
      s,
      Buffer.from(s).toString('base64'),
      btoa(`jira-align:${s}`),
    ])
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of needles) {
        if (text.includes(needle))
          throw new Error(`a secret leaked into ${where}: ${needle.slice(0, 12)}…`)
      }
    }
    expect(JSON.stringify(stack.jira.received)).toContain(serviceAuthorization)
  })
})
