/** `japroxy allow add CIDR`: lets an address or block in, globally or for one route. */
import type { Command } from 'commander'
import { addAllowEntry, isVeryBroad } from '../../../store/allow-list.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, warn } from '../output.ts'
import { run } from '../run.ts'

/** Registers `allow add`. */
export function register(allow: Command): void {
  allow
    .command('add')
    .argument('<cidr>', 'IPv4 or IPv6 address or CIDR block, e.g. 203.0.113.7 or 2001:db8::/48')
    .description('add an allow-list entry (global unless --route)')
    .option('--route <name>', 'only for this route')
    .option('--note <text>', 'why this entry exists, e.g. "Jira Align egress 1"')
    .action(
      run((cidr: string, options: { route?: string; note?: string }, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const entry = addAllowEntry(db, actor('cli'), {
          cidr,
          route: options.route,
          note: options.note,
        })
        say(
          `allowed ${entry.cidr} on ${entry.route ? `route ${entry.route}` : 'every route'}` +
            ` (id ${entry.id})`,
        )
        if (isVeryBroad(entry.cidr)) {
          warn(
            `warning: ${entry.cidr} lets a large part of the Internet in; the API key is the ` +
              'only check left.',
            `  Jira Align's egress addresses are listed in its documentation; remove this with: ` +
              `japroxy allow remove ${entry.cidr}${entry.route ? ` --route ${entry.route}` : ''}`,
          )
        }
      }),
    )
}
