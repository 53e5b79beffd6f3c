/** Keys: every API key with its status; create (shown once), revoke by typing the name, expiry. */
import { Box } from 'ink'
import { type ApiKey, keyStatus } from '../../store/keys.ts'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { FormBox } from '../components/FormBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { NewKeyBox } from '../components/NewKeyBox.tsx'
import { Table, type TableColumn, type TableRow } from '../components/Table.tsx'
import { formatAgo, formatDate } from '../format.ts'
import { formHeight } from '../hooks/use-form.ts'
import { useKeysScreen } from '../hooks/use-keys.ts'

/** Props of KeysScreen. */
export interface KeysScreenProps {
  isActive: boolean
  width: number
  height: number
}

// Names and routes take the spare width; below 72 columns `created` makes way for the status.
const columns: readonly TableColumn[] = [
  { title: 'keyId', width: 10 },
  { title: 'name', width: 12, min: 8, grow: 'content' },
  { title: 'routes', width: 6, grow: 'content' },
  { title: 'created', width: 10, hideBelow: 72 },
  { title: 'expires', width: 10 },
  { title: 'last used', width: 9 },
  { title: 'limit', width: 8, hideBelow: 100 },
  { title: 'status', width: 7 },
]

const statusColors = { active: 'green', expired: 'yellow', revoked: 'red' } as const

function toRow(key: ApiKey, now: number): TableRow {
  const status = keyStatus(key, now)
  return {
    key: key.id,
    isDim: status !== 'active',
    cells: [
      key.keyId,
      key.name,
      key.routes.join(','),
      formatDate(key.createdAt),
      key.expiresAt === undefined ? 'never' : formatDate(key.expiresAt),
      formatAgo(key.lastUsedAt, now),
      key.ratePerMinute === undefined ? '-' : `${key.ratePerMinute}/min`,
      { text: status, color: statusColors[status] },
    ],
  }
}

const newKeyHeight = 8

/** Renders the Keys screen. */
export function KeysScreen({ isActive, width, height }: KeysScreenProps) {
  const { keys, cursor, form, newKey } = useKeysScreen(isActive, Math.max(1, height - 4))
  const now = Date.now()
  const errorRows = keys.error ? 4 : 0
  const below = 1 + formHeight(form) + (newKey ? newKeyHeight : 0) + errorRows
  return (
    <Box flexDirection="column">
      {/* While a new key is shown, it has the screen to itself: nothing may push its title
          ("shown only this once") out of a small terminal. */}
      {newKey ? null : (
        <Table
          columns={columns}
          rows={(keys.data ?? []).map((k) => toRow(k, now))}
          width={width}
          height={Math.max(2, height - below)}
          selected={cursor.index}
          empty="no API keys yet: press n to create one"
        />
      )}
      {keys.error ? <ErrorBox error={keys.error} /> : null}
      {form.spec ? (
        <FormBox form={{ ...form, spec: form.spec }} maxRows={height - 3 - errorRows} />
      ) : null}
      {newKey ? <NewKeyBox {...newKey} width={width} /> : null}
      <KeyHints
        hints={
          newKey
            ? [['Enter', 'I have copied the key']]
            : form.spec
              ? []
              : [
                  ['↑↓', 'select'],
                  ['n', 'new key'],
                  ['r', 'revoke'],
                  ['e', 'expiry'],
                  ['l', 'limit'],
                ]
        }
      />
    </Box>
  )
}
