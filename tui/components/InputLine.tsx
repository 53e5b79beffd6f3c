/** The line being typed: label, the part of the value around the cursor, and the cursor. */
import { Text } from 'ink'
import type { TextInput } from '../hooks/use-text-input.ts'

/** What of a value is shown in `width` columns: the text before, under and after the cursor. */
export interface InputWindow {
  before: string
  under: string
  after: string
}

/**
 * The part of `chars` shown in `width` columns with the cursor in sight. The cursor takes a cell
 * of its own after the end; a cut side shows `…`. Typing at the end keeps the end in view.
 */
export function inputWindow(chars: readonly string[], cursor: number, width: number): InputWindow {
  const cells = chars.length + 1
  const fit = Math.max(1, width - 1)
  let [start, end] = [0, cells]
  if (cells > width) {
    if (cursor >= cells - fit) start = cells - fit
    else if (cursor < fit) end = fit
    else {
      // Cut on both sides: the cursor sits in the last cell, as it does while typing.
      start = cursor - Math.max(1, width - 2) + 1
      end = cursor + 1
    }
  }
  const text = (from: number, to: number) => chars.slice(from, to).join('')
  return {
    before: (start > 0 ? '…' : '') + text(start, cursor),
    under: chars[cursor] ?? ' ',
    after: text(cursor + 1, Math.min(end, chars.length)) + (end < cells ? '…' : ''),
  }
}

/** Props of InputLine. */
export interface InputLineProps {
  label: string
  input: TextInput
  /** Columns for the value and its cursor. */
  width: number
  /** Shown as dots: for passwords and tokens. */
  isMasked?: boolean
}

/** Renders the line; the cursor is the inverse cell. */
export function InputLine({ label, input, width, isMasked }: InputLineProps) {
  const chars = [...input.value].map((char) => (isMasked ? '•' : char))
  const shown = inputWindow(chars, input.cursor, width)
  return (
    <Text wrap="truncate">
      <Text bold>{`${label}: `}</Text>
      {shown.before}
      <Text inverse>{shown.under}</Text>
      {shown.after}
    </Text>
  )
}
