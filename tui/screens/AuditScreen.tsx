/** Audit trail: every admin change, newest first, with who made it; the selected one in full. */
import { Box, Text } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { LiveBox } from '../components/LiveBox.tsx'
import { Table, type TableColumn } from '../components/Table.tsx'
import { formatDateTime } from '../format.ts'
import { auditDetail, useAuditScreen } from '../hooks/use-audit.ts'

/** Props of AuditScreen. */
export interface AuditScreenProps {
  isActive: boolean
  width: number
  height: number
}

const columns: readonly TableColumn[] = [
  { title: 'time (UTC)', width: 16 },
  { title: 'who', width: 16, min: 10 },
  { title: 'action', width: 16, min: 12 },
  { title: 'target', width: 4, grow: 'rest' },
]

const detailLines = 3

/** Renders the Audit screen. */
export function AuditScreen({ isActive, width, height }: AuditScreenProps) {
  const { audit, visible, filterText, filterInput, cursor } = useAuditScreen(
    isActive,
    Math.max(1, height - 6),
  )
  const selected = visible[cursor.index]
  const box = filterInput ? 5 : 0
  return (
    <Box flexDirection="column">
      <Table
        columns={columns}
        rows={visible.map((r) => ({
          key: r.id,
          cells: [formatDateTime(r.ts), r.actor, r.action, r.target],
        }))}
        width={width}
        height={Math.max(2, height - 2 - detailLines - box - (audit.error ? 4 : 0))}
        selected={cursor.index}
        empty={filterText ? 'no change matches the filter' : 'no admin changes yet'}
      />
      {audit.error ? <ErrorBox error={audit.error} /> : null}
      <Box height={detailLines} flexDirection="column" overflow="hidden">
        {selected ? (
          <Text
            dimColor
          >{`${selected.action} ${selected.target}: ${auditDetail(selected) || '(no detail)'}`}</Text>
        ) : null}
      </Box>
      {filterInput ? (
        <LiveBox
          title="Filter the audit trail"
          label="/"
          input={filterInput}
          lines={[]}
          hint="applies as you type · Enter keeps it · Esc closes"
        />
      ) : null}
      <KeyHints
        hints={
          filterInput
            ? []
            : [
                ['↑↓', 'select'],
                ['/', filterText ? `filter: ${filterText}` : 'filter'],
              ]
        }
      />
    </Box>
  )
}
