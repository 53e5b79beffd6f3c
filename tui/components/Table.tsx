/** A table with a bold header and a window of rows that keeps the selected row in view. */
import { Box, Text } from 'ink'
import { fit, fitEnd, windowStart } from '../format.ts'

/** A column: its title and width in cells, or `rest` for what is left. */
export interface TableColumn {
  title: string
  width: number | 'rest'
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

function widths(columns: readonly TableColumn[], total: number): number[] {
  const fixed = columns.reduce((sum, c) => sum + (c.width === 'rest' ? 0 : c.width), 0)
  const rest = Math.max(4, total - fixed - (columns.length - 1))
  return columns.map((c) => (c.width === 'rest' ? rest : c.width))
}

/** Renders the header and the rows that fit. */
export function Table({ columns, rows, width, height, selected, empty }: TableProps) {
  const sizes = widths(columns, width)
  const size = Math.max(1, height - 1)
  const start = windowStart(rows.length, selected ?? 0, size)
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {columns.map((c, i) => fit(c.title, sizes[i]!)).join(' ')}
      </Text>
      {rows.length === 0 && empty ? <Text dimColor>{empty}</Text> : null}
      {rows.slice(start, start + size).map((row, offset) => (
        <Text
          key={row.key}
          wrap="truncate"
          inverse={start + offset === selected}
          dimColor={row.isDim}
        >
          {row.cells.map((cell, i) => {
            const text = typeof cell === 'string' ? cell : cell.text
            const color = typeof cell === 'string' ? undefined : cell.color
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional columns
              <Text key={i} color={color}>
                {(columns[i]?.isEndKept ? fitEnd : fit)(text, sizes[i]!)}
                {i < sizes.length - 1 ? ' ' : ''}
              </Text>
            )
          })}
        </Text>
      ))}
    </Box>
  )
}
