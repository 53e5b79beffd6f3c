/** `japroxy route add NAME`: adds a route from a public base path to a Jira upstream. */
import type { Command } from 'commander'
import { addRoute, newRouteFields } from '../../../store/routes.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError } from '../output.ts'
import { run } from '../run.ts'
import { addRouteOptions, applyRouteOptions, type RouteOptions } from './route-options.ts'

/** Registers `route add`. */
export function register(route: Command): void {
  // Both spellings set one value, the later one winning (or crashing): note what was typed.
  const given = new Set<string>()
  const add = addRouteOptions(route.command('add').argument('<name>', 'route name, e.g. prod'))
  add.on('option:anonymous', () => given.add('anonymous'))
  add.on('option:no-anonymous', () => given.add('no-anonymous'))
  add
    .description('add a route (base path → Jira upstream)')
    .option('--no-anonymous', 'forward no request without a key (not even serverInfo)')
    .action(
      run(
        (
          name: string,
          options: RouteOptions & { anonymous?: string[] | false },
          command: Command,
        ) => {
          if (given.has('anonymous') && given.has('no-anonymous')) {
            throw new UserError(
              'give either --anonymous or --no-anonymous, not both',
              '--no-anonymous forwards nothing without a key; --anonymous lists what may be',
            )
          }
          if (!options.basePath || !options.upstream) {
            throw new UserError(
              'route add needs --base-path and --upstream',
              'e.g. japroxy route add prod --base-path /jira-prod --upstream https://jira.internal',
            )
          }
          const anonymous = options.anonymous === false ? [] : options.anonymous
          const fields = applyRouteOptions(
            newRouteFields({ name, basePath: options.basePath, upstreamUrl: options.upstream }),
            { ...options, anonymous },
          )
          const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
          const added = addRoute(db, actor('cli'), fields, {
            isPlainHttpAllowed: options.allowPlainHttp,
          })
          say(`added route ${added.name}: ${added.basePath} → ${added.upstreamUrl}`)
        },
      ),
    )
}
