/**
 * The issues of the Jira stand-in, kept in memory: generated at start for project DEMO, then
 * created, edited, transitioned and deleted through the REST API. Each edit bumps a version
 * that feeds the ETag.
 */
import {
  findProject,
  issueTypeJson,
  issueTypes,
  type LinkTypeFixture,
  linkTypeJson,
  type ProjectFixture,
  projectJson,
  statuses,
  statusJson,
} from './fixtures.ts'

/** One issue as the stand-in keeps it. */
export interface StoredIssue {
  id: number
  key: string
  project: ProjectFixture
  summary: string
  description: string
  statusId: string
  issueTypeId: string
  updated: Date
  version: number
  /** Position in the global rank order (lower ranks first), as Jira Software keeps it. */
  rank: number
  /** The sprint the issue is in, or undefined for the backlog. */
  sprintId: number | undefined
  links: IssueLinkRef[]
}

/** One side of an issue link: `outward` when this issue is the one that, say, blocks. */
export interface IssueLinkRef {
  id: number
  type: LinkTypeFixture
  direction: 'inward' | 'outward'
  other: StoredIssue
}

/** A search filter: the simple JQL clauses the stand-in understands. */
export interface IssueFilter {
  projectKey?: string
  issueKey?: string
  sprintId?: number
  isRankOrder?: boolean
}

// Fixed so that generated issues, and so test expectations, are the same on every run.
const generatedEpoch = Date.UTC(2024, 0, 1)
const firstIssueId = 10000
const firstAttachmentId = 20000
const firstLinkId = 30000

/** In-memory issue storage, ordered by id. */
export class IssueStore {
  private readonly byId = new Map<number, StoredIssue>()
  private readonly byKey = new Map<string, StoredIssue>()
  private readonly nextNumber = new Map<string, number>()
  private nextId = firstIssueId
  private attachmentCount = 0
  private linkCount = 0

  /** Creates a store holding `count` generated issues in project DEMO. */
  constructor(count: number) {
    const demo = findProject('DEMO')!
    for (let index = 0; index < count; index++) {
      const issue = this.create(demo, `Demo issue ${index + 1}`, issueTypes[1]!.id)
      issue.statusId = statuses[index % statuses.length]!.id
      issue.updated = new Date(generatedEpoch + index * 60_000)
    }
  }

  /** Adds an issue with the next key of its project, in status To Do. */
  create(project: ProjectFixture, summary: string, issueTypeId: string): StoredIssue {
    const number = this.nextNumber.get(project.key) ?? 1
    this.nextNumber.set(project.key, number + 1)
    const issue: StoredIssue = {
      id: this.nextId++,
      key: `${project.key}-${number}`,
      project,
      summary,
      description: '',
      statusId: statuses[0]!.id,
      issueTypeId,
      updated: new Date(),
      version: 1,
      rank: issueRankStep * (this.nextId - firstIssueId),
      sprintId: undefined,
      links: [],
    }
    this.byId.set(issue.id, issue)
    this.byKey.set(issue.key, issue)
    return issue
  }

  /** Finds an issue by numeric id or by key (case-insensitive). */
  find(idOrKey: string): StoredIssue | undefined {
    if (/^\d+$/.test(idOrKey)) return this.byId.get(Number(idOrKey))
    return this.byKey.get(idOrKey.toUpperCase())
  }

  /** Applies a change to an issue and bumps its version. */
  update(
    issue: StoredIssue,
    change: Partial<Pick<StoredIssue, 'summary' | 'description' | 'statusId' | 'sprintId'>>,
  ) {
    Object.assign(issue, change)
    issue.updated = new Date()
    issue.version++
  }

  /** Hands out the id of a new attachment. */
  newAttachmentId(): number {
    this.attachmentCount++
    return firstAttachmentId + this.attachmentCount
  }

  /** Links `from` to `to` (`from` blocks `to`, say) and returns the link's id. */
  link(type: LinkTypeFixture, from: StoredIssue, to: StoredIssue): number {
    const id = firstLinkId + ++this.linkCount
    from.links.push({ id, type, direction: 'outward', other: to })
    to.links.push({ id, type, direction: 'inward', other: from })
    return id
  }

  /** Moves issues into a sprint. */
  moveToSprint(issues: StoredIssue[], sprintId: number): void {
    for (const issue of issues) this.update(issue, { sprintId })
  }

  /** Ranks issues, in the order given, right before or right after the anchor issue. */
  rankAround(issues: StoredIssue[], anchor: StoredIssue, isBefore: boolean): void {
    const moving = new Set(issues)
    const order = [...this.byId.values()].filter((i) => !moving.has(i)).sort(byRank)
    order.splice(order.indexOf(anchor) + (isBefore ? 0 : 1), 0, ...issues)
    order.forEach((issue, index) => {
      issue.rank = issueRankStep * index
    })
  }

  /** Removes an issue. */
  delete(issue: StoredIssue): void {
    this.byId.delete(issue.id)
    this.byKey.delete(issue.key)
  }

  /** Lists the issues that match a filter, by id. */
  search(filter: IssueFilter): StoredIssue[] {
    const issueKey = filter.issueKey?.toUpperCase()
    const projectKey = filter.projectKey?.toUpperCase()
    const found = [...this.byId.values()].filter(
      (issue) =>
        (issueKey === undefined || issue.key === issueKey) &&
        (filter.sprintId === undefined || issue.sprintId === filter.sprintId) &&
        (projectKey === undefined ||
          issue.project.key === projectKey ||
          issue.project.id === projectKey),
    )
    return filter.isRankOrder ? found.sort(byRank) : found
  }
}

// Ranks are spaced out like Jira's LexoRank buckets; only their order matters here.
const issueRankStep = 10

function byRank(a: StoredIssue, b: StoredIssue): number {
  return a.rank - b.rank
}

/** Returns the strong ETag of an issue's current version. */
export function issueEtag(issue: StoredIssue): string {
  return `"${issue.id}-${issue.version}"`
}

/**
 * Reads the simple `project = X`, `key = X` and `sprint = N` clauses of a JQL query and an
 * `ORDER BY Rank`; the rest is ignored.
 */
export function parseJql(jql: string): IssueFilter {
  const [where = '', orderBy = ''] = jql.split(/\border\s+by\b/i)
  const filter: IssueFilter = { isRankOrder: /^\s*rank\b/i.test(orderBy) }
  const clause = /\b(project|key|issuekey|sprint)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))/gi
  for (const match of where.matchAll(clause)) {
    const value = match[2] ?? match[3] ?? match[4] ?? ''
    const field = match[1]!.toLowerCase()
    if (field === 'project') filter.projectKey = value
    else if (field === 'sprint') filter.sprintId = Number(value)
    else filter.issueKey = value
  }
  return filter
}

/** Renders an issue the way search and GET issue return it. */
export function issueJson(issue: StoredIssue, baseUrl: string) {
  const status = statuses.find((candidate) => candidate.id === issue.statusId) ?? statuses[0]!
  const type = issueTypes.find((candidate) => candidate.id === issue.issueTypeId) ?? issueTypes[1]!
  return {
    expand: 'operations,versionedRepresentations,editmeta,changelog,renderedFields',
    id: String(issue.id),
    self: `${baseUrl}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields: {
      summary: issue.summary,
      description: issue.description || null,
      status: statusJson(status, baseUrl),
      issuetype: issueTypeJson(type, baseUrl),
      project: projectJson(issue.project, baseUrl),
      updated: jiraTimestamp(issue.updated),
      issuelinks: issue.links.map((link) => issueLinkJson(link, baseUrl)),
    },
  }
}

// An issue link as one side shows it: on the issue that blocks, the other is `outwardIssue`.
function issueLinkJson(link: IssueLinkRef, baseUrl: string) {
  const { other } = link
  const status = statuses.find((candidate) => candidate.id === other.statusId) ?? statuses[0]!
  const otherJson = {
    id: String(other.id),
    key: other.key,
    self: `${baseUrl}/rest/api/2/issue/${other.id}`,
    fields: { summary: other.summary, status: statusJson(status, baseUrl) },
  }
  return {
    id: String(link.id),
    self: `${baseUrl}/rest/api/2/issueLink/${link.id}`,
    type: linkTypeJson(link.type, baseUrl),
    [link.direction === 'outward' ? 'outwardIssue' : 'inwardIssue']: otherJson,
  }
}

/** Formats a time the way Jira's REST API does (`2024-01-01T00:00:00.000+0000`). */
export function jiraTimestamp(time: Date): string {
  return time.toISOString().replace('Z', '+0000')
}
