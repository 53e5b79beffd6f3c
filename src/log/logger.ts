/**
 * JSON lines on stdout, one per event (journald keeps them). Every free-text field passes
 * through `redactText`, so an error message from a library cannot carry a secret out.
 */
import { redactText } from './redact.ts'

/** Log levels, least to most severe. */
export type Level = 'debug' | 'info' | 'warn' | 'error'

const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Where log lines go; tests pass their own. */
export type LineSink = (line: string) => void

/** A structured logger. */
export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void
  /**
   * Writes a line whose fields are JSON text already (`"name":value` pairs, comma-separated):
   * the per-request line, built without an intermediate object.
   */
  logJson(level: Level, msg: string, fieldsJson: string): void
  /** Whether lines at `level` are written. */
  isEnabled(level: Level): boolean
  flush(): void
  /** Flushes and waits, at most `ms`, for the output to take it (before the process exits). */
  drain(ms: number): Promise<void>
}

const sinkBufferChars = 64 * 1024
const sinkFlushMs = 100

/** Characters handed to stdout and not yet written beyond which new lines are dropped. */
export const sinkBacklogMaxChars = 64 * 1024 * 1024

/** A line sink on stdout. */
export interface StdoutSink {
  write: LineSink
  flush: () => void
  /** Flushes and waits (at most `ms`) until stdout has taken everything: before exiting. */
  drain: (ms: number) => Promise<void>
  /** Writes to stderr from now on (a worker whose primary, its stdout's reader, is gone). */
  switchToStderr: () => void
}

function countLines(text: string): number {
  let n = 0
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++
  return n
}

/**
 * Writes lines to stdout, gathered in memory and written 64 KiB at a time, every 100 ms and at
 * exit. Bun's file writer alone made one write(2) for most lines, which cost more than building
 * them (bench/NOTES.md). Workers of `serve --workers` write through the primary, which passes
 * their output on in whole lines (src/ops/workers.ts), so this is the only writer of stdout.
 * A reader that stops reading costs at most `sinkBacklogMaxChars` (then lines are dropped and
 * counted in a warning once it reads again); a reader that is gone (EPIPE) sends the rest to
 * stderr rather than ending the process.
 */
export function stdoutSink(maxBacklog = sinkBacklogMaxChars): StdoutSink {
  let writer = Bun.stdout.writer({ highWaterMark: sinkBufferChars })
  let isStderr = false
  let pending = ''
  let backlog = 0
  let dropped = 0
  let lastFlush: Promise<unknown> | undefined
  const switchToStderr = () => {
    if (isStderr) return
    isStderr = true
    writer = Bun.stderr.writer({ highWaterMark: sinkBufferChars })
  }
  const written = () => {
    backlog = 0
    if (dropped === 0) return
    const msg = 'log lines dropped: stdout was not read'
    const line = `{"ts":"${isoNow()}","level":"warn","msg":"${msg}","dropped":${dropped}}\n`
    dropped = 0
    pending = line + pending
  }
  const flush = () => {
    if (pending !== '') {
      if (backlog > maxBacklog) dropped += countLines(pending)
      else {
        writer.write(pending)
        backlog += pending.length
      }
      pending = ''
    }
    const result = writer.flush()
    if (result instanceof Promise) lastFlush = result.then(written, switchToStderr)
    else written()
  }
  const drain = async (ms: number) => {
    flush()
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, ms)
    })
    await Promise.race([lastFlush, deadline])
    clearTimeout(timer)
  }
  const timer = setInterval(flush, sinkFlushMs)
  timer.unref()
  return {
    write: (line) => {
      pending += line
      if (pending.length >= sinkBufferChars) flush()
    },
    flush,
    drain,
    switchToStderr,
  }
}

// Three-digit milliseconds with the closing Z, so a timestamp is a prefix plus one lookup.
const millisText = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`)
let cachedSecond = -1
let cachedPrefix = ''

/** `new Date().toISOString()`, rebuilding the date part once a second instead of every line. */
export function isoNow(now = Date.now()): string {
  const second = Math.floor(now / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20)
  }
  return cachedPrefix + millisText[now - second * 1000]
}

/** Where a logger's lines go besides the sink, and what each of them carries. */
export interface LoggerOutput {
  flush?: () => void
  drain?: (ms: number) => Promise<void>
  /** With `serve --workers`: the process, as `"worker":N` right after `ts` in every line. */
  worker?: number
}

/** Makes a logger writing JSON lines at `minimum` and above. */
export function createLogger(minimum: Level, sink: LineSink, output: LoggerOutput = {}): Logger {
  const flush = output.flush ?? (() => {})
  const drain = output.drain ?? (async () => flush())
  const { worker } = output
  const workerJson = worker === undefined ? '' : `"worker":${worker},`
  // Request lines repeat one message; redact it once, not three regular expressions per line.
  let lastMsg = ''
  let lastMsgJson = '""'
  const msgJson = (msg: string): string => {
    if (msg !== lastMsg) {
      lastMsg = msg
      lastMsgJson = JSON.stringify(redactText(msg))
    }
    return lastMsgJson
  }
  return {
    isEnabled: (level) => rank[level] >= rank[minimum],
    log(level, msg, fields = {}) {
      if (rank[level] < rank[minimum]) return
      const line = JSON.stringify({
        ts: isoNow(),
        worker,
        level,
        msg: redactText(msg),
        ...fields,
      })
      sink(`${line}\n`)
    },
    logJson(level, msg, fieldsJson) {
      if (rank[level] < rank[minimum]) return
      const fields = fieldsJson === '' ? '' : `,${fieldsJson}`
      const head = `{"ts":"${isoNow()}",${workerJson}"level":"${level}"`
      sink(`${head},"msg":${msgJson(msg)}${fields}}\n`)
    },
    flush,
    drain,
  }
}

/** A message from an unknown thrown value, with secrets masked. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return redactText(text)
}
