/**
 * One request through the Jira stand-in: record it, read its body, authenticate it the Seraph
 * way, route it and write the reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { IssueStore } from './issue-store.ts'
import { jiraError, type Reply, writeReply } from './reply.ts'
import {
  type ConsumedBody,
  captureHead,
  consumeBody,
  type ReceivedRequest,
} from './request-capture.ts'
import { canonicalPath, matchRoute, type Route, type StandInContext } from './router.ts'
import { agileRoutes } from './routes-agile.ts'
import { issueRoutes } from './routes-issues.ts'
import { platformRoutes } from './routes-platform.ts'
import { testHelperRoutes } from './routes-test-helpers.ts'
import { type AuthDirectory, authenticate } from './seraph-auth.ts'

/** Everything a running stand-in keeps between requests. */
export interface StandInState extends AuthDirectory {
  baseUrl: string
  issues: IssueStore
  received: ReceivedRequest[]
}

const routes: Route[] = [...platformRoutes, ...issueRoutes, ...agileRoutes, ...testHelperRoutes]

/** Handles one request from arrival to the last byte of the reply. */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: StandInState,
): Promise<void> {
  const record = captureHead(req)
  state.received.push(record)

  // The whole body is read before anything is decided, so the record is complete by the time
  // the client sees an answer, whatever the answer is.
  const body = await consumeBodyUnlessAborted(req, record)
  if (!body) return

  const auth = authenticate(req.headers.authorization, state)
  const username = auth.isDenied ? undefined : auth.username
  const reply = auth.isDenied ? auth.reply : await answer(req, res, body, username, state)
  writeReply(res, reply, { username, acceptEncoding: req.headers['accept-encoding'] })
}

async function consumeBodyUnlessAborted(
  req: IncomingMessage,
  record: ReceivedRequest,
): Promise<ConsumedBody | undefined> {
  try {
    return await consumeBody(req, record)
  } catch {
    // The client went away mid-body; there is nobody left to answer.
    return undefined
  }
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  body: ConsumedBody,
  username: string | undefined,
  state: StandInState,
): Promise<Reply> {
  const { path, query } = splitTarget(req.url ?? '/')
  const method = req.method ?? 'GET'
  const match = matchRoute(routes, method, path)
  if (!match.route) return unroutable(match.allowedMethods, method, path, username)
  if (username === undefined && isRestPath(path) && !match.route.isAnonymous) {
    return notAuthenticated()
  }

  const { baseUrl, users, issues } = state
  const { params } = match
  const context = { method, path, query, params, req, res, body, username }
  return runHandler(match.route, { ...context, baseUrl, users, issues })
}

// The path is matched as received (no dot-segment removal), only the `latest` alias is mapped.
function splitTarget(rawUrl: string): { path: string; query: URLSearchParams } {
  const queryStart = rawUrl.indexOf('?')
  const path = canonicalPath(queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart))
  const query = new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1))
  return { path, query }
}

function isRestPath(path: string): boolean {
  return path.startsWith('/rest/')
}

function notAuthenticated(): Reply {
  const message = 'You are not authenticated. Authentication required to perform this operation.'
  return jiraError(401, [message])
}

// Anonymous callers learn nothing about which REST paths exist: they get 401 like Jira.
function unroutable(
  allowedMethods: string[],
  method: string,
  path: string,
  username: string | undefined,
): Reply {
  if (username === undefined && isRestPath(path)) return notAuthenticated()
  if (allowedMethods.length === 0) return jiraError(404, [`Nothing is found at ${path}.`])
  const allow = allowedMethods.join(', ')
  return jiraError(405, [`Method ${method} is not allowed here.`], {}, { Allow: allow })
}

async function runHandler(route: Route, context: StandInContext): Promise<Reply> {
  try {
    return await route.handler(context)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return jiraError(500, [`The stand-in failed: ${message}`])
  }
}
