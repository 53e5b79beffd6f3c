/** Live requests: records as `serve` writes them, coloured by status; pause, filter, detail. */
import { Box, Text } from 'ink'
import { KeyHints } from '../components/KeyHints.tsx'
import { LiveBox, type LiveLine, liveBoxHeight } from '../components/LiveBox.tsx'
import { RequestDetail } from '../components/RequestDetail.tsx'
import { Table } from '../components/Table.tsx'
import { windowStart } from '../format.ts'
import { useLiveScreen } from '../hooks/use-live.ts'
import type { RequestTail } from '../hooks/use-request-tail.ts'
import { requestColumns, requestRow } from '../request-columns.ts'
import type { KeyHelp } from '../screen-list.ts'

/** Props of LiveScreen. */
export interface LiveScreenProps {
  isActive: boolean
  width: number
  height: number
  tail: RequestTail
}

const detailHeight = 16

/** Renders the Live screen. */
export function LiveScreen({ isActive, width, height, tail }: LiveScreenProps) {
  const live = useLiveScreen(tail, isActive, Math.max(1, height - 4))
  const filterLines: LiveLine[] = live.filter.problems.length
    ? live.filter.problems.map((p) => ({ text: p, color: 'yellow' }))
    : [{ text: 'status:5xx route:NAME key:KEYID ip:CIDR words', color: 'gray' }]
  // A box may take all but the state line, the hints row and the table's header and a row.
  const boxRoom = height - 4
  const box = live.detail
    ? detailHeight
    : live.filterInput
      ? liveBoxHeight(filterLines, width, boxRoom)
      : 0
  const tableHeight = Math.max(2, height - 2 - box)
  // Only the rows on screen are built, however many records are held.
  const size = tableHeight - 1
  const selected = live.isPaused ? live.cursor.index : 0
  const start = windowStart(live.visible.length, selected, size)
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
        columns={requestColumns(width)}
        rows={live.visible.slice(start, start + size).map((r) => requestRow(r, width))}
        width={width}
        height={tableHeight}
        selected={live.isPaused ? selected - start : undefined}
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
          input={live.filterInput}
          lines={filterLines}
          hint="applies as you type · Enter keeps it · Esc closes"
          maxRows={boxRoom}
        />
      ) : null}
      <KeyHints hints={hints} />
    </Box>
  )
}
