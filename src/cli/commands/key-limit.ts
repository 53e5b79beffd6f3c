/** `japroxy key limit NAME RATE|off`: a per-key token bucket (e.g. 600/min, burst 60). */
import { type Command, InvalidArgumentError } from 'commander'
import { setApiKeyRateLimit } from '../../../store/keys.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError } from '../output.ts'
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
export function parseBurst(text: string): number {
  if (!/^\d{1,7}$/.test(text.trim()))
    throw new InvalidArgumentError(`--burst "${text}" is not a whole number (like 60)`)
  return Number(text.trim())
}

/** The burst when none is given: a minute's worth, at most 100. */
export function defaultBurst(perMinute: number): number {
  return Math.min(perMinute, 100)
}

/**
 * Parses a limit typed on one line, as the TUI takes it: `off`, a rate (`600/min`), or a rate
 * and a burst (`600/min 60`). Undefined means no limit.
 */
export function parseLimitLine(text: string): { perMinute: number; burst: number } | undefined {
  const [rate = '', burst, ...rest] = text.trim().split(/\s+/)
  if (rate === 'off' && burst === undefined) return undefined
  if (rest.length > 0)
    throw new InvalidArgumentError('give a rate and at most a burst (600/min 60)')
  const perMinute = parseRate(rate)
  return { perMinute, burst: burst === undefined ? defaultBurst(perMinute) : parseBurst(burst) }
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
        if (rate === 'off' && options.burst !== undefined) {
          throw new UserError('--burst goes with a rate (like 600/min), not with off')
        }
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        if (rate === 'off') {
          setApiKeyRateLimit(db, actor('cli'), name, undefined)
          return say(`key ${name} has no rate limit`)
        }
        const perMinute = parseRate(rate)
        const burst =
          options.burst === undefined ? defaultBurst(perMinute) : parseBurst(options.burst)
        setApiKeyRateLimit(db, actor('cli'), name, { perMinute, burst })
        say(`key ${name} limited to ${perMinute}/min, burst ${burst}`)
      }),
    )
}
