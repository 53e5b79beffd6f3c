/** `japroxy key import --route R < keys.tsv`: imports keys made elsewhere, all or nothing. */
import type { Command } from 'commander'
import { ValidationError } from '../../../store/db.ts'
import { importApiKeys } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError } from '../output.ts'
import { collect } from '../parse.ts'
import { run } from '../run.ts'

/** Registers `key import`. */
export function register(key: Command): void {
  key
    .command('import')
    .description(
      'import keys from stdin, one "name<TAB>key" per line (keys of 32+ random characters)',
    )
    .option('--route <name>', 'grant a route to every imported key (repeatable)', collect)
    .action(
      run(async (options: { route?: string[] }, command: Command) => {
        if (process.stdin.isTTY) {
          throw new UserError(
            'key import reads the keys from stdin',
            'e.g. japroxy key import --route prod < keys.tsv',
          )
        }
        const text = await new Response(Bun.stdin.stream()).text()
        const entries = parseKeyLines(text)
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const imported = importApiKeys(db, actor('cli'), entries, options.route ?? [])
        say(
          `imported ${imported.length} ${imported.length === 1 ? 'key' : 'keys'} for ` +
            `${(options.route ?? []).join(', ')}; only their hashes are stored`,
        )
      }),
    )
}

/**
 * `name<TAB>key` lines; blank lines are skipped. A line without exactly one TAB is named by its
 * number only: with spaces for the TAB, the key is somewhere in it.
 */
export function parseKeyLines(text: string): { name: string; apiKey: string }[] {
  const problems: string[] = []
  const entries: { name: string; apiKey: string }[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    const fields = line.split('\t')
    if (fields.length !== 2) {
      problems.push(`line ${i + 1}: needs name<TAB>key, one TAB (the line is not shown)`)
      return
    }
    entries.push({ name: fields[0]!.trim(), apiKey: fields[1]!.trim() })
  })
  if (problems.length) throw new ValidationError(problems)
  return entries
}
