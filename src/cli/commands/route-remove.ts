/** `japroxy route remove NAME`: removes a route, its credential, grants and allow-list entries. */
import type { Command } from 'commander'
import { removeRoute } from '../../../store/routes.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError } from '../output.ts'
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
            'this also removes its credential',
          )
        }
        removeRoute(openForCommand(command.optsWithGlobals<GlobalOptions>()), actor('cli'), name)
        say(`removed route ${name}`)
      }),
    )
}
