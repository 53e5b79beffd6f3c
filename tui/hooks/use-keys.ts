/** The Keys screen's data and actions: list, create (shown once), revoke by name, expiry. */
import { useState } from 'react'
import { parseLimitLine } from '../../src/cli/commands/key-limit.ts'
import { parseExpiry } from '../../src/cli/parse.ts'
import {
  type ApiKey,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  setApiKeyExpiry,
  setApiKeyRateLimit,
  validateNewKey,
} from '../../store/keys.ts'
import { listRoutes } from '../../store/routes.ts'
import { problemOf } from '../errors.ts'
import { formatDateTime } from '../format.ts'
import { type Form, type FormSpec, useForm } from './use-form.ts'
import { useInputLock } from './use-input-lock.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import { useSetStatus } from './use-status.ts'
import { useStore } from './use-store.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'

/** A key just created: held only until the admin has seen it. */
export interface NewKey {
  name: string
  keyId: string
  apiKey: string
}

/** What the Keys screen shows and does. */
export interface KeysScreen {
  keys: QueryResult<ApiKey[]>
  cursor: ListCursor
  form: Form
  newKey: NewKey | undefined
}

function expiryProblem(text: string): string | undefined {
  if (text === '' || text === 'never') return undefined
  const problem = problemOf(() => parseExpiry(text))
  if (problem) return problem
  return parseExpiry(text) <= Date.now() ? 'must be a date in the future' : undefined
}

function expiryValue(text: string): number | undefined {
  return text === '' || text === 'never' ? undefined : parseExpiry(text)
}

function expiryPreview(text: string): string[] {
  const at = expiryValue(text)
  return [at === undefined ? 'never expires' : `expires ${formatDateTime(at)} UTC`]
}

/** A key's rate limit in words. */
export function describeLimit(key: ApiKey): string {
  return key.ratePerMinute === undefined
    ? 'no limit'
    : `${key.ratePerMinute}/min, burst ${key.rateBurst ?? key.ratePerMinute}`
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean)
}

/** State and keys of the Keys screen; keys work only while `isActive`. */
export function useKeysScreen(isActive: boolean, pageSize: number): KeysScreen {
  const { db, actor, markChanged } = useStore()
  const setStatus = useSetStatus()
  const keys = useStoreQuery(listApiKeys, { isLive: true })
  const form = useForm()
  const [newKey, setNewKey] = useState<NewKey | undefined>()
  const isListActive = isActive && !form.spec && !newKey
  const cursor = useListCursor(keys.data?.length ?? 0, {
    isActive: isListActive,
    pageSize,
    ids: keys.data?.map((k) => k.keyId),
  })
  useInputLock(newKey !== undefined)

  const createSpec = (): FormSpec => {
    const routeNames = listRoutes(db).map((r) => r.name)
    const problems = (prefix: string, name: string, routes: string[], at?: number) =>
      validateNewKey(db, name, routes, at).find((p) => p.startsWith(prefix))
    return {
      title: 'Create an API key',
      fields: [
        {
          name: 'name',
          label: 'Name',
          hint: 'e.g. jira-align-prod',
          check: (v) => problems('keys.name', v, routeNames),
        },
        {
          name: 'routes',
          label: 'Routes',
          // With several routes none is granted unless named: Enter alone must not grant all.
          initial: routeNames.length === 1 ? routeNames[0] : '',
          hint: `routes granted, comma-separated (there are: ${routeNames.join(', ') || 'none'})`,
          check: (v, all) => problems('keys.routes', all.name ?? '', splitList(v)),
        },
        {
          name: 'expires',
          label: 'Expires',
          hint: '2027-01-31, 90d, or empty for never',
          check: expiryProblem,
          preview: expiryPreview,
        },
      ],
      submit: (values) => {
        const created = createApiKey(db, actor, {
          name: values.name ?? '',
          routes: splitList(values.routes ?? ''),
          expiresAt: expiryValue(values.expires ?? ''),
        })
        markChanged()
        setNewKey({ name: created.key.name, keyId: created.key.keyId, apiKey: created.apiKey })
        return `created key ${created.key.name} (keyId ${created.key.keyId})`
      },
    }
  }

  const revokeSpec = (key: ApiKey): FormSpec => ({
    title: `Revoke key "${key.name}" (keyId ${key.keyId})`,
    note: 'Requests with it are refused within a second. This cannot be undone.',
    fields: [
      {
        name: 'confirm',
        label: "Type the key's name to confirm",
        check: (v) => (v === key.name ? undefined : `type "${key.name}" exactly`),
      },
    ],
    submit: () => {
      revokeApiKey(db, actor, key.name)
      markChanged()
      return `revoked key ${key.name} (keyId ${key.keyId})`
    },
  })

  const expirySpec = (key: ApiKey): FormSpec => ({
    title: `Expiry of key "${key.name}"`,
    note: `now: ${key.expiresAt === undefined ? 'never expires' : `${formatDateTime(key.expiresAt)} UTC`}`,
    fields: [
      {
        name: 'expires',
        label: 'Expires',
        hint: '2027-01-31, 90d, or never',
        // Typed out: an empty Enter must not silently make a key (even an expired one) eternal.
        check: (text) => (text === '' ? 'type a date, a duration, or never' : expiryProblem(text)),
        preview: expiryPreview,
      },
    ],
    submit: (values) => {
      const at = expiryValue(values.expires ?? '')
      setApiKeyExpiry(db, actor, key.name, at)
      markChanged()
      return `key ${key.name} ${at === undefined ? 'no longer expires' : `expires ${formatDateTime(at)} UTC`}`
    },
  })

  const limitSpec = (key: ApiKey): FormSpec => ({
    title: `Rate limit of key "${key.name}"`,
    note: `now: ${describeLimit(key)}; beyond it requests get 429 with Retry-After`,
    fields: [
      {
        name: 'limit',
        label: 'Limit',
        hint: '600/min, 10/s or 5000/h, then a burst if wanted (600/min 60); off removes it',
        check: (text) =>
          text.trim() === '' ? 'type a rate, or off' : problemOf(() => parseLimitLine(text)),
        preview: (text) => {
          const limit = parseLimitLine(text)
          return [limit ? `${limit.perMinute} a minute, ${limit.burst} at once` : 'no limit']
        },
      },
    ],
    submit: (values) => {
      const limit = parseLimitLine(values.limit ?? '')
      setApiKeyRateLimit(db, actor, key.name, limit)
      markChanged()
      return `key ${key.name}: ${limit ? `${limit.perMinute}/min, burst ${limit.burst}` : 'no rate limit'}`
    },
  })

  useKeyInput(
    (input) => {
      const selected = keys.data?.[cursor.current()]
      if (input === 'n') form.open(createSpec())
      else if (['r', 'e', 'l'].includes(input) && selected?.revokedAt !== undefined)
        setStatus({
          text: `key ${selected?.name} is revoked; create a new key instead`,
          tone: 'info',
        })
      else if (input === 'r' && selected) form.open(revokeSpec(selected))
      else if (input === 'e' && selected) form.open(expirySpec(selected))
      else if (input === 'l' && selected) form.open(limitSpec(selected))
    },
    { isActive: isListActive },
  )

  // The key leaves memory as soon as the admin has seen it.
  useKeyInput(
    (_input, key) => {
      if (key.return || key.escape) setNewKey(undefined)
    },
    { isActive: isActive && newKey !== undefined },
  )

  return { keys, cursor, form, newKey }
}
