/** `japroxy import FILE`: applies an export, all or nothing, after checking all of it. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { ValidationError } from '../../../store/db.ts'
import { importSettings } from '../../../store/import-apply.ts'
import { parseExport } from '../../../store/import-parse.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError } from '../output.ts'
import { run } from '../run.ts'

interface ImportOptions {
  dryRun?: boolean
  prune?: boolean
}

function readText(file: string): string {
  if (file.trim() === '') throw new UserError('give a file name (or - for stdin)')
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`)
  }
}

/** Registers `import`. */
export function register(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'a file written by `japroxy export` (- for stdin)')
    .description('apply an export: checks everything first, then changes all of it or nothing')
    .option('--dry-run', 'show what would change and check it, writing nothing')
    .option(
      '--prune',
      'also remove routes, allow-list entries and trusted proxies not in the file, and revoke ' +
        'keys not in it (a list the file leaves out is left as it is)',
    )
    .action(
      run((file: string, options: ImportOptions, command: Command) => {
        const { doc, problems, absent } = parseExport(readText(file))
        if (!doc) throw new ValidationError(problems)
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const changes = importSettings(db, doc, {
          actor: actor('cli'),
          isPrune: options.prune,
          isDryRun: options.dryRun,
          absent,
        })
        if (options.prune && absent.length > 0) {
          say(`--prune skipped ${absent.join(', ')}: not in the file, so left as they are`)
        }
        if (changes.length === 0) return say('no changes: the store already matches the file')
        say(...changes.map((c) => c.text))
        say(
          options.dryRun
            ? `dry run: ${changes.length} changes checked, nothing written`
            : `applied ${changes.length} changes`,
        )
      }, 'file'),
    )
}
