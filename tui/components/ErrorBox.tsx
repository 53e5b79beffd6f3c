/**
 * An error from the store or a parser: what went wrong, every problem, and what to do next. Given
 * fewer rows than all the problems need, it shows the first ones and `… and K more`, so the box
 * (and the form around it) stays whole on the screen.
 */
import { Box, Text, useWindowSize } from 'ink'
import type { ShownError } from '../errors.ts'
import { wrapWords } from '../format.ts'

/** Props of ErrorBox. */
export interface ErrorBoxProps {
  error: ShownError
  /** Columns the box takes, borders included (default: the terminal's). */
  width?: number
  /** The most rows the box may take (default: all but the tab bar, status and hints). */
  maxRows?: number
}

/** The rows of an error box: the message, the problems that fit, how many did not, the hint. */
export interface ErrorRows {
  message: string[]
  problems: string[]
  more: string | undefined
  hint: string[]
}

const all = Number.POSITIVE_INFINITY

function bullet(problem: string, inner: number): string[] {
  return wrapWords(problem, inner - 2, all).map((row, i) => `${i === 0 ? '•' : ' '} ${row}`)
}

/** How `error` is laid out in a box `width` wide of at most `maxRows` rows. */
export function errorRows(error: ShownError, width: number, maxRows: number): ErrorRows {
  const inner = Math.max(10, width - 4)
  const message = wrapWords(error.message, inner, all)
  const hint = error.hint ? wrapWords(`→ ${error.hint}`, inner, all) : []
  const bullets = error.problems.map((problem) => bullet(problem, inner))
  // Two rows for the border.
  const room = maxRows - 2 - message.length - hint.length
  if (bullets.flat().length <= room)
    return { message, problems: bullets.flat(), more: undefined, hint }
  const problems: string[] = []
  let shown = 0
  while (shown < bullets.length && problems.length + bullets[shown]!.length <= room - 1) {
    problems.push(...bullets[shown]!)
    shown += 1
  }
  const left = bullets.length - shown
  const more = shown ? `… and ${left} more` : `… ${left} problems (a taller terminal shows them)`
  return { message, problems, more, hint }
}

/** Renders the error in a red box. */
export function ErrorBox({ error, width, maxRows }: ErrorBoxProps) {
  const { columns, rows } = useWindowSize()
  const shown = errorRows(error, width ?? columns, maxRows ?? rows - 3)
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text color="red">{shown.message.join('\n')}</Text>
      {shown.problems.length ? <Text>{shown.problems.join('\n')}</Text> : null}
      {shown.more ? <Text color="yellow">{shown.more}</Text> : null}
      {shown.hint.length ? <Text dimColor>{shown.hint.join('\n')}</Text> : null}
    </Box>
  )
}
