/**
 * Issue writes of Jira's REST API v2 as the stand-in imitates them: create, read with ETag,
 * edit guarded by If-Match, delete, transitions, links and attachment uploads.
 */
import {
  findProject,
  issueTypes,
  linkTypeJson,
  linkTypes,
  statuses,
  statusJson,
  transitions,
} from './fixtures.ts'
import { asRecord, asString, parseJsonBody } from './handler-support.ts'
import { issueEtag, issueJson, jiraTimestamp, type StoredIssue } from './issue-store.ts'
import { empty, jiraError, json, type Reply, text } from './reply.ts'
import type { Route, StandInContext } from './router.ts'

function issueMissing(): Reply {
  return jiraError(404, ['Issue Does Not Exist'])
}

function findIssue(ctx: StandInContext): StoredIssue | undefined {
  return ctx.issues.find(ctx.params.idOrKey ?? '')
}

function createIssue(ctx: StandInContext): Reply {
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const fields = asRecord(parsed.value.fields)
  const projectRef = asRecord(fields.project)
  const project = findProject(asString(projectRef.key) ?? asString(projectRef.id) ?? '')
  const typeRef = asRecord(fields.issuetype)
  const type = issueTypes.find(
    (candidate) => candidate.id === asString(typeRef.id) || candidate.name === typeRef.name,
  )
  const summary = asString(fields.summary)?.trim()
  const errors: Record<string, string> = {}
  if (!project) errors.project = 'project is required'
  if (!type) errors.issuetype = 'valid issue type is required'
  if (!summary) errors.summary = 'You must specify a summary of the issue.'
  if (!project || !type || !summary) return jiraError(400, [], errors)
  const issue = ctx.issues.create(project, summary, type.id)
  const self = `${ctx.baseUrl}/rest/api/2/issue/${issue.id}`
  return json(201, { id: String(issue.id), key: issue.key, self })
}

function getIssue(ctx: StandInContext): Reply {
  const issue = findIssue(ctx)
  if (!issue) return issueMissing()
  return json(200, issueJson(issue, ctx.baseUrl), { ETag: issueEtag(issue) })
}

// If-Match holds one or more entity tags, or `*` (RFC 9110 section 13.1.1).
function isPreconditionMet(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined) return true
  const tags = ifMatch.split(',').map((tag) => tag.trim())
  return tags.includes('*') || tags.includes(etag)
}

function editIssue(ctx: StandInContext): Reply {
  const issue = findIssue(ctx)
  if (!issue) return issueMissing()
  if (!isPreconditionMet(ctx.req.headers['if-match'], issueEtag(issue))) {
    const message = 'The issue has changed since it was read; read it again and retry.'
    return jiraError(412, [message], {}, { ETag: issueEtag(issue) })
  }
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const fields = asRecord(parsed.value.fields)
  const summary = asString(fields.summary)
  const description = asString(fields.description)
  if (summary !== undefined && summary.trim() === '') {
    return jiraError(400, [], { summary: 'You must specify a summary of the issue.' })
  }
  ctx.issues.update(issue, {
    ...(summary && { summary }),
    ...(description !== undefined && { description }),
  })
  return empty(204, { ETag: issueEtag(issue) })
}

function deleteIssue(ctx: StandInContext): Reply {
  const issue = findIssue(ctx)
  if (!issue) return issueMissing()
  ctx.issues.delete(issue)
  return empty(204)
}

function listTransitions(ctx: StandInContext): Reply {
  if (!findIssue(ctx)) return issueMissing()
  const available = transitions.map((transition) => {
    const status = statuses.find((candidate) => candidate.id === transition.toStatusId)!
    const to = statusJson(status, ctx.baseUrl)
    return { id: transition.id, name: transition.name, to, hasScreen: false, isGlobal: true }
  })
  return json(200, { expand: 'transitions', transitions: available })
}

function doTransition(ctx: StandInContext): Reply {
  const issue = findIssue(ctx)
  if (!issue) return issueMissing()
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const wanted = asString(asRecord(parsed.value.transition).id)
  const transition = transitions.find((candidate) => candidate.id === wanted)
  if (!transition) {
    return jiraError(400, [`Transition id '${wanted ?? ''}' is not valid for this issue.`])
  }
  ctx.issues.update(issue, { statusId: transition.toStatusId })
  return empty(204)
}

function findLinkType(ref: Record<string, unknown>) {
  const name = asString(ref.name)?.toLowerCase()
  const id = asString(ref.id)
  return linkTypes.find((type) => type.id === id || type.name.toLowerCase() === name)
}

// Jira reads `inwardIssue` [outward description] `outwardIssue`: inward blocks outward.
function linkIssues(ctx: StandInContext): Reply {
  const parsed = parseJsonBody(ctx.body)
  if ('error' in parsed) return parsed.error
  const typeRef = asRecord(parsed.value.type)
  if (!asString(typeRef.name) && !asString(typeRef.id)) {
    return jiraError(400, ['Issue link type is required.'])
  }
  const type = findLinkType(typeRef)
  if (!type)
    return jiraError(404, [`No issue link type with name '${asString(typeRef.name)}' found.`])
  const [from, to] = [parsed.value.inwardIssue, parsed.value.outwardIssue].map((ref) => {
    const { key, id } = asRecord(ref)
    return ctx.issues.find(asString(key) ?? asString(id) ?? '')
  })
  if (!from || !to) return issueMissing()
  const linkId = ctx.issues.link(type, from, to)
  return empty(201, { Location: `${ctx.baseUrl}/rest/api/2/issueLink/${linkId}` })
}

function listLinkTypes(ctx: StandInContext): Reply {
  return json(200, { issueLinkTypes: linkTypes.map((type) => linkTypeJson(type, ctx.baseUrl)) })
}

function addAttachments(ctx: StandInContext): Reply {
  // Jira refuses multipart posts without this header to stop cross-site form posts.
  const token = ctx.req.headers['x-atlassian-token']
  if (typeof token !== 'string' || token.toLowerCase() !== 'no-check') {
    return text(403, 'XSRF check failed')
  }
  const issue = findIssue(ctx)
  if (!issue) return issueMissing()
  const files = ctx.body.parts.filter((part) => part.name === 'file' && part.filename !== undefined)
  if (files.length === 0) {
    return jiraError(400, ['A multipart/form-data body with a part named "file" is required.'])
  }
  const created = jiraTimestamp(new Date())
  const attachments = files.map((file) => {
    const id = ctx.issues.newAttachmentId()
    const filename = file.filename ?? ''
    return {
      self: `${ctx.baseUrl}/rest/api/2/attachment/${id}`,
      id: String(id),
      filename,
      author: { name: ctx.username },
      created,
      size: file.size,
      mimeType: file.contentType ?? 'application/octet-stream',
      content: `${ctx.baseUrl}/secure/attachment/${id}/${encodeURIComponent(filename)}`,
      bodyLength: ctx.body.length,
      bodySha256: ctx.body.sha256,
    }
  })
  return json(200, attachments)
}

/** Routes that read and change single issues. */
export const issueRoutes: Route[] = [
  { method: 'POST', pattern: '/rest/api/2/issue', handler: createIssue },
  { method: 'GET', pattern: '/rest/api/2/issue/:idOrKey', handler: getIssue },
  { method: 'PUT', pattern: '/rest/api/2/issue/:idOrKey', handler: editIssue },
  { method: 'DELETE', pattern: '/rest/api/2/issue/:idOrKey', handler: deleteIssue },
  { method: 'GET', pattern: '/rest/api/2/issue/:idOrKey/transitions', handler: listTransitions },
  { method: 'POST', pattern: '/rest/api/2/issue/:idOrKey/transitions', handler: doTransition },
  { method: 'POST', pattern: '/rest/api/2/issueLink', handler: linkIssues },
  { method: 'GET', pattern: '/rest/api/2/issueLinkType', handler: listLinkTypes },
  { method: 'POST', pattern: '/rest/api/2/issue/:idOrKey/attachments', handler: addAttachments },
]
