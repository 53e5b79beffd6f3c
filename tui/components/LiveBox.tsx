/**
 * A box that answers as you type: the input line and the answer lines under it. Long answer
 * lines wrap, keeping their indent. When the rows the screen can spare are too few for that,
 * each answer takes one row and the rows left over wrap the last ones (the verdict and the rule
 * that decided it); with fewer rows still, the middle answers give way to `…`.
 */
import { Box, Text, useWindowSize } from 'ink'
import { fit, wrapWords } from '../format.ts'
import type { TextInput } from '../hooks/use-text-input.ts'
import { InputLine } from './InputLine.tsx'

/** One answer line and its colour. */
export interface LiveLine {
  text: string
  color?: string
}

/** Props of LiveBox. */
export interface LiveBoxProps {
  title: string
  label: string
  input: TextInput
  lines: readonly LiveLine[]
  hint?: string
  /** The most rows the box may take; it fits its answers into them. */
  maxRows?: number
}

// Borders, title, input line and hint.
const chromeRows = 5

function wrapped(line: LiveLine, width: number): LiveLine[] {
  const indent = /^ */.exec(line.text)![0]
  const rows = wrapWords(line.text, width - indent.length, Number.POSITIVE_INFINITY)
  return rows.map((text) => ({ text: indent + text, color: line.color }))
}

/** The rows the answer lines take in a box `width` wide of at most `maxRows` rows. */
export function answerRows(
  lines: readonly LiveLine[],
  width: number,
  maxRows = Number.POSITIVE_INFINITY,
): LiveLine[] {
  const inner = Math.max(10, width - 4)
  const room = Math.max(1, maxRows - chromeRows)
  const full = lines.map((line) => wrapped(line, inner))
  if (full.flat().length <= room) return full.flat()
  const cut = lines.map((line) => ({ ...line, text: fit(line.text, inner).trimEnd() }))
  if (cut.length > room) {
    if (room < 3) return cut.slice(-room)
    const gap = { text: `… ${cut.length - room + 1} more lines`, color: 'gray' }
    return [...cut.slice(0, room - 2), gap, cut.at(-1)!]
  }
  const shown = cut.map((line) => [line])
  let spare = room - cut.length
  for (let i = full.length - 1; i >= 0 && spare > 0; i--) {
    const extra = full[i]!.length - 1
    if (extra === 0 || extra > spare) continue
    shown[i] = full[i]!
    spare -= extra
  }
  return shown.flat()
}

/** How many rows the box takes at `width`, given at most `maxRows`. */
export function liveBoxHeight(lines: readonly LiveLine[], width: number, maxRows?: number): number {
  return chromeRows + answerRows(lines, width, maxRows).length
}

/** Renders the box. */
export function LiveBox({ title, label, input, lines, hint, maxRows }: LiveBoxProps) {
  const { columns } = useWindowSize()
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold wrap="truncate">
        {title}
      </Text>
      <InputLine label={label} input={input} width={Math.max(8, columns - 4 - label.length - 2)} />
      {answerRows(lines, columns, maxRows).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: answer lines have no identity
        <Text key={i} color={line.color} wrap="truncate">
          {line.text}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {hint ?? 'Esc closes'}
      </Text>
    </Box>
  )
}
