/**
 * Jira Software's agile REST API (`/rest/agile/1.0`) and the older greenhopper board list, as
 * far as Jira Align uses them: boards, sprints, moving issues into a sprint and ranking.
 */
import { type BoardFixture, boards, sprints } from './fixtures.ts'
import { asString, parseJsonBody, readPage } from './handler-support.ts'
import { issueJson, type StoredIssue } from './issue-store.ts'
import { empty, jiraError, json, type Reply } from './reply.ts'
import type { Route, StandInContext } from './router.ts'

// The agile API's own paging limits.
const agileDefaultMax = 50
const agileMaxCap = 50

function paged<T>(ctx: StandInContext, all: T[], render: (item: T) => unknown): Reply {
  const { query } = ctx
  const page = readPage(query.get('startAt'), query.get('maxResults'), agileDefaultMax, agileMaxCap)
  const values = all.slice(page.startAt, page.startAt + page.maxResults).map(render)
  const isLast = page.startAt + values.length >= all.length
  return json(200, {
    maxResults: page.maxResults,
    startAt: page.startAt,
    total: all.length,
    isLast,
    values,
  })
}

function boardJson(board: BoardFixture, baseUrl: string) {
  return {
    id: board.id,
    self: `${baseUrl}/rest/agile/1.0/board/${board.id}`,
    name: board.name,
    type: board.type,
    location: { projectKey: board.projectKey, displayName: board.projectKey },
  }
}

function listBoards(ctx: StandInContext): Reply {
  const type = ctx.query.get('type')
  const projectKey = ctx.query.get('projectKeyOrId')?.toUpperCase()
  const found = boards.filter(
    (board) => (!type || board.type === type) && (!projectKey || board.projectKey === projectKey),
  )
  return paged(ctx, found, (board) => boardJson(board, ctx.baseUrl))
}

function listSprints(ctx: StandInContext): Reply {
  const board = boards.find((candidate) => String(candidate.id) === ctx.params.boardId)
  if (!board) return jiraError(404, [`The board ${ctx.params.boardId ?? ''} does not exist.`])
  if (board.type !== 'scrum') return jiraError(400, ['The board does not support sprints'])
  const states = ctx.query.get('state')?.split(',')
  const found = sprints.filter(
    (sprint) => sprint.boardId === board.id && (!states || states.includes(sprint.state)),
  )
  return paged(ctx, found, (sprint) => sprintJson(sprint, ctx.baseUrl))
}

function unknownIssues(ctx: StandInContext, keys: unknown): Reply | undefined {
  if (!Array.isArray(keys) || keys.length === 0) return jiraError(400, ['issues must not be empty'])
  const missing = keys.filter((key) => !ctx.issues.find(asString(key) ?? ''))
  if (missing.length > 0) return jiraError(400, [`Issues do not exist: ${missing.join(', ')}`])
  return undefined
}

function findIssues(ctx: StandInContext, keys: unknown[]): StoredIssue[] {
  return keys.map((key) => ctx.issues.find(asString(key) ?? '')!)
}

function sprintMissing(ctx: StandInContext): Reply {
  return jiraError(404, [`Sprint with id ${ctx.params.sprintId ?? ''} does not exist`])
}

function findSprint(ctx: StandInContext) {
  return sprints.find((sprint) => String(sprint.id) === ctx.params.sprintId)
}

function sprintJson(sprint: (typeof sprints)[number], baseUrl: string) {
  return {
    id: sprint.id,
    self: `${baseUrl}/rest/agile/1.0/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
    ...(sprint.start && { startDate: `${sprint.start}T09:00:00.000Z` }),
    ...(sprint.end && { endDate: `${sprint.end}T17:00:00.000Z` }),
    originBoardId: sprint.boardId,
  }
}

function getSprint(ctx: StandInContext): Reply {
  const sprint = findSprint(ctx)
  return sprint ? json(200, sprintJson(sprint, ctx.baseUrl)) : sprintMissing(ctx)
}

// The agile API's issue lists page like search: `issues`, not `values`.
function sprintIssues(ctx: StandInContext): Reply {
  const sprint = findSprint(ctx)
  if (!sprint) return sprintMissing(ctx)
  const { query } = ctx
  const page = readPage(query.get('startAt'), query.get('maxResults'), agileDefaultMax, agileMaxCap)
  const found = ctx.issues.search({ sprintId: sprint.id, isRankOrder: true })
  const issues = found.slice(page.startAt, page.startAt + page.maxResults)
  return json(200, {
    expand: 'schema,names',
    startAt: page.startAt,
    maxResults: page.maxResults,
    total: found.length,
    issues: issues.map((issue) => issueJson(issue, ctx.baseUrl)),
  })
}

function moveToSprint(ctx: StandInContext): Reply {
  const sprint = findSprint(ctx)
  if (!sprint) return sprintMissing(ctx)
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const { issues } = parsed.value
  const problem = unknownIssues(ctx, issues)
  if (problem) return problem
  ctx.issues.moveToSprint(findIssues(ctx, issues as unknown[]), sprint.id)
  return empty(204)
}

function rankIssues(ctx: StandInContext): Reply {
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const { issues, rankBeforeIssue, rankAfterIssue } = parsed.value
  const anchor = asString(rankBeforeIssue) ?? asString(rankAfterIssue)
  if (!anchor) return jiraError(400, ['rankBeforeIssue or rankAfterIssue is required'])
  const keys = Array.isArray(issues) ? issues : []
  const problem = unknownIssues(ctx, [...keys, anchor])
  if (problem) return problem
  const [anchorIssue] = findIssues(ctx, [anchor])
  ctx.issues.rankAround(
    findIssues(ctx, keys),
    anchorIssue!,
    asString(rankBeforeIssue) !== undefined,
  )
  return empty(204)
}

function rapidViews(): Reply {
  const views = boards.map((board) => ({
    id: board.id,
    name: board.name,
    canEdit: true,
    sprintSupportEnabled: board.type === 'scrum',
    showDaysInColumn: true,
    filter: {
      id: 10000 + board.id,
      name: `Filter for ${board.name}`,
      query: `project = ${board.projectKey}`,
    },
  }))
  return json(200, { views })
}

/** Routes of the agile API and the greenhopper board list. */
export const agileRoutes: Route[] = [
  { method: 'GET', pattern: '/rest/agile/1.0/board', handler: listBoards },
  { method: 'GET', pattern: '/rest/agile/1.0/board/:boardId/sprint', handler: listSprints },
  { method: 'GET', pattern: '/rest/agile/1.0/sprint/:sprintId', handler: getSprint },
  { method: 'GET', pattern: '/rest/agile/1.0/sprint/:sprintId/issue', handler: sprintIssues },
  { method: 'POST', pattern: '/rest/agile/1.0/sprint/:sprintId/issue', handler: moveToSprint },
  { method: 'PUT', pattern: '/rest/agile/1.0/issue/rank', handler: rankIssues },
  { method: 'GET', pattern: '/rest/greenhopper/1.0/rapidviews/list', handler: rapidViews },
]
