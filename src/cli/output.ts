/** The one way commands print: plain lines, aligned tables and the two kinds of error. */
import { InvalidArgumentError } from 'commander'
import { StoreError, ValidationError } from '../../store/db.ts'
import { redactText } from '../log/redact.ts'

/** Prints lines to stdout. */
export function say(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** Prints lines to stderr. */
export function warn(...lines: string[]): void {
  process.stderr.write(`${lines.join('\n')}\n`)
}

/** Prints rows as an aligned table with a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
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

/** Prints an error the way its kind asks and returns the exit code. */
export function reportError(error: unknown): number {
  // Problems come from the validators, which never echo a secret value.
  if (error instanceof ValidationError) {
    const shown = error.problems.slice(0, maxProblemsShown)
    const more = error.problems.length - shown.length
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
