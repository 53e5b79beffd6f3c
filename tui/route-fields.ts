/**
 * The route settings the Routes screen edits: how each is shown as one line of text and read
 * back. Checking is left to the store's own `validateRoute`.
 */

import { parseDuration } from '../src/cli/parse.ts'
import type { Route, RouteFields } from '../store/routes.ts'

/** One editable route setting. */
export interface RouteSetting {
  /** The `routes.NAME.<key>` prefix of this setting's problems from `validateRoute`. */
  key: string
  label: string
  hint: string
  show: (route: Route) => string
  /** Reads the typed text into route fields; may throw a parser's error. */
  read: (text: string, route: Route) => Partial<RouteFields>
}

function list(text: string): string[] {
  return text
    .split(';')
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
}

/** The editable settings, in the order the screen lists them. */
export const routeSettings: readonly RouteSetting[] = [
  {
    key: 'upstreamUrl',
    label: 'Upstream URL',
    hint: 'the private Jira URL, e.g. https://jira.internal:8443',
    show: (r) => r.upstreamUrl,
    read: (text) => ({ upstreamUrl: text.trim() }),
  },
  {
    key: 'publicUrl',
    label: 'Public URL',
    hint: 'how clients reach japroxy, e.g. https://japroxy.example.com (empty: none)',
    show: (r) => r.publicUrl ?? '',
    read: (text) => ({ publicUrl: text.trim() || undefined }),
  },
  {
    key: 'upstreamCaFile',
    label: 'Upstream CA file',
    hint: "PEM file of the CA that signed Jira's certificate (empty: system roots)",
    show: (r) => r.upstreamCaFile ?? '',
    read: (text) => ({ upstreamCaFile: text.trim() || undefined }),
  },
  {
    key: 'headerTimeoutMs',
    label: 'Header timeout',
    hint: "wait for Jira's response headers: 500ms, 30s, 2m (bodies have no limit)",
    show: (r) => shownDuration(r.headerTimeoutMs),
    read: (text) => ({ headerTimeoutMs: parseDuration(text) }),
  },
  {
    key: 'anonymousPaths',
    label: 'Anonymous paths',
    hint: '"METHOD /exact/path" forwarded without a key, separated by ;',
    show: (r) => r.anonymousPaths.join('; '),
    read: (text) => ({ anonymousPaths: list(text) }),
  },
  {
    key: 'policy.profile',
    label: 'Endpoint profile',
    hint: "jira-align (the connector's REST families) or none (only your rules)",
    show: (r) => r.policy.profile,
    read: (text, r) => ({
      policy: { ...r.policy, profile: text.trim() as Route['policy']['profile'] },
    }),
  },
  {
    key: 'policy.rules',
    label: 'Endpoint rules',
    hint: '"allow|deny METHODS PATTERN" checked before the profile, separated by ;',
    show: (r) => r.policy.rules.join('; '),
    read: (text, r) => ({ policy: { ...r.policy, rules: list(text) } }),
  },
  {
    key: 'rewriteLinks',
    label: 'Link rewriting',
    hint: 'on (Jira links in JSON bodies point at the public URL) or off',
    show: (r) => (r.rewriteLinks ? (r.publicUrl ? 'on' : 'on (no public URL yet)') : 'off'),
    read: (text) => ({ rewriteLinks: onOff(text) }),
  },
]

// Reads the text of an on/off setting; its first word decides, so the shown text reads back.
function onOff(text: string): boolean {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase()
  if (word === 'on') return true
  if (word === 'off') return false
  throw new Error(`"${text.trim()}" is not on or off`)
}

/** A route's editable fields (everything but id and times). */
export function fieldsOf(route: Route): RouteFields {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = route
  return fields
}

/** A duration in the largest unit that divides it (60000 → 60s, 120000 → 2m), as typed. */
export function shownDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}
