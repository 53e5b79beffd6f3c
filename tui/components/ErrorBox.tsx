/** An error from the store or a parser: what went wrong, every problem, and what to do next. */
import { Box, Text } from 'ink'
import type { ShownError } from '../errors.ts'

/** Props of ErrorBox. */
export interface ErrorBoxProps {
  error: ShownError
}

/** Renders the error in a red box. */
export function ErrorBox({ error }: ErrorBoxProps) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text color="red">{error.message}</Text>
      {error.problems.map((problem) => (
        <Text key={problem}>{`• ${problem}`}</Text>
      ))}
      {error.hint ? <Text dimColor>{`→ ${error.hint}`}</Text> : null}
    </Box>
  )
}
