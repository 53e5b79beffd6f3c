/** `japroxy export`: the settings as a reviewable JSON file for change control. */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
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

/**
 * Refuses an `--out` that names something other than an earlier export: the store, the master
 * key or any other file would be replaced whole (a master key lost means every credential lost).
 */
function assertReplaceable(path: string): void {
  let head = ''
  try {
    if (!lstatSync(path).isFile()) {
      throw new UserError(`${path} is not a regular file`, 'choose another --out')
    }
    const fd = openSync(path, 'r')
    try {
      const buffer = Buffer.alloc(64)
      head = buffer.subarray(0, readSync(fd, buffer, 0, 64, 0)).toString('utf8')
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return
    throw error
  }
  if (!/^\{\s*"japroxy"\s*:\s*"settings"/.test(head)) {
    throw new UserError(
      `${path} exists and is not a japroxy export; it would be replaced whole`,
      'choose another --out, or remove the file first if it really is to go',
    )
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
        if (options.out) assertReplaceable(options.out)
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
