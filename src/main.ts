#!/usr/bin/env bun
/** Entry point: parses the command line and runs the command. */
import { buildProgram } from './cli/program.ts'
import { reportError } from './cli/output.ts'

try {
  await buildProgram().parseAsync(process.argv)
} catch (error) {
  process.exitCode = reportError(error)
}
