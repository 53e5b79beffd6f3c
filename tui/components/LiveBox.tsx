/** A box that answers as you type: the input line and the answer lines under it. */
import { Box, Text, useWindowSize } from 'ink'
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
}

/** About how many rows the box takes at `width`, long answer lines wrapping. */
export function liveBoxHeight(lines: readonly LiveLine[], width: number): number {
  const inner = Math.max(10, width - 4)
  return (
    4 + lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.text.length / inner)), 0)
  )
}

/** Renders the box. */
export function LiveBox({ title, label, input, lines, hint }: LiveBoxProps) {
  const { columns } = useWindowSize()
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{title}</Text>
      <InputLine label={label} input={input} width={Math.max(8, columns - 4 - label.length - 2)} />
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: answer lines have no identity
        <Text key={i} color={line.color}>
          {line.text}
        </Text>
      ))}
      <Text dimColor>{hint ?? 'Esc closes'}</Text>
    </Box>
  )
}
