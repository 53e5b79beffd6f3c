/** `japroxy export`: the settings as a reviewable JSON file for change control. */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Command } from 'commander'
import { buildExport, renderExport } from '../../../store/export.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { run } from '../run.ts'

interface ExportOptions {
  out?: string
  includeSecrets?: boolean
}

/**
 * Writes `text` to a new file beside `path` (O_EXCL, mode 0600 when it holds secrets) and
 * renames it over `path`: an existing file's mode is never kept and a symlink at `path` is
 * replaced, not followed.
 */
function writeExport(path: string, text: string, isSecret: boolean): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(temp, 'wx', isSecret ? 0o600 : 0o644)
    const bytes = Buffer.from(text)
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, path)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    try {
      unlinkSync(temp)
    } catch {}
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
