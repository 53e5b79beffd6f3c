/** `japroxy route explain ROUTE METHOD PATH`: what the endpoint policy would do, and why. */
import type { Command } from 'commander'
import { getRoute } from '../../../store/routes.ts'
import { explainRequest } from '../../proxy/explain.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `route explain`. */
export function register(route: Command): void {
  route
    .command('explain')
    .arguments('<name> <method> <path>')
    .description('explain what japroxy would do with METHOD PATH on this route')
    .action(
      run((name: string, method: string, path: string, _options: object, command: Command) => {
        const found = getRoute(openForCommand(command.optsWithGlobals<GlobalOptions>()), name)
        const explanation = explainRequest(found, method.toUpperCase(), path)
        say(...explanation.lines)
        if (!explanation.isForwarded) process.exitCode = 3
      }),
    )
}
