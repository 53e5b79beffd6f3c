/**
 * The bottom line: what the last action did (or a store problem) and the global keys that work
 * right now. A long message wraps onto up to three lines instead of being cut.
 */
import { Box, Text } from 'ink'
import type { ShownError } from '../errors.ts'
import { wrapWords } from '../format.ts'
import type { Status } from '../hooks/use-status.ts'

/** Props of StatusBar. */
export interface StatusBarProps {
  status: Status | undefined
  /** A problem reading the store, which outranks the status. */
  storeError: ShownError | undefined
  width: number
  /** A box takes the keys: `?` and `q` go into it, only Ctrl+C still quits. */
  isBoxOpen: boolean
}

const toneColor = { ok: 'green', info: 'cyan', error: 'red' } as const
const maxLines = 3

function footerKeys(isBoxOpen: boolean): string {
  return isBoxOpen ? ' Ctrl+C quit' : ' ? help · q quit'
}

/** The message as the lines it takes beside the footer keys (none without a message). */
export function statusLines({ status, storeError, width, isBoxOpen }: StatusBarProps): string[] {
  const text = storeError
    ? `store: ${storeError.message}${storeError.hint ? ` → ${storeError.hint}` : ''}`
    : (status?.text ?? '')
  return wrapWords(text, width - footerKeys(isBoxOpen).length, maxLines)
}

/** How many rows the status line takes. */
export function statusBarHeight(props: StatusBarProps): number {
  return Math.max(1, statusLines(props).length)
}

/** Renders the status line. */
export function StatusBar(props: StatusBarProps) {
  const { status, storeError, isBoxOpen } = props
  const color = storeError ? 'red' : status ? toneColor[status.tone] : undefined
  // The keys stay in the bottom right corner however many lines the message takes.
  return (
    <Box alignItems="flex-end">
      <Box flexDirection="column" flexGrow={1} flexShrink={1}>
        {statusLines(props).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: wrapped lines have no identity
          <Text key={i} color={color} wrap="truncate">
            {line}
          </Text>
        ))}
      </Box>
      <Box flexShrink={0}>
        <Text dimColor>{footerKeys(isBoxOpen)}</Text>
      </Box>
    </Box>
  )
}
