/** The one way commands print: plain lines, aligned tables and the two kinds of error. */
import { InvalidArgumentError } from 'commander'
import { StoreError, ValidationError } from '../../store/db.ts'
import { escapedCharacter, unprintableCharacters } from '../../store/unsafe-text.ts'
import { redactText } from '../log/redact.ts'
import { namedAsOption } from './option-names.ts'

/**
 * `text` with every control character a terminal could act on (ESC, BEL, CR, DEL, CSI...)
 * written as a JSON-style escape (`\u001b`), so stored or echoed input cannot move the cursor,
 * clear the screen or retitle the window. Tabs and line breaks stay. JSON stays valid.
 */
export function printable(text: string): string {
  return text.replace(unprintableCharacters, escapedCharacter)
}

/** Prints lines to stdout. */
export function say(...lines: string[]): void {
  process.stdout.write(`${printable(lines.join('\n'))}\n`)
}

/** Prints lines to stderr. */
export function warn(...lines: string[]): void {
  process.stderr.write(`${printable(lines.join('\n'))}\n`)
}

/** Prints rows as an aligned table with a header row. */
export function table(header: readonly string[], shownRows: readonly (readonly string[])[]): void {
  // Escaped before measuring, so a stored control character neither acts nor skews a column.
  const rows = shownRows.map((row) => row.map(printable))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  say(line(header), ...rows.map(line))
}

/** A user-fixable failure: one line (or one per problem), what to do, exit 1. */
export class UserError extends Error {
  readonly hint: string
  constructor(message: string, hint = '') {
    super(message)
    this.hint = hint
  }
}

/** How many problems an error lists; the rest are counted (a bad file can have 200,000). */
export const maxProblemsShown = 50

/** How a command names the fields of a problem: by its options, or as the import file does. */
export type FieldNames = 'options' | 'file'

/** Prints an error the way its kind asks and returns the exit code. */
export function reportError(error: unknown, names: FieldNames = 'options'): number {
  // Problems come from the validators, which never echo a secret value.
  if (error instanceof ValidationError) {
    const named = names === 'options' ? error.problems.map(namedAsOption) : error.problems
    const shown = named.slice(0, maxProblemsShown)
    const more = named.length - shown.length
    warn(
      'error: the input has problems; nothing was written:',
      ...shown.map((p) => `  ${p}`),
      ...(more > 0 ? [`  … and ${more} more`] : []),
    )
    return 1
  }
  // A value parsed inside an action (like `key limit`'s RATE) fails as an option would.
  if (error instanceof InvalidArgumentError) {
    warn(`error: ${redactText(error.message)}`)
    return 1
  }
  if (error instanceof StoreError || error instanceof UserError) {
    warn(`error: ${redactText(error.message)}`)
    if (error.hint) warn(`  → ${error.hint}`)
    return 1
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error)
  warn('japroxy hit a bug; please report it with this output:', redactText(stack))
  return 70
}

/** Formats a timestamp for tables (UTC, minutes). */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || ms === null) return '-'
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}
