/** `japroxy credential list`: which routes have a credential, set when and by whom (no values). */
import type { Command } from 'commander'
import { listCredentials } from '../../../store/credentials.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `credential list`. */
export function register(credential: Command): void {
  credential
    .command('list')
    .description('list which routes have a credential (never the value)')
    .action(
      run((_options: object, command: Command) => {
        const rows = listCredentials(openForCommand(command.optsWithGlobals<GlobalOptions>()))
        if (rows.length === 0)
          return say('no credentials yet: japroxy credential set ROUTE --user NAME')
        table(
          ['ROUTE', 'KIND', 'STATE', 'SET AT (UTC)', 'SET BY'],
          rows.map((c) => [
            c.route,
            c.kind,
            c.isStale ? 'STALE: set for another upstream' : 'in use',
            formatTime(c.setAt),
            c.setBy,
          ]),
        )
      }),
    )
}
