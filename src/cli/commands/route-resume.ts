/** `japroxy route resume NAME`: sends the route's credential again after Jira rejected it. */
import type { Command } from 'commander'
import { resumeRoute } from '../../../store/breakers.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `route resume`. */
export function register(route: Command): void {
  route
    .command('resume')
    .argument('<name>', 'route name')
    .description('send the credential again after Jira rejected it (fix the account first)')
    .action(
      run((name: string, _options: object, command: Command) => {
        const wasTripped = resumeRoute(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          actor('cli'),
          name,
        )
        say(
          wasTripped
            ? `route ${name} resumed: the credential is sent again`
            : `route ${name} was not paused`,
        )
      }),
    )
}
