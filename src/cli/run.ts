/** Wraps a command action so that every failure is reported the same way. */
import { type FieldNames, reportError } from './output.ts'

/**
 * Runs `action`, turning a thrown error into its message and exit code (1 user, 70 bug);
 * problems name the command's options unless `names` is `file` (import).
 */
export function run<A extends unknown[]>(
  action: (...args: A) => unknown,
  names: FieldNames = 'options',
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (error) {
      process.exitCode = reportError(error, names)
    }
  }
}
