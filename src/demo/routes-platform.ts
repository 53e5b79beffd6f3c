/**
 * The read-mostly part of Jira's REST API v2 that the stand-in imitates: serverInfo, myself,
 * projects and the catalogues, and issue search with paging.
 */
import {
  fieldsJson,
  findProject,
  issueTypeJson,
  issueTypes,
  prioritiesJson,
  projectJson,
  projects,
  statuses,
  statusJson,
  versionsJson,
} from './fixtures.ts'
import { asRecord, asString, parseJsonBody, readPage } from './handler-support.ts'
import { issueJson, jiraTimestamp, parseJql } from './issue-store.ts'
import { jiraError, json, type Reply } from './reply.ts'
import type { Route, StandInContext } from './router.ts'

/** The Jira version the stand-in claims to be. */
export const standInVersion = '9.12.0'

// Jira's own limits for search: 50 results unless asked, never more than 1000.
const searchDefaultMax = 50
const searchMaxCap = 1000

function serverInfo(ctx: StandInContext): Reply {
  const info: Record<string, unknown> = {
    baseUrl: ctx.baseUrl,
    version: standInVersion,
    versionNumbers: standInVersion.split('.').map(Number),
    deploymentType: 'Server',
    buildNumber: 912000,
    buildDate: '2023-11-28T00:00:00.000+0000',
    serverTime: jiraTimestamp(new Date()),
    scmInfo: 'stand-in',
    serverTitle: 'Jira stand-in',
  }
  if (ctx.query.get('doHealthCheck') === 'true') info.healthChecks = []
  return json(200, info)
}

function myself(ctx: StandInContext): Reply {
  const username = ctx.username ?? ''
  const user = ctx.users.find((candidate) => candidate.username === username)
  return json(200, {
    self: `${ctx.baseUrl}/rest/api/2/user?username=${encodeURIComponent(username)}`,
    key: username,
    name: username,
    emailAddress: `${username}@example.com`,
    displayName: user?.displayName ?? username,
    active: true,
    timeZone: 'UTC',
    locale: 'en_US',
  })
}

function projectList(ctx: StandInContext): Reply {
  return json(
    200,
    projects.map((project) => projectJson(project, ctx.baseUrl)),
  )
}

function projectNotFound(keyOrId: string): Reply {
  return jiraError(404, [`No project could be found with key '${keyOrId}'.`])
}

function projectDetail(ctx: StandInContext): Reply {
  const project = findProject(ctx.params.key ?? '')
  if (!project) return projectNotFound(ctx.params.key ?? '')
  return json(200, {
    ...projectJson(project, ctx.baseUrl),
    description: `${project.name} of the Jira stand-in.`,
    lead: { name: ctx.users[0]?.username ?? 'admin', active: true },
    issueTypes: issueTypes.map((type) => issueTypeJson(type, ctx.baseUrl)),
    versions: versionsJson(project, ctx.baseUrl),
    archived: false,
  })
}

function projectVersions(ctx: StandInContext): Reply {
  const project = findProject(ctx.params.key ?? '')
  if (!project) return projectNotFound(ctx.params.key ?? '')
  return json(200, versionsJson(project, ctx.baseUrl))
}

function searchGet(ctx: StandInContext): Reply {
  const { query } = ctx
  return search(ctx, query.get('jql') ?? '', query.get('startAt'), query.get('maxResults'))
}

function searchPost(ctx: StandInContext): Reply {
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const { jql, startAt, maxResults } = asRecord(parsed.value)
  return search(ctx, asString(jql) ?? '', startAt, maxResults)
}

function search(ctx: StandInContext, jql: string, startAt: unknown, maxResults: unknown): Reply {
  const page = readPage(startAt, maxResults, searchDefaultMax, searchMaxCap)
  const found = ctx.issues.search(parseJql(jql))
  const slice = found.slice(page.startAt, page.startAt + page.maxResults)
  return json(200, {
    expand: 'schema,names',
    startAt: page.startAt,
    maxResults: page.maxResults,
    total: found.length,
    issues: slice.map((issue) => issueJson(issue, ctx.baseUrl)),
  })
}

/** Routes of the platform REST API (serverInfo, myself, projects, catalogues, search). */
export const platformRoutes: Route[] = [
  // Jira DC's load-balancer probe; like the real one it needs no login.
  {
    method: 'GET',
    pattern: '/status',
    handler: () => json(200, { state: 'RUNNING' }),
    isAnonymous: true,
  },
  { method: 'GET', pattern: '/rest/api/2/serverInfo', handler: serverInfo, isAnonymous: true },
  { method: 'GET', pattern: '/rest/api/2/myself', handler: myself },
  { method: 'GET', pattern: '/rest/api/2/project', handler: projectList },
  { method: 'GET', pattern: '/rest/api/2/project/:key', handler: projectDetail },
  { method: 'GET', pattern: '/rest/api/2/project/:key/versions', handler: projectVersions },
  { method: 'GET', pattern: '/rest/api/2/field', handler: () => json(200, fieldsJson()) },
  {
    method: 'GET',
    pattern: '/rest/api/2/priority',
    handler: (ctx) => json(200, prioritiesJson(ctx.baseUrl)),
  },
  {
    method: 'GET',
    pattern: '/rest/api/2/status',
    handler: (ctx) =>
      json(
        200,
        statuses.map((status) => statusJson(status, ctx.baseUrl)),
      ),
  },
  {
    method: 'GET',
    pattern: '/rest/api/2/issuetype',
    handler: (ctx) =>
      json(
        200,
        issueTypes.map((type) => issueTypeJson(type, ctx.baseUrl)),
      ),
  },
  { method: 'GET', pattern: '/rest/api/2/search', handler: searchGet },
  { method: 'POST', pattern: '/rest/api/2/search', handler: searchPost },
]
