/**
 * The Allow-list screen's data and actions: list, add with live checks, remove, and the test box.
 */
import { useState } from 'react'
import {
  type AllowEntry,
  addAllowEntry,
  isVeryBroad,
  listAllowEntries,
  normaliseCidr,
  removeAllowEntry,
} from '../../store/allow-list.ts'
import type { Store } from '../../store/db.ts'
import { listRoutes } from '../../store/routes.ts'
import { wouldGetIn } from '../allow-check.ts'
import type { LiveLine } from '../components/LiveBox.tsx'
import { type Form, type FormSpec, useForm } from './use-form.ts'
import { useInputLock } from './use-input-lock.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import { useStore } from './use-store.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'
import { type TextInput, useTextInput } from './use-text-input.ts'

/** What the Allow-list screen reads. */
export interface AllowData {
  entries: AllowEntry[]
  routes: string[]
}

/** What the Allow-list screen shows and does. */
export interface AllowListScreen {
  data: QueryResult<AllowData>
  cursor: ListCursor
  form: Form
  /** The "would this address get in?" box, when open. */
  test: { input: TextInput; lines: LiveLine[] } | undefined
}

function readAllow(db: Store): AllowData {
  return { entries: listAllowEntries(db), routes: listRoutes(db).map((r) => r.name) }
}

const broadWarning =
  'WARNING: this lets a large part of the Internet in; the API key is the only check left'

function cidrPreview(text: string): string[] {
  const { cidr } = normaliseCidr(text)
  if (!cidr) return []
  const lines = [`stored as ${cidr}`]
  if (isVeryBroad(cidr)) lines.push(broadWarning)
  return lines
}

function addSpec(db: Store, actor: string, routes: string[], done: () => void): FormSpec {
  const scopes = ['global', ...routes]
  return {
    title: 'Add an allow-list entry',
    fields: [
      {
        name: 'cidr',
        label: 'Address or CIDR',
        hint: 'IPv4, IPv6 or CIDR: 203.0.113.7, 10.0.0.0/8, 2001:db8::/32',
        check: (v) => normaliseCidr(v).problems[0],
        preview: cidrPreview,
      },
      {
        name: 'scope',
        label: 'For',
        initial: 'global',
        hint: `global, or one route: ${routes.join(', ') || '(no routes yet)'}`,
        check: (v) => (scopes.includes(v) ? undefined : `"${v}" is not global or a route name`),
      },
      { name: 'note', label: 'Note', hint: 'who this is, e.g. Jira Align EU egress (optional)' },
    ],
    submit: (values) => {
      const route = values.scope === 'global' ? undefined : values.scope
      const entry = addAllowEntry(db, actor, { cidr: values.cidr ?? '', route, note: values.note })
      done()
      const added = `added ${entry.cidr} to the ${route ? `route ${route}` : 'global'} allow-list`
      return isVeryBroad(entry.cidr) ? `${added}. ${broadWarning}` : added
    },
  }
}

function removeSpec(db: Store, actor: string, entry: AllowEntry, done: () => void): FormSpec {
  const where = entry.route ? `route ${entry.route}'s list` : 'the global list'
  return {
    title: `Remove ${entry.cidr} from ${where}`,
    note: entry.note ? `note: ${entry.note}` : undefined,
    fields: [
      {
        name: 'confirm',
        label: 'Type yes to remove it',
        check: (v) => (v === 'yes' ? undefined : 'type yes'),
      },
    ],
    submit: () => {
      removeAllowEntry(db, actor, { id: entry.id })
      done()
      return `removed ${entry.cidr} from ${where}`
    },
  }
}

/** State and keys of the Allow-list screen; keys work only while `isActive`. */
export function useAllowListScreen(isActive: boolean, pageSize: number): AllowListScreen {
  const { db, actor, markChanged } = useStore()
  const data = useStoreQuery(readAllow)
  const form = useForm()
  const [isTesting, setIsTesting] = useState(false)
  const isListActive = isActive && !form.spec && !isTesting
  const entries = data.data?.entries ?? []
  const cursor = useListCursor(entries.length, {
    isActive: isListActive,
    pageSize,
    ids: entries.map((e) => String(e.id)),
  })
  const testInput = useTextInput({
    isActive: isActive && isTesting,
    onCancel: () => setIsTesting(false),
  })
  useInputLock(isTesting)

  useKeyInput(
    (input) => {
      const selected = entries[cursor.current()]
      if (input === 'a') form.open(addSpec(db, actor, data.data?.routes ?? [], markChanged))
      else if (input === 'd' && selected) form.open(removeSpec(db, actor, selected, markChanged))
      else if (input === 't') {
        testInput.setValue('')
        setIsTesting(true)
      }
    },
    { isActive: isListActive },
  )

  let test: AllowListScreen['test']
  if (isTesting) {
    const answers = wouldGetIn(entries, data.data?.routes ?? [], testInput.value)
    const lines =
      typeof answers === 'string'
        ? [{ text: answers, color: 'yellow' }]
        : answers.map((a) => ({ text: a.text, color: a.isAllowed ? 'green' : 'red' }))
    test = { input: testInput, lines }
  }
  return { data, cursor, form, test }
}
