/** Formatting for the TUI's tables: times in UTC, ages, sizes, fitting text and status colours. */

const minuteMs = 60_000
const hourMs = 60 * minuteMs
const dayMs = 24 * hourMs

/** `YYYY-MM-DD` in UTC, or `-` when there is no time. */
export function formatDate(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD HH:MM` in UTC, or `-` when there is no time. */
export function formatDateTime(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}

/** `HH:MM:SS` in UTC. */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}

/** A short age such as `12s ago`, `5m ago`, `3h ago` or `4d ago`; `never` without a time. */
export function formatAgo(ms: number | undefined, now: number): string {
  if (ms === undefined) return 'never'
  return `${formatSpan(Math.max(0, now - ms))} ago`
}

/** A short span such as `12s`, `5m`, `3h` or `4d`. */
export function formatSpan(spanMs: number): string {
  if (spanMs < minuteMs) return `${Math.floor(spanMs / 1000)}s`
  if (spanMs < hourMs) return `${Math.floor(spanMs / minuteMs)}m`
  if (spanMs < dayMs) return `${Math.floor(spanMs / hourMs)}h`
  return `${Math.floor(spanMs / dayMs)}d`
}

/**
 * A time left such as `2d 23h`, `5h 10m`, `12m` or `40s`: two units, so that a key made to last
 * 3 days does not read as 2 a second later (`formatSpan` floors to one unit).
 */
export function formatRemaining(spanMs: number): string {
  const units = [
    ['d', dayMs],
    ['h', hourMs],
    ['m', minuteMs],
    ['s', 1000],
  ] as const
  const first = units.findIndex(([, size]) => spanMs >= size)
  if (first < 0) return '0s'
  const [unit, size] = units[first]!
  const whole = Math.floor(spanMs / size)
  const next = units[first + 1]
  const part = next ? Math.floor((spanMs - whole * size) / next[1]) : 0
  return part > 0 && next ? `${whole}${unit} ${part}${next[0]}` : `${whole}${unit}`
}

/** A byte count such as `512 B`, `3.2 kB` or `41.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** Cuts `text` to `width` columns (ending in `…` when cut) and pads it with spaces. */
export function fit(text: string, width: number): string {
  if (width <= 0) return ''
  const flat = text.replace(/[\r\n\t]/g, ' ')
  if (flat.length <= width) return flat.padEnd(width)
  return `${flat.slice(0, width - 1)}…`
}

/** Like `fit`, but keeps the end of `text` (`…/issue/ABC-1`): the specific part of a path. */
export function fitEnd(text: string, width: number): string {
  if (width <= 0) return ''
  const flat = text.replace(/[\r\n\t]/g, ' ')
  if (flat.length <= width) return flat.padEnd(width)
  return `…${flat.slice(flat.length - width + 1)}`
}

/**
 * `text` wrapped at spaces into lines of at most `width` columns (a longer word is split), at
 * most `maxLines` of them; when more would be needed the last one ends in `…`.
 */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const size = Math.max(1, width)
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length <= size) {
      line = `${line} ${word}`
      continue
    }
    if (line) lines.push(line)
    line = word
    while (line.length > size) {
      lines.push(line.slice(0, size))
      line = line.slice(size)
    }
  }
  if (line) lines.push(line)
  if (lines.length <= maxLines) return lines
  return [...lines.slice(0, maxLines - 1), fit(lines.slice(maxLines - 1).join(' '), size)]
}

/** The colour of an HTTP status by class: 2xx green, 3xx cyan, 4xx yellow, 5xx red. */
export function statusColor(status: number): 'green' | 'cyan' | 'yellow' | 'red' | 'white' {
  if (status >= 500) return 'red'
  if (status >= 400) return 'yellow'
  if (status >= 300) return 'cyan'
  if (status >= 200) return 'green'
  return 'white'
}

/** The first row to show so that `selected` stays visible in a window of `size` rows. */
export function windowStart(length: number, selected: number, size: number): number {
  if (length <= size) return 0
  const start = Math.max(0, selected - Math.floor(size / 2))
  return Math.min(start, length - size)
}
