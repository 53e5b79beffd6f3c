/**
 * A small in-process imitation of Jira Data Center 9.x for `japroxy demo` and the tests.
 *
 * It speaks enough of Jira's REST API (serverInfo, myself, projects, search, issues, agile
 * boards and sprints, attachments) to exercise the proxy, and behaves like Jira where it matters
 * to a gateway: Seraph's Basic check with a failed-login counter that ends in a CAPTCHA demand,
 * Bearer personal access tokens, session cookies on every answer, gzip, redirects to its own
 * host. Every request is recorded exactly as it arrived (raw URL, repeated headers, body hash),
 * so tests can see what the proxy forwarded. It is built on `node:http` rather than
 * `Bun.serve`, because Bun.serve normalises the URL (dot segments) and joins repeated headers
 * before a handler can see them.
 */
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { handleRequest, type StandInState } from './handle-request.ts'
import { IssueStore } from './issue-store.ts'
import type { ReceivedRequest } from './request-capture.ts'
import type { StandInToken, StandInUser } from './seraph-auth.ts'

/** One request as the stand-in received it (defined with the capture code). */
export type { ReceivedRequest } from './request-capture.ts'
/** A Jira user the stand-in knows (defined with the authentication code). */
export type { StandInUser } from './seraph-auth.ts'

/** How to start a stand-in; every field has a default. */
export interface StandInOptions {
  /** Address to listen on; default '127.0.0.1'. */
  hostname?: string
  /** Port to listen on; default 0 (ephemeral). */
  port?: number
  /** Known users; default one service account, `jira-svc` / `demo-service-password`. */
  users?: StandInUser[]
  /** Personal access tokens accepted as `Authorization: Bearer`. */
  tokens?: StandInToken[]
  /** Failed logins for one username before every Basic attempt meets a CAPTCHA; default 3. */
  captchaAfter?: number
  /** How many issues project DEMO starts with, for search paging; default 120. */
  issueCount?: number
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  tls?: { cert: string; key: string }
}

/** A running stand-in and the handles tests use to inspect and stop it. */
export interface JiraStandIn {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (https when tls). */
  url: string
  port: number
  /** Every request, in arrival order. */
  received: ReceivedRequest[]
  failedLogins(username: string): number
  resetFailedLogins(username?: string): void
  clearReceived(): void
  stop(): Promise<void>
}

/** The service account a stand-in knows when no users are given. */
export const defaultStandInUser: StandInUser = {
  username: 'jira-svc',
  password: 'demo-service-password',
}

const defaultCaptchaAfter = 3
const defaultIssueCount = 120

/** Starts a Jira stand-in and resolves once it is listening. */
export async function startJiraStandIn(options: StandInOptions = {}): Promise<JiraStandIn> {
  const state = createState(options)
  const server = createServer(options, state)
  const hostname = options.hostname ?? '127.0.0.1'
  await listen(server, hostname, options.port ?? 0)
  const { port } = server.address() as AddressInfo
  const scheme = options.tls ? 'https' : 'http'
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  state.baseUrl = `${scheme}://${host}:${port}`
  state.loginUrl = `${state.baseUrl}/login.jsp`
  return {
    url: state.baseUrl,
    port,
    received: state.received,
    failedLogins: (username) => state.failedLogins.get(username) ?? 0,
    resetFailedLogins: (username) => resetCounter(state.failedLogins, username),
    // Emptied in place, so a reference to `received` taken earlier stays live.
    clearReceived: () => state.received.splice(0),
    stop: () => stopServer(server),
  }
}

function createState(options: StandInOptions): StandInState {
  return {
    baseUrl: '',
    loginUrl: '',
    users: options.users ?? [defaultStandInUser],
    tokens: options.tokens ?? [],
    captchaAfter: options.captchaAfter ?? defaultCaptchaAfter,
    failedLogins: new Map(),
    issues: new IssueStore(options.issueCount ?? defaultIssueCount),
    received: [],
  }
}

function createServer(options: StandInOptions, state: StandInState): Server {
  const onRequest: Parameters<typeof createHttpServer>[1] = (req, res) => {
    handleRequest(req, res, state).catch(() => res.destroy())
  }
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(onRequest)
  // Slow and hanging answers are the point of some endpoints; no server-side deadline.
  server.requestTimeout = 0
  return server
}

function listen(server: Server, hostname: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, hostname, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function resetCounter(failedLogins: Map<string, number>, username: string | undefined): void {
  if (username === undefined) failedLogins.clear()
  else failedLogins.delete(username)
}

// close() alone waits for keep-alive and hanging requests; closeAllConnections() ends them now.
async function stopServer(server: Server): Promise<void> {
  if (!server.listening) return
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  await closed
}
