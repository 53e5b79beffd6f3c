/**
 * The issues of the Jira stand-in, kept in memory: generated at start for project DEMO, then
 * created, edited, transitioned and deleted through the REST API. Each edit bumps a version
 * that feeds the ETag.
 */
import {
  findProject,
  issueTypeJson,
  issueTypes,
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
}

/** A search filter: the simple JQL clauses the stand-in understands. */
export interface IssueFilter {
  projectKey?: string
  issueKey?: string
}

// Fixed so that generated issues, and so test expectations, are the same on every run.
const generatedEpoch = Date.UTC(2024, 0, 1)
const firstIssueId = 10000
const firstAttachmentId = 20000

/** In-memory issue storage, ordered by id. */
export class IssueStore {
  private readonly byId = new Map<number, StoredIssue>()
  private readonly byKey = new Map<string, StoredIssue>()
  private readonly nextNumber = new Map<string, number>()
  private nextId = firstIssueId
  private attachmentCount = 0

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
    change: Partial<Pick<StoredIssue, 'summary' | 'description' | 'statusId'>>,
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

  /** Removes an issue. */
  delete(issue: StoredIssue): void {
    this.byId.delete(issue.id)
    this.byKey.delete(issue.key)
  }

  /** Lists the issues that match a filter, by id. */
  search(filter: IssueFilter): StoredIssue[] {
    const issueKey = filter.issueKey?.toUpperCase()
    const projectKey = filter.projectKey?.toUpperCase()
    return [...this.byId.values()].filter(
      (issue) =>
        (issueKey === undefined || issue.key === issueKey) &&
        (projectKey === undefined ||
          issue.project.key === projectKey ||
          issue.project.id === projectKey),
    )
  }
}

/** Returns the strong ETag of an issue's current version. */
export function issueEtag(issue: StoredIssue): string {
  return `"${issue.id}-${issue.version}"`
}

/** Reads the simple `project = X` and `key = X` clauses of a JQL query; the rest is ignored. */
export function parseJql(jql: string): IssueFilter {
  const where = jql.split(/\border\s+by\b/i)[0] ?? ''
  const filter: IssueFilter = {}
  const clause = /\b(project|key|issuekey)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))/gi
  for (const match of where.matchAll(clause)) {
    const value = match[2] ?? match[3] ?? match[4] ?? ''
    if (match[1]!.toLowerCase() === 'project') filter.projectKey = value
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
    },
  }
}

/** Formats a time the way Jira's REST API does (`2024-01-01T00:00:00.000+0000`). */
export function jiraTimestamp(time: Date): string {
  return time.toISOString().replace('Z', '+0000')
}
