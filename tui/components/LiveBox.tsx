/** A box that answers as you type: the input line and the answer lines under it. */
import { Box, Text } from 'ink'

/** One answer line and its colour. */
export interface LiveLine {
  text: string
  color?: string
}

/** Props of LiveBox. */
export interface LiveBoxProps {
  title: string
  label: string
  value: string
  lines: readonly LiveLine[]
  hint?: string
}

/** Renders the box. */
export function LiveBox({ title, label, value, lines, hint }: LiveBoxProps) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{title}</Text>
      <Text wrap="truncate">
        <Text bold>{`${label}: `}</Text>
        {value}
        <Text inverse> </Text>
      </Text>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: answer lines have no identity
        <Text key={i} color={line.color} wrap="truncate">
          {line.text}
        </Text>
      ))}
      <Text dimColor>{hint ?? 'Esc closes'}</Text>
    </Box>
  )
}
