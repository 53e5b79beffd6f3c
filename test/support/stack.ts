/**
 * A real stack for integration tests: a store file in a temp dir, the Jira stand-in on
 * 127.0.0.1, and a listening japroxy in front of it, with every log line captured.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { createLogger } from '../../src/log/logger.ts'
import { type RunningProxy, startProxy } from '../../src/proxy/server.ts'
import { addAllowEntry } from '../../store/allow-list.ts'
import { setCredential } from '../../store/credentials.ts'
import type { Store } from '../../store/db.ts'
import { initStore } from '../../store/init.ts'
import { createApiKey } from '../../store/keys.ts'
import { addRoute, newRouteFields, type RouteFields } from '../../store/routes.ts'
import { readMasterKeyFile, sodiumReady } from '../../store/seal.ts'

/** The service account the stand-in knows and japroxy injects. */
export const serviceUser = 'jira-svc'
export const servicePassword = 'S3rvice-Pa55word-never-logged'

/** A running store + stand-in + proxy. */
export interface Stack {
  dir: string
  dbPath: string
  keyPath: string
  db: Store
  jira: JiraStandIn
  proxy: RunningProxy
  /** A key granted route `prod`. */
  apiKey: string
  /** Every log line japroxy wrote. */
  logLines: string[]
  /** Every secret the stack created, for leak scans. */
  secrets: string[]
  /** Fetches a path on the proxy. */
  get(path: string, init?: RequestInit): Promise<Response>
  addRoute(
    fields: Partial<RouteFields> & Pick<RouteFields, 'name' | 'basePath' | 'upstreamUrl'>,
  ): void
  /** Creates a key and remembers it as a secret. */
  createKey(name: string, routes: string[], expiresAt?: number): string
  stop(): Promise<void>
}

/** `Basic` header value for a username and key. */
export function basic(key: string, user = 'jira-align'): string {
  return `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`
}

/** How a test wants its stack. */
export interface StackOptions {
  /** Runs on the store before `serve` starts (settings that apply at start). */
  beforeStart?: (db: Store) => void
  /** Inbound TLS for the proxy. */
  tls?: { cert: string; key: string; clientCa?: string }
  /** How many issues the stand-in's project DEMO starts with (its default when not given). */
  issueCount?: number
}

/** Starts a stack with route `prod` at `/jira-prod`, a credential, a key and 127.0.0.1 allowed. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  await sodiumReady()
  const dir = mkdtempSync(join(tmpdir(), 'japroxy-test-'))
  const dbPath = join(dir, 'japroxy.db')
  const keyPath = join(dir, 'master.key')
  const db = initStore(dbPath, keyPath, 'test')
  const jira = await startJiraStandIn({
    users: [{ username: serviceUser, password: servicePassword }],
    issueCount: options.issueCount,
  })
  const secrets = [servicePassword]
  addRoute(
    db,
    'test',
    newRouteFields({ name: 'prod', basePath: '/jira-prod', upstreamUrl: jira.url }),
  )
  setCredential(db, 'test', 'prod', {
    kind: 'basic',
    username: serviceUser,
    password: servicePassword,
  })
  addAllowEntry(db, 'test', { cidr: '127.0.0.1', note: 'tests' })
  const createKey = (name: string, routes: string[], expiresAt?: number) => {
    const { apiKey } = createApiKey(db, 'test', { name, routes, expiresAt })
    secrets.push(apiKey)
    return apiKey
  }
  const apiKey = createKey('align', ['prod'])
  options.beforeStart?.(db)
  const logLines: string[] = []
  const logger = createLogger('debug', (line) => logLines.push(line))
  const proxy = startProxy({
    hostname: '127.0.0.1',
    port: 0,
    tls: options.tls,
    db,
    masterKey: readMasterKeyFile(keyPath),
    logger,
  })
  return {
    dir,
    dbPath,
    keyPath,
    db,
    jira,
    proxy,
    apiKey,
    logLines,
    secrets,
    get: (path, init) => fetch(proxy.url + path, init),
    addRoute(fields) {
      addRoute(db, 'test', newRouteFields(fields))
      proxy.reload(true)
    },
    createKey,
    async stop() {
      await proxy.stop()
      await jira.stop()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A loopback port nobody listens on (bound, then released). */
export function unusedPort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}

/** Polls `check` every 50 ms until it returns true or `ms` pass; returns how long it took. */
export async function within(ms: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started
    await Bun.sleep(50)
  }
  throw new Error(`condition not met within ${ms} ms`)
}
