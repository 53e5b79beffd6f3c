/** `japroxy route remove NAME`: removes a route, its credential, grants and allow-list entries. */
import type { Command } from 'commander'
import { listApiKeys } from '../../../store/keys.ts'
import { removeRoute } from '../../../store/routes.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { run } from '../run.ts'

/** Registers `route remove`. */
export function register(route: Command): void {
  route
    .command('remove')
    .argument('<name>', 'route name')
    .description('remove a route with its credential, key grants and allow-list entries')
    .option('--confirm <name>', 'repeat the route name to confirm')
    .action(
      run((name: string, options: { confirm?: string }, command: Command) => {
        if (options.confirm !== name) {
          throw new UserError(
            `removing a route needs --confirm ${name}`,
            'this also removes its credential, its key grants and its allow-list entries',
          )
        }
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        removeRoute(db, actor('cli'), name)
        say(`removed route ${name}`)
        // A key that reached only this route now reaches nothing, yet still counts as active.
        const stranded = listApiKeys(db)
          .filter((k) => k.revokedAt === undefined && k.routes.length === 0)
          .map((k) => k.name)
        if (stranded.length > 0) {
          warn(
            `warning: ${stranded.length === 1 ? 'key' : 'keys'} ${stranded.join(', ')} now ` +
              'reach no route; revoke them: japroxy key revoke NAME',
          )
        }
      }),
    )
}
