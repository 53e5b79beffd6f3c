/** `japroxy key revoke NAME`: refuses the key from now on (a running `serve` within a second). */
import type { Command } from 'commander'
import { revokeApiKey } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `key revoke`. */
export function register(key: Command): void {
  key
    .command('revoke')
    .argument('<name>', 'key name or keyId')
    .description('revoke an API key')
    .action(
      run((name: string, _options: object, command: Command) => {
        const revoked = revokeApiKey(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          actor('cli'),
          name,
        )
        say(`revoked key ${revoked.name} (keyId ${revoked.keyId})`)
      }),
    )
}
