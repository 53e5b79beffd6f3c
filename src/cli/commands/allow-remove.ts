/** `japroxy allow remove ID|CIDR`: removes an allow-list entry. */
import type { Command } from 'commander'
import { removeAllowEntry } from '../../../store/allow-list.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `allow remove`. */
export function register(allow: Command): void {
  allow
    .command('remove')
    .argument('<entry>', 'entry id (from allow list) or CIDR')
    .description('remove an allow-list entry')
    .option('--route <name>', 'with a CIDR: the route the entry belongs to (default global)')
    .action(
      run((entry: string, options: { route?: string }, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const input = /^\d+$/.test(entry)
          ? { id: Number(entry) }
          : { cidr: entry, route: options.route }
        const removed = removeAllowEntry(db, actor('cli'), input)
        say(
          `removed ${removed.cidr} from ` +
            (removed.route ? `route ${removed.route}` : 'the global list'),
        )
      }),
    )
}
