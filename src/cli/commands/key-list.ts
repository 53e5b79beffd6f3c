/** `japroxy key list`: every key's metadata (never a key). */
import type { Command } from 'commander'
import { keyStatus, listApiKeys } from '../../../store/keys.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `key list`. */
export function register(key: Command): void {
  key
    .command('list')
    .description('list API keys (keyId, name, routes, dates, status)')
    .option('--json', 'print JSON')
    .action(
      run((options: { json?: boolean }, command: Command) => {
        const keys = listApiKeys(openForCommand(command.optsWithGlobals<GlobalOptions>()))
        if (options.json)
          return say(
            JSON.stringify(
              keys.map((k) => ({ ...k, status: keyStatus(k) })),
              null,
              2,
            ),
          )
        if (keys.length === 0) return say('no keys yet: japroxy key create NAME --route ROUTE')
        table(
          ['KEYID', 'NAME', 'ROUTES', 'CREATED', 'EXPIRES', 'LAST USED', 'RATE', 'STATUS'],
          keys.map((k) => [
            k.keyId,
            k.name,
            k.routes.join(',') || '-',
            formatTime(k.createdAt),
            formatTime(k.expiresAt),
            formatTime(k.lastUsedAt),
            k.ratePerMinute ? `${k.ratePerMinute}/min` : '-',
            keyStatus(k),
          ]),
        )
      }),
    )
}
