/** The screens in tab order, the key that opens each, and every key each one takes (for `?`). */

/** A screen's identifier. */
export type ScreenId = 'overview' | 'keys' | 'allow' | 'routes' | 'credentials' | 'live' | 'audit'

/** A key and what it does. */
export type KeyHelp = readonly [key: string, action: string]

/** One screen as the tab bar and help show it. */
export interface ScreenInfo {
  id: ScreenId
  /** The number key that opens it. */
  key: string
  title: string
  keys: readonly KeyHelp[]
}

/** Keys that work on every screen (except while typing into a box). */
export const globalKeys: readonly KeyHelp[] = [
  ['1-7', 'open a screen'],
  ['Tab / Shift+Tab', 'next / previous screen'],
  ['?', 'show or hide this help'],
  ['q', 'quit (Ctrl+C too)'],
]

/** Keys inside any input box. */
export const boxKeys: readonly KeyHelp[] = [
  ['Enter', 'next field / submit'],
  ['Esc', 'cancel; nothing is written'],
  ['← → Home End', 'move the cursor (Ctrl+A, Ctrl+E too)'],
  ['Backspace, Delete', 'delete before / under the cursor; Ctrl+U clears'],
]

/** Every screen, in tab order. */
export const screens: readonly ScreenInfo[] = [
  {
    id: 'overview',
    key: '1',
    title: 'Overview',
    keys: [['↑ ↓', 'scroll the routes']],
  },
  {
    id: 'keys',
    key: '2',
    title: 'Keys',
    keys: [
      ['↑ ↓', 'select a key'],
      ['n', 'create a key (shown once)'],
      ['r', 'revoke the selected key (type its name to confirm)'],
      ['e', 'set or clear the expiry of the selected key'],
      ['l', 'set or remove its rate limit (600/min 60; off)'],
    ],
  },
  {
    id: 'allow',
    key: '3',
    title: 'Allow-list',
    keys: [
      ['↑ ↓', 'select an entry'],
      ['a', 'add an entry (global or for a route)'],
      ['d', 'remove the selected entry'],
      ['t', 'would this address get in?'],
    ],
  },
  {
    id: 'routes',
    key: '4',
    title: 'Routes',
    keys: [
      ['↑ ↓', 'select a route, or a field while editing'],
      ['Enter', 'edit the selected route / the selected field'],
      ['Esc', 'stop editing'],
      ['x', 'explain what happens to "METHOD PATH" on this route'],
    ],
  },
  {
    id: 'credentials',
    key: '5',
    title: 'Credentials',
    keys: [
      ['↑ ↓', 'select a route'],
      ['b', 'set or replace: Jira user + password (Basic)'],
      ['t', 'set or replace: personal access token (Bearer)'],
      ['d', 'delete the credential (type the route name to confirm)'],
      ['r', 'resume: send it again after Jira rejected it (type the route name)'],
    ],
  },
  {
    id: 'live',
    key: '6',
    title: 'Live',
    keys: [
      ['↑ ↓', 'select a request (pauses)'],
      ['Enter', 'details of the selected request'],
      ['Esc', 'close the details'],
      ['p or Space', 'pause / resume'],
      ['/', 'filter: status:5xx route:NAME key:KEYID ip:CIDR words'],
      ['c', 'clear the filter'],
    ],
  },
  {
    id: 'audit',
    key: '7',
    title: 'Audit',
    keys: [
      ['↑ ↓', 'select a change; its detail shows below'],
      ['/', 'filter by text'],
    ],
  },
]

/** The screen after (`step` 1) or before (`step` -1) `id`, wrapping around. */
export function nextScreen(id: ScreenId, step: 1 | -1): ScreenId {
  const index = screens.findIndex((s) => s.id === id)
  return screens[(index + step + screens.length) % screens.length]!.id
}
