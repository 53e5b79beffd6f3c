/**
 * The fixed catalogue of the Jira stand-in: projects, statuses, issue types, priorities, fields,
 * boards and sprints, in the JSON shapes Jira Data Center's REST API uses.
 */

/** A project of the stand-in. */
export interface ProjectFixture {
  id: string
  key: string
  name: string
}

/** A status with its category, as Jira groups them. */
export interface StatusFixture {
  id: string
  name: string
  category: { id: number; key: string; colorName: string; name: string }
}

/** An agile board; only scrum boards have sprints. */
export interface BoardFixture {
  id: number
  name: string
  type: 'scrum' | 'kanban'
  projectKey: string
}

/** A kind of issue link, with how each side reads it. */
export interface LinkTypeFixture {
  id: string
  name: string
  inward: string
  outward: string
}

/** The projects; DEMO holds the generated issues, OPS starts empty. */
export const projects: ProjectFixture[] = [
  { id: '10000', key: 'DEMO', name: 'Demo project' },
  { id: '10001', key: 'OPS', name: 'Operations' },
]

/** The workflow statuses, in workflow order. */
export const statuses: StatusFixture[] = [
  {
    id: '10000',
    name: 'To Do',
    category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  },
  {
    id: '3',
    name: 'In Progress',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  { id: '10001', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
]

/** The workflow transitions: id, name and the status each leads to. */
export const transitions = [
  { id: '11', name: 'To Do', toStatusId: '10000' },
  { id: '21', name: 'In Progress', toStatusId: '3' },
  { id: '31', name: 'Done', toStatusId: '10001' },
]

/** The issue types. */
export const issueTypes = [
  { id: '10000', name: 'Epic', subtask: false },
  { id: '10001', name: 'Story', subtask: false },
  { id: '10002', name: 'Task', subtask: false },
  { id: '10003', name: 'Sub-task', subtask: true },
  { id: '10004', name: 'Bug', subtask: false },
]

/** The priorities, highest first. */
export const priorities = ['Highest', 'High', 'Medium', 'Low', 'Lowest']

/** The issue link types a fresh Jira has. */
export const linkTypes: LinkTypeFixture[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
]

/** Renders a link type. */
export function linkTypeJson(type: LinkTypeFixture, baseUrl: string) {
  return { ...type, self: `${baseUrl}/rest/api/2/issueLinkType/${type.id}` }
}

/** The agile boards. */
export const boards: BoardFixture[] = [
  { id: 1, name: 'DEMO board', type: 'scrum', projectKey: 'DEMO' },
  { id: 2, name: 'DEMO kanban', type: 'kanban', projectKey: 'DEMO' },
  { id: 3, name: 'OPS board', type: 'scrum', projectKey: 'OPS' },
]

/** The sprints of the scrum boards. */
export const sprints = [
  {
    id: 1,
    boardId: 1,
    name: 'DEMO Sprint 1',
    state: 'closed',
    start: '2024-01-01',
    end: '2024-01-15',
  },
  {
    id: 2,
    boardId: 1,
    name: 'DEMO Sprint 2',
    state: 'active',
    start: '2024-01-15',
    end: '2024-01-29',
  },
  { id: 3, boardId: 1, name: 'DEMO Sprint 3', state: 'future', start: undefined, end: undefined },
  {
    id: 4,
    boardId: 3,
    name: 'OPS Sprint 1',
    state: 'active',
    start: '2024-01-15',
    end: '2024-01-29',
  },
]

/** Looks a project up by key (case-insensitive, as Jira does) or id. */
export function findProject(keyOrId: string): ProjectFixture | undefined {
  const wanted = keyOrId.toUpperCase()
  return projects.find((project) => project.key === wanted || project.id === keyOrId)
}

/** Renders a project reference, as embedded in issues and lists. */
export function projectJson(project: ProjectFixture, baseUrl: string) {
  return {
    self: `${baseUrl}/rest/api/2/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    avatarUrls: { '48x48': `${baseUrl}/secure/projectavatar?avatarId=10324` },
  }
}

/** Renders a status. */
export function statusJson(status: StatusFixture, baseUrl: string) {
  const { category } = status
  return {
    self: `${baseUrl}/rest/api/2/status/${status.id}`,
    description: '',
    iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: { self: `${baseUrl}/rest/api/2/statuscategory/${category.id}`, ...category },
  }
}

/** Renders an issue type. */
export function issueTypeJson(type: (typeof issueTypes)[number], baseUrl: string) {
  return {
    self: `${baseUrl}/rest/api/2/issuetype/${type.id}`,
    id: type.id,
    description: `A ${type.name.toLowerCase()}.`,
    iconUrl: `${baseUrl}/secure/viewavatar?size=xsmall&avatarId=10315&avatarType=issuetype`,
    name: type.name,
    subtask: type.subtask,
  }
}

/** Renders the priorities. */
export function prioritiesJson(baseUrl: string) {
  return priorities.map((name, index) => ({
    self: `${baseUrl}/rest/api/2/priority/${index + 1}`,
    statusColor: '#cccccc',
    description: `${name} priority.`,
    iconUrl: `${baseUrl}/images/icons/priorities/${name.toLowerCase()}.svg`,
    name,
    id: String(index + 1),
  }))
}

/** Renders the versions of a project. */
export function versionsJson(project: ProjectFixture, baseUrl: string) {
  return ['1.0', '1.1', '2.0'].map((name, index) => {
    const id = String(Number(project.id) + 10000 + index)
    const isReleased = index < 2
    return {
      self: `${baseUrl}/rest/api/2/version/${id}`,
      id,
      name,
      archived: false,
      released: isReleased,
      projectId: Number(project.id),
    }
  })
}

// id, name, schema type; ids starting with `customfield_` are custom fields.
const fieldDefinitions: [string, string, string][] = [
  ['summary', 'Summary', 'string'],
  ['description', 'Description', 'string'],
  ['status', 'Status', 'status'],
  ['issuetype', 'Issue Type', 'issuetype'],
  ['project', 'Project', 'project'],
  ['priority', 'Priority', 'priority'],
  ['assignee', 'Assignee', 'user'],
  ['reporter', 'Reporter', 'user'],
  ['labels', 'Labels', 'array'],
  ['fixVersions', 'Fix Version/s', 'array'],
  ['created', 'Created', 'datetime'],
  ['updated', 'Updated', 'datetime'],
  ['customfield_10100', 'Epic Link', 'any'],
  ['customfield_10101', 'Sprint', 'array'],
  ['customfield_10104', 'Story Points', 'number'],
  ['customfield_10105', 'Rank', 'any'],
]

/** Renders the field list. */
export function fieldsJson() {
  return fieldDefinitions.map(([id, name, type]) => {
    const isCustom = id.startsWith('customfield_')
    return {
      id,
      name,
      custom: isCustom,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: isCustom ? [`cf[${id.slice('customfield_'.length)}]`, name] : [id],
      schema: isCustom ? { type, customId: Number(id.slice(12)) } : { type, system: id },
    }
  })
}
