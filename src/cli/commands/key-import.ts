/** `japroxy key import --route R < keys.tsv`: imports keys made elsewhere, all or nothing. */
import type { Command } from 'commander'
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
        const entries = text
          .split(/\r?\n/)
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const [name = '', apiKey = ''] = line.split('\t')
            return { name: name.trim(), apiKey: apiKey.trim() }
          })
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const imported = importApiKeys(db, actor('cli'), entries, options.route ?? [])
        say(
          `imported ${imported.length} keys for ${(options.route ?? []).join(', ')};` +
            ' only their hashes are stored',
        )
      }),
    )
}
