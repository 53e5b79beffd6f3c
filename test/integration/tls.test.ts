/** TLS both ways (#4): upstream private CA and pin, inbound TLS and mutual TLS. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { setCredential } from '../../store/credentials.ts'
import {
  addRoute,
  getRoute,
  newRouteFields,
  type RouteFields,
  updateRoute,
} from '../../store/routes.ts'
import { makePki, type TestPki } from '../support/certs.ts'
import {
  basic,
  type Stack,
  servicePassword,
  serviceUser,
  startStack,
  unusedPort,
} from '../support/stack.ts'

let pki: TestPki
let secureJira: JiraStandIn
let stack: Stack
let key = ''

beforeAll(async () => {
  pki = await makePki()
  secureJira = await startJiraStandIn({
    users: [{ username: serviceUser, password: servicePassword }],
    tls: { cert: pki.serverCert, key: pki.serverKey },
  })
  stack = await startStack({
    tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert },
  })
  addRoute(
    stack.db,
    'test',
    newRouteFields({
      name: 'secure',
      basePath: '/secure-jira',
      upstreamUrl: secureJira.url,
      upstreamCaFile: pki.caCertPath,
    }),
  )
  setServiceCredential()
  key = stack.createKey('secure-key', ['secure', 'prod'])
  stack.proxy.reload(true)
})
afterAll(async () => {
  await stack.stop()
  await secureJira.stop()
  rmSync(pki.dir, { recursive: true, force: true })
})

function setServiceCredential(): void {
  setCredential(stack.db, 'test', 'secure', {
    kind: 'basic',
    username: serviceUser,
    password: servicePassword,
  })
}

/** Changes the route, sets the credential again (it is bound to the upstream), reloads. */
function reroute(fields: RouteFields): void {
  updateRoute(stack.db, 'test', fields)
  setServiceCredential()
  stack.proxy.reload(true)
}

const clientTls = () => ({ ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey })

function viaProxy(path: string, tls: Record<string, string> = clientTls()): Promise<Response> {
  return fetch(`${stack.proxy.url}${path}`, {
    headers: { authorization: basic(key) },
    tls,
  } as RequestInit)
}

describe('inbound', () => {
  test('japroxy serves https and accepts a client certificate from the client CA', async () => {
    expect(stack.proxy.url).toStartWith('https://')
    const response = await viaProxy('/jira-prod/rest/api/2/myself')
    expect(response.status).toBe(200)
  })

  test('a client without a certificate is refused at the handshake', async () => {
    const attempt = fetch(`${stack.proxy.url}/jira-prod/rest/api/2/myself`, {
      headers: { authorization: basic(key) },
      tls: { ca: pki.caCert },
    } as RequestInit)
    await expect(attempt).rejects.toThrow()
  })

  test('X-Forwarded-Proto says https', async () => {
    stack.jira.clearReceived()
    await viaProxy('/jira-prod/rest/api/2/myself')
    expect(stack.jira.received[0]!.headers).toContainEqual(['x-forwarded-proto', 'https'])
  })
})

describe('upstream', () => {
  test("a private CA file lets japroxy verify Jira's certificate", async () => {
    expect((await viaProxy('/secure-jira/rest/api/2/myself')).status).toBe(200)
  })

  test('without the CA the certificate is refused: 502', async () => {
    const route = getRoute(stack.db, 'secure')
    reroute({ ...route, upstreamCaFile: undefined })
    expect((await viaProxy('/secure-jira/rest/api/2/myself')).status).toBe(502)
    reroute(route)
  })

  test('a pinned fingerprint must match', async () => {
    const route = getRoute(stack.db, 'secure')
    reroute({ ...route, upstreamPin: pki.serverFingerprint })
    expect((await viaProxy('/secure-jira/rest/api/2/myself')).status).toBe(200)
    reroute({ ...route, upstreamPin: 'AB'.repeat(32) })
    expect((await viaProxy('/secure-jira/rest/api/2/myself')).status).toBe(502)
    reroute(route)
  })

  test('an upstream that offers only TLS 1.1 is refused: 502', async () => {
    const port = unusedPort()
    const server = Bun.spawn(
      [
        'openssl',
        's_server',
        '-accept',
        `127.0.0.1:${port}`,
        '-cert',
        `${pki.dir}/server.crt`,
        '-key',
        `${pki.dir}/server.key`,
        '-tls1_1',
        '-cipher',
        'DEFAULT:@SECLEVEL=0',
        '-www',
      ],
      { stdout: 'ignore', stderr: 'ignore' },
    )
    try {
      await Bun.sleep(500)
      const route = getRoute(stack.db, 'secure')
      reroute({ ...route, upstreamUrl: `https://127.0.0.1:${port}` })
      expect((await viaProxy('/secure-jira/rest/api/2/myself')).status).toBe(502)
      reroute(route)
    } finally {
      server.kill()
      await server.exited
    }
  })
})
