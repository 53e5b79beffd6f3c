/** `japroxy key expire NAME WHEN|never`: sets or clears a key's expiry. */
import type { Command } from 'commander'
import { setApiKeyExpiry } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say } from '../output.ts'
import { parseExpiry } from '../parse.ts'
import { run } from '../run.ts'

/** Registers `key expire`. */
export function register(key: Command): void {
  key
    .command('expire')
    .arguments('<name> <when>')
    .description("set a key's expiry (2027-01-31, 90d) or clear it (never)")
    .action(
      run((name: string, when: string, _options: object, command: Command) => {
        const at = when === 'never' ? undefined : parseExpiry(when)
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const updated = setApiKeyExpiry(db, actor('cli'), name, at)
        say(`key ${updated.name} ${at ? `expires ${formatTime(at)} UTC` : 'no longer expires'}`)
      }),
    )
}
