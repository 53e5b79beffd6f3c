/** Live requests: records as `serve` writes them, coloured by status; pause, filter, detail. */
import { Box, Text } from 'ink'
import type { RequestRecord } from '../../store/request-records.ts'
import { KeyHints } from '../components/KeyHints.tsx'
import { LiveBox } from '../components/LiveBox.tsx'
import { RequestDetail } from '../components/RequestDetail.tsx'
import { Table, type TableRow } from '../components/Table.tsx'
import { formatClock, statusColor } from '../format.ts'
import { useLiveScreen } from '../hooks/use-live.ts'
import type { RequestTail } from '../hooks/use-request-tail.ts'
import type { KeyHelp } from '../screen-list.ts'

/** Props of LiveScreen. */
export interface LiveScreenProps {
  isActive: boolean
  width: number
  height: number
  tail: RequestTail
}

const columns = [
  { title: 'time UTC', width: 8 },
  { title: 'client IP', width: 15 },
  { title: 'method', width: 6 },
  { title: 'path', width: 'rest', isEndKept: true },
  { title: 'sta', width: 3 },
  { title: '   ms', width: 5 },
  { title: 'keyId', width: 10 },
  { title: 'reason', width: 12 },
] as const

const detailHeight = 16

function toRow(record: RequestRecord): TableRow {
  return {
    key: record.id ?? record.requestId,
    cells: [
      formatClock(record.ts),
      record.clientIp,
      record.method,
      record.path,
      { text: String(record.status), color: statusColor(record.status) },
      String(Math.round(record.durationMs)).padStart(5),
      record.keyId ?? '-',
      record.reason ?? '',
    ],
  }
}

/** Renders the Live screen. */
export function LiveScreen({ isActive, width, height, tail }: LiveScreenProps) {
  const live = useLiveScreen(tail, isActive, Math.max(1, height - 4))
  const box = live.detail
    ? detailHeight
    : live.filterInput
      ? 4 + (live.filter.problems.length || 1)
      : 0
  const state = live.isPaused ? `paused (${live.newSincePause} new; p resumes)` : 'following'
  const shown = live.filterText
    ? `${live.visible.length} match "${live.filterText}"`
    : `${live.held} held`
  const hints: KeyHelp[] =
    live.detail || live.filterInput
      ? []
      : [
          ['↑↓', 'select'],
          ['Enter', 'detail'],
          ['p', live.isPaused ? 'resume' : 'pause'],
          ['/', 'filter'],
          ['c', 'clear filter'],
        ]
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text color={live.isPaused ? 'yellow' : 'green'}>{live.isPaused ? '❚❚ ' : '● '}</Text>
        {`${state} · ${shown}`}
      </Text>
      <Table
        columns={columns}
        rows={live.visible.map(toRow)}
        width={width}
        height={Math.max(2, height - 2 - box)}
        selected={live.isPaused ? live.cursor.index : undefined}
        empty={
          live.filterText
            ? 'no request matches the filter'
            : 'no requests yet: they appear here as serve handles them'
        }
      />
      {live.detail ? <RequestDetail record={live.detail} /> : null}
      {live.filterInput ? (
        <LiveBox
          title="Filter"
          label="/"
          value={live.filterInput.value}
          lines={
            live.filter.problems.length
              ? live.filter.problems.map((p) => ({ text: p, color: 'yellow' }))
              : [{ text: 'status:5xx route:NAME key:KEYID ip:ADDR words', color: 'gray' }]
          }
          hint="applies as you type · Enter keeps it · Esc closes"
        />
      ) : null}
      <KeyHints hints={hints} />
    </Box>
  )
}
