/** The bottom line: what the last action did (or a store problem) and where help is. */
import { Box, Text } from 'ink'
import type { ShownError } from '../errors.ts'
import type { Status } from '../hooks/use-status.ts'

/** Props of StatusBar. */
export interface StatusBarProps {
  status: Status | undefined
  /** A problem reading the store, which outranks the status. */
  storeError: ShownError | undefined
}

const toneColor = { ok: 'green', info: 'cyan', error: 'red' } as const

/** Renders the status line. */
export function StatusBar({ status, storeError }: StatusBarProps) {
  const text = storeError
    ? `store: ${storeError.message}${storeError.hint ? ` → ${storeError.hint}` : ''}`
    : (status?.text ?? '')
  const color = storeError ? 'red' : status ? toneColor[status.tone] : undefined
  return (
    <Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text color={color} wrap="truncate">
          {text}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor> ? help · q quit</Text>
      </Box>
    </Box>
  )
}
