/**
 * Route table of the Jira stand-in: method + path patterns with `:name` segments, and the
 * context every handler gets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { IssueStore } from './issue-store.ts'
import type { Reply } from './reply.ts'
import type { ConsumedBody } from './request-capture.ts'
import type { StandInUser } from './seraph-auth.ts'

/** What a handler may read about its request and the stand-in. */
export interface StandInContext {
  method: string
  /** Canonical path: `/rest/api/latest/` already rewritten to `/rest/api/2/`. */
  path: string
  query: URLSearchParams
  params: Record<string, string>
  req: IncomingMessage
  res: ServerResponse
  body: ConsumedBody
  /** The authenticated user name, or undefined for an anonymous request. */
  username: string | undefined
  baseUrl: string
  users: StandInUser[]
  issues: IssueStore
}

/** A handler answers a request; it may be async. */
export type Handler = (ctx: StandInContext) => Reply | Promise<Reply>

/** One route: method, path pattern and handler; anonymous routes skip the login requirement. */
export interface Route {
  method: string
  pattern: string
  handler: Handler
  isAnonymous?: boolean
}

/** A lookup result: the route with its decoded parameters, or the methods the path allows. */
export type RouteMatch =
  | { route: Route; params: Record<string, string> }
  | { route: undefined; allowedMethods: string[] }

/** Rewrites Jira's `latest` API alias to version 2, which is what it serves. */
export function canonicalPath(path: string): string {
  return path.replace(/^\/rest\/api\/latest(?=\/|$)/, '/rest/api/2')
}

/** Finds the route for a method and canonical path; no allowed methods means no such path. */
export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
  const allowedMethods: string[] = []
  for (const route of routes) {
    const params = matchPattern(route.pattern, path)
    if (!params) continue
    if (route.method === method) return { route, params }
    allowedMethods.push(route.method)
  }
  return { route: undefined, allowedMethods }
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (const [index, segment] of want.entries()) {
    const value = got[index] ?? ''
    if (segment.startsWith(':')) {
      const decoded = safeDecode(value)
      if (!decoded) return undefined
      params[segment.slice(1)] = decoded
    } else if (segment !== value) {
      return undefined
    }
  }
  return params
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
