/**
 * Credentials: each route's Jira credential, shown only as its kind, when and by whom it was set.
 */
import { Box, Text } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { FormBox } from '../components/FormBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { Table, type TableColumn, type TableRow } from '../components/Table.tsx'
import { formatDateTime } from '../format.ts'
import { type CredentialRow, useCredentialsScreen } from '../hooks/use-credentials.ts'
import { formHeight } from '../hooks/use-form.ts'
import type { KeyHelp } from '../screen-list.ts'

/** Props of CredentialsScreen. */
export interface CredentialsScreenProps {
  isActive: boolean
  width: number
  height: number
}

const columns: readonly TableColumn[] = [
  { title: 'route', width: 14, min: 8, grow: 'content' },
  { title: 'credential', width: 10 },
  { title: 'state', width: 9 },
  { title: 'set at (UTC)', width: 16 },
  { title: 'set by', width: 4, grow: 'rest' },
]

function toRow(row: CredentialRow): TableRow {
  const { credential, breaker } = row
  const kind = credential ? (credential.kind === 'basic' ? 'user+pass' : 'token') : 'not set'
  const state = !credential
    ? { text: '-' }
    : credential.isStale
      ? { text: 'STALE', color: 'red' }
      : breaker
        ? { text: 'REJECTED', color: 'red' }
        : { text: 'in use', color: 'green' }
  return {
    key: row.route,
    cells: [
      row.route,
      { text: kind, color: credential ? undefined : 'red' },
      state,
      formatDateTime(credential?.setAt),
      credential?.setBy ?? '-',
    ],
  }
}

/** Renders the Credentials screen. */
export function CredentialsScreen({ isActive, width, height }: CredentialsScreenProps) {
  const { rows, cursor, form } = useCredentialsScreen(isActive, Math.max(1, height - 4))
  const breaker = rows.data?.[cursor.index]?.breaker
  const note = breaker
    ? `Jira rejected it at ${formatDateTime(breaker.trippedAt)} UTC (${breaker.reason}); serve stopped sending it. Set a new one (b, t) or, once the account is fixed, resume (r).`
    : undefined
  const noteLines = note ? Math.ceil(note.length / width) : 0
  const errorRows = rows.error ? 4 : 0
  const below = 1 + formHeight(form) + errorRows + noteLines
  const hints: KeyHelp[] = [
    ['↑↓', 'select'],
    ['b', 'set user+password'],
    ['t', 'set token'],
    ['d', 'delete'],
  ]
  if (breaker) hints.push(['r', 'resume'])
  return (
    <Box flexDirection="column">
      <Table
        columns={columns}
        rows={(rows.data ?? []).map(toRow)}
        width={width}
        height={Math.max(2, height - below)}
        selected={cursor.index}
        empty="no routes yet: a credential belongs to a route (`japroxy route add`)"
      />
      {note ? <Text color="red">{note}</Text> : null}
      {rows.error ? <ErrorBox error={rows.error} /> : null}
      {form.spec ? (
        <FormBox form={{ ...form, spec: form.spec }} maxRows={height - 3 - noteLines - errorRows} />
      ) : null}
      <KeyHints hints={form.spec ? [] : hints} />
    </Box>
  )
}
