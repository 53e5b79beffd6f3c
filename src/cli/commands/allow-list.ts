/** `japroxy allow list`: every allow-list entry with its scope and note. */
import type { Command } from 'commander'
import { listAllowEntries } from '../../../store/allow-list.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `allow list`. */
export function register(allow: Command): void {
  allow
    .command('list')
    .description('list allow-list entries')
    .option('--json', 'print JSON')
    .action(
      run((options: { json?: boolean }, command: Command) => {
        const entries = listAllowEntries(openForCommand(command.optsWithGlobals<GlobalOptions>()))
        if (options.json) return say(JSON.stringify(entries, null, 2))
        if (entries.length === 0)
          return say('the allow-list is empty: nobody gets in (japroxy allow add CIDR)')
        table(
          ['ID', 'CIDR', 'SCOPE', 'ADDED', 'NOTE'],
          entries.map((e) => [
            String(e.id),
            e.cidr,
            e.route ?? 'global',
            formatTime(e.createdAt),
            e.note,
          ]),
        )
      }),
    )
}
