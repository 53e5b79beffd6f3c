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
  /** Whether lines at `level` are written. */
  isEnabled(level: Level): boolean
  flush(): void
}

/** Writes lines to stdout through a buffered sink, flushed often and at exit. */
export function stdoutSink(): { write: LineSink; flush: () => void } {
  const writer = Bun.stdout.writer({ highWaterMark: 64 * 1024 })
  const timer = setInterval(() => writer.flush(), 100)
  timer.unref()
  return {
    write: (line) => {
      writer.write(line)
    },
    flush: () => {
      writer.flush()
    },
  }
}

/** Makes a logger writing JSON lines at `minimum` and above. */
export function createLogger(minimum: Level, sink: LineSink, flush: () => void = () => {}): Logger {
  return {
    isEnabled: (level) => rank[level] >= rank[minimum],
    log(level, msg, fields = {}) {
      if (rank[level] < rank[minimum]) return
      const line = JSON.stringify({
        ts: new Date().toISOString(),
        level,
        msg: redactText(msg),
        ...fields,
      })
      sink(`${line}\n`)
    },
    flush,
  }
}

/** A message from an unknown thrown value, with secrets masked. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return redactText(text)
}
