/** `japroxy credential list`: which routes have a credential, set when and by whom (no values). */
import type { Command } from 'commander'
import { listBreakers } from '../../../store/breakers.ts'
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
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const rows = listCredentials(db)
        const rejected = new Map(listBreakers(db).map((b) => [b.route, b.reason]))
        if (rows.length === 0)
          return say('no credentials yet: japroxy credential set ROUTE --user NAME')
        table(
          ['ROUTE', 'KIND', 'STATE', 'SET AT (UTC)', 'SET BY'],
          rows.map((c) => [
            c.route,
            c.kind,
            c.isStale
              ? 'STALE: set for another upstream'
              : rejected.has(c.route)
                ? `REJECTED by Jira (${rejected.get(c.route)}): not sent`
                : 'in use',
            formatTime(c.setAt),
            c.setBy,
          ]),
        )
      }),
    )
}
