/** `japroxy route list`: every route with its upstream and whether a credential is set. */
import type { Command } from 'commander'
import { listBreakers } from '../../../store/breakers.ts'
import { listCredentials } from '../../../store/credentials.ts'
import { listRoutes, type Route } from '../../../store/routes.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `route list`. */
export function register(route: Command): void {
  route
    .command('list')
    .description('list routes')
    .option('--json', 'print JSON')
    .action(
      run((options: { json?: boolean }, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const routes = listRoutes(db)
        const credentials = new Map(listCredentials(db).map((c) => [c.route, c]))
        const rejected = new Set(listBreakers(db).map((b) => b.route))
        if (options.json) return say(JSON.stringify(routes, null, 2))
        if (routes.length === 0)
          return say('no routes yet: japroxy route add NAME --base-path /x --upstream URL')
        table(
          ['NAME', 'BASE PATH', 'UPSTREAM', 'CREDENTIAL', 'PROFILE', 'RULES', 'ANONYMOUS', 'LINKS'],
          routes.map((r) => [
            r.name,
            r.basePath,
            r.upstreamUrl,
            (credentials.get(r.name)?.kind ?? 'not set') +
              (credentials.get(r.name)?.isStale ? ' STALE' : '') +
              (rejected.has(r.name) ? ' REJECTED' : ''),
            r.policy.profile,
            String(r.policy.rules.length),
            r.anonymousPaths.join(', ') || '-',
            linksText(r),
          ]),
        )
      }),
    )
}

// What happens to Jira's links in JSON bodies (#7): rewriting needs a public URL to point at.
function linksText(route: Route): string {
  if (!route.rewriteLinks) return 'off'
  return route.publicUrl ? 'rewritten' : 'no public URL'
}
