/** `japroxy key create NAME --route R`: makes an API key and prints it once. */
import type { Command } from 'commander'
import { createApiKey } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say } from '../output.ts'
import { collect, parseExpiry } from '../parse.ts'
import { run } from '../run.ts'

/** Registers `key create`. */
export function register(key: Command): void {
  key
    .command('create')
    .argument('<name>', 'a name for the key, e.g. jira-align-prod')
    .description('create an API key; it is printed once and only its hash is stored')
    .option('--route <name>', 'grant a route (repeatable)', collect)
    .option('--expires <when>', 'expiry: a date (2027-01-31) or a duration (90d)', (v) =>
      parseExpiry(v),
    )
    .option('--quiet', 'print only the key (for scripts)')
    .action(
      run(
        (
          name: string,
          options: { route?: string[]; expires?: number; quiet?: boolean },
          command: Command,
        ) => {
          const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
          const { apiKey, key: created } = createApiKey(db, actor('cli'), {
            name,
            routes: options.route ?? [],
            expiresAt: options.expires,
          })
          if (options.quiet) return say(apiKey)
          say(
            `created key ${created.name} (keyId ${created.keyId})` +
              ` for ${created.routes.join(', ')}` +
              (created.expiresAt ? `, expires ${formatTime(created.expiresAt)} UTC` : ''),
            '',
            `  ${apiKey}`,
            '',
            'This is the only time the key is shown. Give it to Jira Align as the Basic auth',
            'password (any username). japroxy keeps only its hash.',
          )
        },
      ),
    )
}
