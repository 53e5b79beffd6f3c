/** Parsers for option values; each throws a UserError that says what a good value looks like. */
import { InvalidArgumentError, Option } from 'commander'
import { latestExpiry } from '../../store/keys.ts'

/** Parses a duration like `500ms`, `30s`, `5m`, `2h`, `90d` (or plain milliseconds). */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!match)
    throw new InvalidArgumentError(`"${text}" is not a duration (like 500ms, 30s, 5m, 2h, 90d)`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!
  return Math.round(Number(match[1]) * factor)
}

/** Parses an expiry: a date (`2027-01-31`, UTC midnight), a timestamp, or a duration from now. */
export function parseExpiry(text: string, now = Date.now()): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text)
    // Date.parse rolls 2027-02-30 on to March 2: a day the calendar lacks is refused instead.
    const isRealDay = !Number.isNaN(at) && new Date(at).toISOString().startsWith(text.slice(0, 10))
    if (Number.isNaN(at) || (text.length === 10 && !isRealDay))
      throw new InvalidArgumentError(`"${text}" is not a date (like 2027-01-31)`)
    return at
  }
  let at: number
  try {
    at = now + parseDuration(text)
  } catch {
    throw new InvalidArgumentError(
      `"${text}" is not a date (2027-01-31) or a duration from now (90d)`,
    )
  }
  // Far beyond any calendar a date can be written in (and past what JavaScript dates hold).
  if (at > latestExpiry)
    throw new InvalidArgumentError(`"${text}" ends after 9999-12-31; use never for no expiry`)
  return at
}

/** Parses `host:port` or `[v6]:port` for a listener. */
export function parseListen(text: string): { hostname: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim())
  const port = Number(match?.[3])
  if (!match || port > 65535) {
    throw new InvalidArgumentError(`"${text}" is not host:port (like 127.0.0.1:8443 or [::1]:8443)`)
  }
  return { hostname: match[1] ?? match[2]!, port }
}

/** The most processes `--workers` accepts. */
export const maxWorkers = 64

/** Parses `--workers`: how many processes serve the port, 1 to `maxWorkers`. */
export function parseWorkers(text: string): number {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > maxWorkers)
    throw new InvalidArgumentError(`"${text}" is not a whole number from 1 to ${maxWorkers}`)
  return n
}

/** `--workers <n>` as `serve` and `systemd` take it (default 1). */
export function workersOption(description: string): Option {
  return parsedOption('--workers <n>', description, parseWorkers, '1')
}

/** Parses `host:port` for a listener that may be turned `off`. */
export function parseAdminListen(text: string): { hostname: string; port: number } | undefined {
  return text.trim() === 'off' ? undefined : parseListen(text)
}

/** An option whose default is given as text, parsed like user input and shown as typed. */
export function parsedOption<T>(
  flags: string,
  description: string,
  parse: (text: string) => T,
  defaultText: string,
): Option {
  return new Option(flags, description).argParser(parse).default(parse(defaultText), defaultText)
}

/** Collects a repeatable option into a list (after a `--no-` form set it to false: a new one). */
export function collect(value: string, previous: string[] | false | undefined): string[] {
  return [...(Array.isArray(previous) ? previous : []), value]
}

/** The longest `--shutdown-timeout`: systemd waits this plus a margin before it kills. */
export const maxShutdownTimeoutMs = 3_600_000

/** Parses `--shutdown-timeout`: a duration up to an hour. */
export function parseShutdownTimeout(text: string): number {
  const ms = parseDuration(text)
  if (ms > maxShutdownTimeoutMs) {
    throw new InvalidArgumentError(
      `"${text}" is longer than 1h (the longest a stop may wait for requests in flight)`,
    )
  }
  return ms
}
