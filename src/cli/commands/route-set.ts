/** `japroxy route set NAME`: changes a route's settings; only the options given change. */
import type { Command } from 'commander'
import { getRoute, updateRoute } from '../../../store/routes.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'
import { addRouteOptions, applyRouteOptions, type RouteOptions } from './route-options.ts'

interface SetOptions extends RouteOptions {
  clearPublicUrl?: boolean
  clearCaFile?: boolean
  clearRules?: boolean
  clearAnonymous?: boolean
  clearPin?: boolean
}

/** Registers `route set`. */
export function register(route: Command): void {
  addRouteOptions(route.command('set').argument('<name>', 'route name'))
    .description('change a route (only the options given change)')
    .option('--clear-public-url', 'remove the public URL')
    .option('--clear-ca-file', 'use no private CA')
    .option('--clear-rules', 'remove every custom endpoint rule')
    .option('--clear-anonymous', 'forward no request without a key')
    .option('--clear-pin', 'stop pinning the upstream certificate')
    .action(
      run((name: string, options: SetOptions, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const current = getRoute(db, name)
        const fields = applyRouteOptions(current, options)
        if (options.clearPublicUrl) fields.publicUrl = undefined
        if (options.clearCaFile) fields.upstreamCaFile = undefined
        if (options.clearRules) fields.policy = { ...fields.policy, rules: [] }
        if (options.clearAnonymous) fields.anonymousPaths = []
        if (options.clearPin) fields.upstreamPin = undefined
        updateRoute(db, actor('cli'), fields)
        say(`updated route ${name}`)
      }),
    )
}
