/** `japroxy key limit NAME RATE|off`: a per-key token bucket (e.g. 600/min, burst 60). */
import { type Command, InvalidArgumentError } from 'commander'
import { setApiKeyRateLimit } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Parses `N/min`, `N/s` or `N/h` into requests per minute. */
export function parseRate(text: string): number {
  const match = /^(\d+)\/(s|min|h)$/.exec(text.trim())
  if (!match)
    throw new InvalidArgumentError(`"${text}" is not a rate (like 600/min, 10/s or 5000/h)`)
  const perMinute = Number(match[1]) * { s: 60, min: 1, h: 1 / 60 }[match[2] as 's' | 'min' | 'h']
  if (perMinute < 1) throw new InvalidArgumentError('a rate must be at least 1/min')
  return Math.round(perMinute)
}

/** Parses `--burst`: a plain whole number (no hex, exponent or sign). */
function parseBurst(text: string): number {
  if (!/^\d{1,7}$/.test(text.trim()))
    throw new InvalidArgumentError(`--burst "${text}" is not a whole number (like 60)`)
  return Number(text.trim())
}

/** Registers `key limit`. */
export function register(key: Command): void {
  key
    .command('limit')
    .arguments('<name> <rate>')
    .description('limit a key to RATE (600/min, 10/s) or remove its limit (off); 429 beyond it')
    .option(
      '--burst <n>',
      "requests allowed at once before the rate applies (default: a minute's worth, at most 100)",
    )
    .action(
      run((name: string, rate: string, options: { burst?: string }, command: Command) => {
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        if (rate === 'off') {
          setApiKeyRateLimit(db, actor('cli'), name, undefined)
          return say(`key ${name} has no rate limit`)
        }
        const perMinute = parseRate(rate)
        const burst =
          options.burst === undefined ? Math.min(perMinute, 100) : parseBurst(options.burst)
        setApiKeyRateLimit(db, actor('cli'), name, { perMinute, burst })
        say(`key ${name} limited to ${perMinute}/min, burst ${burst}`)
      }),
    )
}
