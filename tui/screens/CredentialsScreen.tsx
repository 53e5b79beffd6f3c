/** Credentials: each route's Jira credential, shown only as its kind, when and by whom it was set. */
import { Box } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { FormBox } from '../components/FormBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { Table } from '../components/Table.tsx'
import { formatDateTime } from '../format.ts'
import { useCredentialsScreen } from '../hooks/use-credentials.ts'
import { formHeight } from '../hooks/use-form.ts'

/** Props of CredentialsScreen. */
export interface CredentialsScreenProps {
  isActive: boolean
  width: number
  height: number
}

const columns = [
  { title: 'route', width: 14 },
  { title: 'credential', width: 12 },
  { title: 'set at (UTC)', width: 16 },
  { title: 'set by', width: 'rest' },
] as const

/** Renders the Credentials screen. */
export function CredentialsScreen({ isActive, width, height }: CredentialsScreenProps) {
  const { rows, cursor, form } = useCredentialsScreen(isActive, Math.max(1, height - 4))
  const below = 1 + formHeight(form) + (rows.error ? 4 : 0)
  return (
    <Box flexDirection="column">
      <Table
        columns={columns}
        rows={(rows.data ?? []).map((r) => ({
          key: r.route,
          cells: [
            r.route,
            r.credential
              ? { text: r.credential.kind === 'basic' ? 'user+pass' : 'token', color: 'green' }
              : { text: 'not set', color: 'red' },
            formatDateTime(r.credential?.setAt),
            r.credential?.setBy ?? '-',
          ],
        }))}
        width={width}
        height={Math.max(2, height - below)}
        selected={cursor.index}
        empty="no routes yet: a credential belongs to a route (`japroxy route add`)"
      />
      {rows.error ? <ErrorBox error={rows.error} /> : null}
      {form.spec ? <FormBox form={{ ...form, spec: form.spec }} /> : null}
      <KeyHints
        hints={
          form.spec
            ? []
            : [
                ['↑↓', 'select'],
                ['b', 'set user+password'],
                ['t', 'set token'],
                ['d', 'delete'],
              ]
        }
      />
    </Box>
  )
}
