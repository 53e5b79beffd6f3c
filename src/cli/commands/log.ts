/** `japroxy log`: recent request records (no secrets are ever in them). */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { recentRequestRecords } from '../../../store/request-records.ts'
import { defaultLogLimit } from '../../defaults.ts'
import { type GlobalOptions, openForCommand } from '../context.ts'
import { say, table } from '../output.ts'
import { run } from '../run.ts'

function parseLimit(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError('give a number from 1 to 100000')
  return n
}

/** Registers `log`. */
export function register(program: Command): void {
  program
    .command('log')
    .description('show recent request records')
    .option('-n, --limit <n>', 'how many', parseLimit, defaultLogLimit)
    .option('--json', 'one JSON object per line')
    .action(
      run((options: { limit: number; json?: boolean }, command: Command) => {
        const records = recentRequestRecords(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          options.limit,
        )
        if (options.json) return say(...records.map((r) => JSON.stringify(r)))
        if (records.length === 0) return say('no requests recorded yet')
        table(
          ['TIME (UTC)', 'CLIENT', 'METHOD', 'PATH', 'STATUS', 'MS', 'KEYID', 'REASON'],
          records.map((r) => [
            new Date(r.ts).toISOString().slice(0, 19).replace('T', ' '),
            r.clientIp,
            r.method,
            r.path,
            String(r.status),
            r.durationMs.toFixed(1),
            r.keyId ?? '-',
            r.reason ?? '',
          ]),
        )
      }),
    )
}
