/**
 * The Credentials screen's data and actions. A secret is typed masked, sealed at once with the
 * store's public key, and dropped from memory; the screen only ever shows when and by whom.
 */
import { masterKeyPath } from '../../src/cli/context.ts'
import { type Breaker, listBreakers, resumeRoute } from '../../store/breakers.ts'
import {
  type CredentialInfo,
  type CredentialSecret,
  clearCredential,
  listCredentials,
  passwordProblem,
  setCredential,
  tokenProblem,
  usernameProblem,
  verifySealingKey,
} from '../../store/credentials.ts'
import type { Store } from '../../store/db.ts'
import { listRoutes } from '../../store/routes.ts'
import { formatDateTime } from '../format.ts'
import { type Form, type FormSpec, useForm } from './use-form.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import { useStore } from './use-store.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'

/** One route and what may be shown about its credential. */
export interface CredentialRow {
  route: string
  credential: CredentialInfo | undefined
  /** Set while serve has stopped sending the credential because Jira rejected it. */
  breaker: Breaker | undefined
}

/** What the Credentials screen shows and does. */
export interface CredentialsScreen {
  rows: QueryResult<CredentialRow[]>
  cursor: ListCursor
  form: Form
}

function readRows(db: Store): CredentialRow[] {
  const credentials = listCredentials(db)
  const breakers = listBreakers(db)
  return listRoutes(db).map((r) => ({
    route: r.name,
    credential: credentials.find((c) => c.route === r.name),
    breaker: breakers.find((b) => b.route === r.name),
  }))
}

function replaces(row: CredentialRow): string | undefined {
  const c = row.credential
  return c
    ? `replaces the ${c.kind} credential set ${formatDateTime(c.setAt)} UTC by ${c.setBy}`
    : undefined
}

function describe(secret: CredentialSecret): string {
  return secret.kind === 'basic' ? `the password of ${secret.username}` : 'the token'
}

/** State and keys of the Credentials screen; keys work only while `isActive`. */
export function useCredentialsScreen(isActive: boolean, pageSize: number): CredentialsScreen {
  const { db, actor, markChanged } = useStore()
  const rows = useStoreQuery(readRows)
  const form = useForm()
  const isListActive = isActive && !form.spec
  const cursor = useListCursor(rows.data?.length ?? 0, {
    isActive: isListActive,
    pageSize,
    ids: rows.data?.map((r) => r.route),
  })

  const seal = (route: string, secret: CredentialSecret): string => {
    // A store whose public key was replaced would hand the secret to whoever replaced it.
    const isVerified = verifySealingKey(db, masterKeyPath({ db: db.filename }))
    setCredential(db, actor, route, secret)
    markChanged()
    const unchecked = isVerified ? '' : ' (public key not checked: the master key is not readable)'
    return `sealed ${describe(secret)} for route ${route}${unchecked}`
  }

  const basicSpec = (row: CredentialRow): FormSpec => ({
    title: `Jira user + password for route ${row.route} (sent as Basic)`,
    note: replaces(row),
    fields: [
      {
        name: 'username',
        label: 'Jira user',
        hint: 'the service account, e.g. svc-jira-align',
        check: usernameProblem,
      },
      {
        name: 'password',
        label: 'Password',
        isMasked: true,
        hint: 'typed masked; never shown again',
        check: passwordProblem,
      },
    ],
    submit: (v) =>
      seal(row.route, { kind: 'basic', username: v.username ?? '', password: v.password ?? '' }),
  })

  const tokenSpec = (row: CredentialRow): FormSpec => ({
    title: `Personal access token for route ${row.route} (sent as Bearer)`,
    note: replaces(row),
    fields: [
      {
        name: 'token',
        label: 'Token',
        isMasked: true,
        hint: 'typed masked; never shown again',
        check: tokenProblem,
      },
    ],
    submit: (v) => seal(row.route, { kind: 'bearer', token: v.token ?? '' }),
  })

  const deleteSpec = (row: CredentialRow): FormSpec => ({
    title: `Delete the credential of route ${row.route}`,
    note: 'serve then forwards nothing that needs it. This cannot be undone.',
    fields: [
      {
        name: 'confirm',
        label: "Type the route's name to confirm",
        check: (v) => (v === row.route ? undefined : `type "${row.route}" exactly`),
      },
    ],
    submit: () => {
      clearCredential(db, actor, row.route)
      markChanged()
      return `deleted the credential of route ${row.route}`
    },
  })

  const resumeSpec = (row: CredentialRow): FormSpec => ({
    title: `Send the credential of route ${row.route} again`,
    note: 'Only once the Jira account is fixed: each rejection counts a failed Jira login.',
    fields: [
      {
        name: 'confirm',
        label: "Type the route's name to confirm",
        check: (v) => (v === row.route ? undefined : `type "${row.route}" exactly`),
      },
    ],
    submit: () => {
      resumeRoute(db, actor, row.route)
      markChanged()
      return `route ${row.route} resumed: serve sends the credential again`
    },
  })

  useKeyInput(
    (input) => {
      const selected = rows.data?.[cursor.current()]
      if (!selected) return
      if (input === 'b') form.open(basicSpec(selected))
      else if (input === 't') form.open(tokenSpec(selected))
      else if (input === 'd' && selected.credential) form.open(deleteSpec(selected))
      else if (input === 'r' && selected.breaker) form.open(resumeSpec(selected))
    },
    { isActive: isListActive },
  )

  return { rows, cursor, form }
}
