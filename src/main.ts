#!/usr/bin/env bun
import { reportError } from './cli/output.ts'
/** Entry point: parses the command line and runs the command. */
import { buildProgram } from './cli/program.ts'

try {
  await buildProgram().parseAsync(process.argv)
} catch (error) {
  process.exitCode = reportError(error)
}
