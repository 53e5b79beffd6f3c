/** `japroxy export`: the settings as a reviewable JSON file for change control. */
import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { buildExport, renderExport } from '../../../store/export.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { run } from '../run.ts'

interface ExportOptions {
  out?: string
  includeSecrets?: boolean
}

function writeExport(path: string, text: string, isSecret: boolean): void {
  try {
    writeFileSync(path, text, { mode: isSecret ? 0o600 : 0o644 })
  } catch (error) {
    throw new UserError(`cannot write ${path}: ${(error as Error).message}`)
  }
}

/** Registers `export`. */
export function register(program: Command): void {
  program
    .command('export')
    .description('print routes, allow-lists, key metadata and settings as JSON (see import)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--include-secrets',
      'also key hashes and sealed credentials (only useful for this same store)',
    )
    .action(
      run((options: ExportOptions, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const isSecret = Boolean(options.includeSecrets)
        const text = renderExport(buildExport(db, { isWithSecrets: isSecret }))
        if (isSecret) {
          warn(
            'warning: this export holds key hashes and sealed credentials; guard it like the store',
          )
        }
        if (!options.out) return say(text.trimEnd())
        writeExport(options.out, text, isSecret)
        say(`exported to ${options.out}`)
      }),
    )
}
