/** `japroxy trusted add|list|remove`: proxies in front of japroxy whose X-Forwarded-For counts. */
import type { Command } from 'commander'
import {
  addTrustedProxy,
  listTrustedProxies,
  removeTrustedProxy,
} from '../../../store/trusted-proxies.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { formatTime, say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `trusted add`, `trusted list` and `trusted remove`. */
export function register(trusted: Command): void {
  trusted
    .command('add')
    .argument('<cidr>', 'address or CIDR of a load balancer or proxy in front of japroxy')
    .option('--note <text>', 'what it is')
    .description('trust X-Forwarded-For from this peer (off by default)')
    .action(
      run((cidr: string, options: { note?: string }, command: Command) => {
        const added = addTrustedProxy(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          actor('cli'),
          { cidr, note: options.note },
        )
        say(`trusting X-Forwarded-For from ${added.cidr}`)
      }),
    )
  trusted
    .command('list')
    .description('list trusted proxies')
    .action(
      run((_options: object, command: Command) => {
        const rows = listTrustedProxies(openForCommand(command.optsWithGlobals<GlobalOptions>()))
        if (rows.length === 0) return say('no trusted proxies: the socket peer is the client IP')
        table(
          ['CIDR', 'ADDED', 'NOTE'],
          rows.map((t) => [t.cidr, formatTime(t.createdAt), t.note]),
        )
      }),
    )
  trusted
    .command('remove')
    .argument('<cidr>')
    .description('stop trusting a proxy')
    .action(
      run((cidr: string, _options: object, command: Command) => {
        removeTrustedProxy(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          actor('cli'),
          cidr,
        )
        say(`no longer trusting ${cidr}`)
      }),
    )
}
