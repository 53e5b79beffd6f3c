/** Allow-list: global and per-route entries with notes; add, remove, and "would this get in?". */
import { Box } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { FormBox } from '../components/FormBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { LiveBox, liveBoxHeight } from '../components/LiveBox.tsx'
import { Table, type TableColumn } from '../components/Table.tsx'
import { formatDate } from '../format.ts'
import { useAllowListScreen } from '../hooks/use-allow-list.ts'
import { formHeight } from '../hooks/use-form.ts'

/** Props of AllowListScreen. */
export interface AllowListScreenProps {
  isActive: boolean
  width: number
  height: number
}

const columns: readonly TableColumn[] = [
  { title: 'for', width: 12, min: 6, grow: 'content' },
  { title: 'address / CIDR', width: 28, min: 18, grow: 'content' },
  { title: 'added', width: 10 },
  { title: 'note', width: 4, grow: 'rest' },
]

/** Renders the Allow-list screen. */
export function AllowListScreen({ isActive, width, height }: AllowListScreenProps) {
  const { data, cursor, form, test } = useAllowListScreen(isActive, Math.max(1, height - 4))
  const entries = data.data?.entries ?? []
  const errorRows = data.error ? 4 : 0
  // A box may take all but the hints row and the table's header and selected entry.
  const boxRoom = height - 3 - errorRows
  const below =
    1 + formHeight(form) + (test ? liveBoxHeight(test.lines, width, boxRoom) : 0) + errorRows
  return (
    <Box flexDirection="column">
      <Table
        columns={columns}
        rows={entries.map((e) => ({
          key: e.id,
          cells: [
            { text: e.route ?? 'global', color: e.route ? undefined : 'cyan' },
            e.cidr,
            formatDate(e.createdAt),
            e.note,
          ],
        }))}
        width={width}
        height={Math.max(2, height - below)}
        selected={cursor.index}
        empty="the allow-list is empty: nobody gets in. Press a to add an entry."
      />
      {data.error ? <ErrorBox error={data.error} /> : null}
      {form.spec ? <FormBox form={{ ...form, spec: form.spec }} maxRows={boxRoom} /> : null}
      {test ? (
        <LiveBox
          title="Would this address get in?"
          label="Client IP"
          input={test.input}
          lines={test.lines}
          hint="answers as you type, as serve would judge it · Esc closes"
          maxRows={boxRoom}
        />
      ) : null}
      <KeyHints
        hints={
          form.spec || test
            ? []
            : [
                ['↑↓', 'select'],
                ['a', 'add'],
                ['d', 'remove'],
                ['t', 'would this address get in?'],
              ]
        }
      />
    </Box>
  )
}
