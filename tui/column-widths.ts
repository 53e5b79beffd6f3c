/**
 * How wide each column of a table is at a terminal width: every column starts at its usual
 * width; on a narrow terminal the columns that may shrink give up cells, the one with the most
 * to spare first, and the columns that may be left out are; on a wide terminal the spare cells
 * go in turn to the growing columns whose longest cell is cut (names, paths), and what is left
 * to the `rest` column.
 */

/** How one column may be sized. */
export interface ColumnSize {
  /** Cells it takes when there is room for every column at its usual width. */
  width: number
  /** It may shrink to this many cells on a narrow terminal (default: `width`). */
  min?: number
  /** Takes spare cells up to its longest cell; `rest` also takes what is left after that. */
  grow?: 'content' | 'rest'
  /** The most cells it grows to for its longest cell. */
  max?: number
  /** Left out when the table is narrower than this. */
  hideBelow?: number
}

/** Which columns are shown at `total` width: their indexes, in order. */
export function shownColumns(columns: readonly ColumnSize[], total: number): number[] {
  return columns.flatMap((c, i) => ((c.hideBelow ?? 0) <= total ? [i] : []))
}

/**
 * The width of each of `columns` (all shown) in `total` cells, one space between columns;
 * `longest[i]` is the length of column i's longest cell.
 */
export function columnWidths(
  columns: readonly ColumnSize[],
  longest: readonly number[],
  total: number,
): number[] {
  const sizes = columns.map((c) => c.width)
  const room = total - (columns.length - 1)
  const used = () => sizes.reduce((sum, size) => sum + size, 0)
  // Bounded: every pass takes a cell from a column above its minimum, or stops.
  while (used() > room) {
    const slack = sizes.map((size, i) => size - (columns[i]!.min ?? columns[i]!.width))
    const widest = slack.indexOf(Math.max(...slack))
    if (slack[widest]! <= 0) break
    sizes[widest]! -= 1
  }
  let spare = room - used()
  // A cell at a time in turn, so that two long columns share the room.
  const wanting = (i: number) => {
    const column = columns[i]!
    const want = Math.min(longest[i] ?? 0, column.max ?? Number.POSITIVE_INFINITY)
    return column.grow !== undefined && sizes[i]! < want
  }
  while (spare > 0 && sizes.some((_, i) => wanting(i))) {
    for (let i = 0; i < sizes.length && spare > 0; i++) {
      if (!wanting(i)) continue
      sizes[i]! += 1
      spare -= 1
    }
  }
  const rest = columns.findIndex((c) => c.grow === 'rest')
  if (rest >= 0) sizes[rest] = Math.max(1, sizes[rest]! + spare)
  return sizes
}
