/** A table with a bold header and a window of rows that keeps the selected row in view. */
import { Box, Text } from 'ink'
import { type ColumnSize, columnWidths, shownColumns } from '../column-widths.ts'
import { fit, fitEnd, windowStart } from '../format.ts'

/** A column: its title and how wide it may be (see column-widths.ts). */
export interface TableColumn extends ColumnSize {
  title: string
  /** Cut long text at the start instead of the end (for paths). */
  isEndKept?: boolean
}

/** A cell: plain text, or text with a colour. */
export type TableCell = string | { text: string; color?: string }

/** A row: its cells in column order. */
export interface TableRow {
  key: string | number
  cells: readonly TableCell[]
  isDim?: boolean
}

/** Props of Table. */
export interface TableProps {
  columns: readonly TableColumn[]
  rows: readonly TableRow[]
  width: number
  /** Rows of the terminal the table may use, header included. */
  height: number
  /** The selected row, or undefined when the table has no selection. */
  selected?: number
  /** Shown instead of rows when there are none. */
  empty?: string
}

function cellText(cell: TableCell | undefined): string {
  return typeof cell === 'object' ? cell.text : (cell ?? '')
}

/** The shown columns' indexes and widths at `width`; names grow to fit on wide terminals. */
function layout(columns: readonly TableColumn[], rows: readonly TableRow[], width: number) {
  const shown = shownColumns(columns, width)
  const longest = shown.map((i) =>
    rows.reduce(
      (most, row) => Math.max(most, cellText(row.cells[i]).length),
      columns[i]!.title.length,
    ),
  )
  const sizes = columnWidths(
    shown.map((i) => columns[i]!),
    longest,
    width,
  )
  return shown.map((index, n) => ({ index, size: sizes[n]!, column: columns[index]! }))
}

/** Renders the header and the rows that fit. */
export function Table({ columns, rows, width, height, selected, empty }: TableProps) {
  const cells = layout(columns, rows, width)
  const size = Math.max(1, height - 1)
  const start = windowStart(rows.length, selected ?? 0, size)
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {cells.map((c) => fit(c.column.title, c.size)).join(' ')}
      </Text>
      {rows.length === 0 && empty ? <Text dimColor>{empty}</Text> : null}
      {rows.slice(start, start + size).map((row, offset) => (
        <Text
          key={row.key}
          wrap="truncate"
          inverse={start + offset === selected}
          dimColor={row.isDim}
        >
          {cells.map(({ index, size, column }, n) => {
            const cell = row.cells[index]
            return (
              <Text key={index} color={typeof cell === 'object' ? cell.color : undefined}>
                {(column.isEndKept ? fitEnd : fit)(cellText(cell), size)}
                {n < cells.length - 1 ? ' ' : ''}
              </Text>
            )
          })}
        </Text>
      ))}
    </Box>
  )
}
