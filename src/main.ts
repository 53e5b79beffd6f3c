#!/usr/bin/env bun
/** Entry point: parses the command line and runs the command. */
import { reportError } from './cli/output.ts'
import { buildProgram } from './cli/program.ts'

// `japroxy key list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
})

try {
  await buildProgram().parseAsync(process.argv)
} catch (error) {
  process.exitCode = reportError(error)
}
