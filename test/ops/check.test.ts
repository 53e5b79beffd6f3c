/**
 * `japroxy check ROUTE` against the Jira stand-in in each state Jira Align's Test Now meets:
 * healthy, stopped, wrong password, CAPTCHA, and TLS that is not trusted or not for this name
 * (issue #5).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { dnsStep } from '../../src/ops/check-network.ts'
import { listBreakers } from '../../store/breakers.ts'
import { setCredential } from '../../store/credentials.ts'
import { addRoute, newRouteFields } from '../../store/routes.ts'
import {
  type Stack,
  servicePassword,
  serviceUser,
  startStack,
  unusedPort,
} from '../support/stack.ts'
import { cliAsync } from './cli-async.ts'

let stack: Stack
const check = (route: string, extra: string[] = [], stdin?: string) =>
  cliAsync(
    [
      'check',
      route,
      '--db',
      stack.dbPath,
      '--master-key',
      stack.keyPath,
      '--timeout',
      '3s',
      ...extra,
    ],
    { stdin },
  )

function stepLine(output: string, step: string): string {
  return (
    output.split('\n').find((l) => new RegExp(`^  \\S+\\s+${step} `).test(l)) ?? `(no ${step} line)`
  )
}

beforeAll(async () => {
  stack = await startStack()
})
afterAll(() => stack.stop())
beforeEach(() => {
  stack.jira.resetFailedLogins()
  setCredential(stack.db, 'test', 'prod', {
    kind: 'basic',
    username: serviceUser,
    password: servicePassword,
  })
})

describe('a healthy route', () => {
  test('passes every step and names the Jira version and the service account', async () => {
    const result = await check('prod')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const port = new URL(stack.jira.url).port
    expect(result.stdout.split('\n')).toEqual([
      `japroxy check prod: /jira-prod → ${stack.jira.url}`,
      '  ok    DNS              127.0.0.1 is an address; nothing to resolve',
      expect.stringMatching(
        new RegExp(`^  ok    TCP              127\\.0\\.0\\.1:${port} connected in \\d+ ms$`),
      ),
      '  skip  TLS              plain http upstream: no TLS to check',
      '  ok    serverInfo       Jira Server 9.12.0 "Jira stand-in"',
      '  ok    credential       Jira accepts it: authenticated as jira-svc',
      '  skip  through japroxy  add --through URL (the key is read from stdin) to send one request through serve',
      'verdict: passed',
      '',
    ])
  })

  test('--through sends one request through serve with the key from stdin', async () => {
    const good = await check('prod', ['--through', stack.proxy.url], stack.apiKey)
    expect(stepLine(good.stdout, 'through japroxy')).toBe(
      `  ok    through japroxy  ${stack.proxy.url}/jira-prod/rest/api/2/myself answered 200 as jira-svc`,
    )
    expect(good.stdout + good.stderr).not.toContain(stack.apiKey)
    const bad = await check(
      'prod',
      ['--through', stack.proxy.url],
      'jpx_wrong_key_for_this_test_0000000000',
    )
    expect(bad.code).toBe(1)
    expect(stepLine(bad.stdout, 'through japroxy')).toContain(
      'answered 401: A valid API key is required',
    )
  })

  test('--through refuses plain http to another host before asking for the key', async () => {
    const result = await check('prod', ['--through', 'http://192.0.2.10:8080'], stack.apiKey)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is plain http to another host')
    expect(result.stdout + result.stderr).not.toContain(stack.apiKey)
  })

  test('without the master key the credential step is skipped, saying why', async () => {
    const result = await cliAsync([
      'check',
      'prod',
      '--db',
      stack.dbPath,
      '--master-key',
      join(stack.dir, 'none.key'),
    ])
    expect(stepLine(result.stdout, 'credential')).toBe(
      `  skip  credential       cannot unseal it: master key file not found: ${join(stack.dir, 'none.key')}`,
    )
  })
})

describe('a broken route', () => {
  test('a stopped upstream fails at TCP and skips what depends on it', async () => {
    addRoute(
      stack.db,
      'test',
      newRouteFields({
        name: 'stopped',
        basePath: '/stopped',
        upstreamUrl: `http://127.0.0.1:${unusedPort()}`,
      }),
    )
    const result = await check('stopped')
    expect(result.code).toBe(1)
    expect(stepLine(result.stdout, 'TCP')).toMatch(
      /^ {2}FAIL {2}TCP +127\.0\.0\.1:\d+: ECONNREFUSED$/,
    )
    expect(result.stdout).toContain(
      '→ nothing listens there: is Jira running, and is the port right?',
    )
    expect(stepLine(result.stdout, 'serverInfo')).toBe('  skip  serverInfo       TCP failed')
    expect(result.stdout).toEndWith('verdict: FAILED (TCP)\n')
  })

  test('a wrong password is refused once, and then japroxy stops sending it', async () => {
    setCredential(stack.db, 'test', 'prod', {
      kind: 'basic',
      username: serviceUser,
      password: 'not-the-password',
    })
    const first = await check('prod')
    expect(first.code).toBe(1)
    expect(stepLine(first.stdout, 'credential')).toBe(
      '  FAIL  credential       Jira refused the account jira-svc (401 AUTHENTICATED_FAILED); each try counts a failed login',
    )
    expect(first.stderr).toContain('japroxy stops sending this credential')
    expect(listBreakers(stack.db).map((b) => b.route)).toEqual(['prod'])
    const second = await check('prod')
    expect(stepLine(second.stdout, 'credential')).toContain(
      'not tried: Jira rejected it before (401 AUTHENTICATED_FAILED)',
    )
    expect(stack.jira.failedLogins(serviceUser)).toBe(1)
    expect(first.stdout + first.stderr).not.toContain('not-the-password')
  })

  test('a CAPTCHA demand is named, with the way out', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = `Basic ${Buffer.from(`${serviceUser}:guess-${i}`).toString('base64')}`
      await (
        await fetch(`${stack.jira.url}/rest/api/2/myself`, { headers: { authorization: wrong } })
      ).arrayBuffer()
    }
    const result = await check('prod')
    expect(result.code).toBe(1)
    expect(stepLine(result.stdout, 'credential')).toBe(
      '  FAIL  credential       Jira demands a CAPTCHA for the account jira-svc after failed logins',
    )
    expect(result.stdout).toContain('sign in once as jira-svc in a browser')
  })
})

describe('TLS', () => {
  const openssl = Bun.which('openssl')
  if (!openssl) console.warn('openssl is missing: the TLS checks of `japroxy check` are skipped')
  let dir: string
  let jira: JiraStandIn
  let other: JiraStandIn

  function selfSigned(
    name: string,
    san: string,
    days: number,
  ): { cert: string; key: string; path: string } {
    const made = Bun.spawnSync(
      [
        openssl!,
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        String(days),
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { cwd: dir },
    )
    if (made.exitCode !== 0) throw new Error(made.stderr.toString())
    return {
      cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
      path: join(dir, `${name}.crt`),
    }
  }

  beforeAll(async () => {
    if (!openssl) return
    dir = mkdtempSync(join(tmpdir(), 'japroxy-check-tls-'))
    const jiraCert = selfSigned('jira-stand-in', 'IP:127.0.0.1', 10)
    jira = await startJiraStandIn({
      users: [{ username: serviceUser, password: servicePassword }],
      tls: jiraCert,
    })
    other = await startJiraStandIn({
      tls: selfSigned('elsewhere', 'DNS:jira.elsewhere.example', 400),
    })
    addRoute(
      stack.db,
      'test',
      newRouteFields({ name: 'tls-untrusted', basePath: '/tls-untrusted', upstreamUrl: jira.url }),
    )
    addRoute(
      stack.db,
      'test',
      newRouteFields({
        name: 'tls-trusted',
        basePath: '/tls-trusted',
        upstreamUrl: jira.url,
        upstreamCaFile: jiraCert.path,
      }),
    )
    addRoute(
      stack.db,
      'test',
      newRouteFields({
        name: 'tls-wrong-name',
        basePath: '/tls-wrong-name',
        upstreamUrl: other.url,
        upstreamCaFile: join(dir, 'elsewhere.crt'),
      }),
    )
    setCredential(stack.db, 'test', 'tls-trusted', {
      kind: 'basic',
      username: serviceUser,
      password: servicePassword,
    })
  })
  afterAll(async () => {
    if (!openssl) return
    await jira.stop()
    await other.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test.skipIf(!openssl)(
    'a self-signed certificate the route does not trust fails, naming the fix',
    async () => {
      const result = await check('tls-untrusted')
      expect(result.code).toBe(1)
      expect(stepLine(result.stdout, 'TLS')).toMatch(
        /^ {2}FAIL {2}TLS +jira-stand-in: not trusted by the system CAs \(.+\)$/,
      )
      expect(result.stdout).toContain(
        "→ give the CA that signed Jira's certificate: japroxy route set NAME --ca-file FILE",
      )
      expect(stepLine(result.stdout, 'serverInfo')).toBe('  skip  serverInfo       TLS failed')
    },
  )

  test.skipIf(!openssl)(
    "with the route's CA file it passes, warning about a certificate close to expiry",
    async () => {
      const result = await check('tls-trusted')
      expect(result.code).toBe(0)
      expect(stepLine(result.stdout, 'TLS')).toMatch(
        /^ {2}warn {2}TLS +jira-stand-in: trusted by the route's CA file; name ok; expires \d{4}-\d{2}-\d{2} \((9|10) days\)$/,
      )
      expect(stepLine(result.stdout, 'credential')).toContain('authenticated as jira-svc')
      expect(result.stdout).toEndWith('verdict: passed with 1 warning(s)\n')
    },
  )

  test.skipIf(!openssl)('a certificate for another name fails', async () => {
    const result = await check('tls-wrong-name')
    expect(result.code).toBe(1)
    expect(stepLine(result.stdout, 'TLS')).toBe(
      '  FAIL  TLS              elsewhere: not valid for 127.0.0.1',
    )
  })
})

describe('DNS', () => {
  test('a name that does not resolve fails at DNS (resolver injected: no real lookup)', async () => {
    const failing = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    }
    const { step, address } = await dnsStep('jira.internal', failing)
    expect(address).toBeUndefined()
    expect(step).toEqual({
      step: 'DNS',
      verdict: 'fail',
      detail: 'cannot resolve jira.internal (ENOTFOUND)',
      hint: "check the upstream host name and this host's resolver (/etc/resolv.conf)",
    })
    const resolved = await dnsStep('jira.internal', async () => ['10.0.0.5', '10.0.0.6'])
    expect(resolved).toEqual({
      step: { step: 'DNS', verdict: 'ok', detail: 'jira.internal → 10.0.0.5, 10.0.0.6' },
      address: '10.0.0.5',
    })
  })
})
