/**
 * The primary side of `serve --workers N`: starts N-1 more copies of this very command as
 * worker processes (they share the port through `reusePort` and the store through SQLite),
 * starts a worker again when one dies, and gives up (so systemd sees a failure) when they keep
 * dying. The primary asks them for their figures when `/metrics` is read.
 */
import { errorText, type Logger } from '../log/logger.ts'
import type { WorkerReport } from './metrics-wire.ts'
import { isMessage, type WorkerMessage, workerEnv } from './worker-link.ts'

/** The most processes `--workers` accepts. */
export const maxWorkers = 64

/** How long after a worker died the primary starts another. */
export const restartDelayMs = 1000

/** This many unexpected worker exits within `crashWindowMs` stop the whole service. */
export const crashLimit = 5
export const crashWindowMs = 60_000

/** How long `/metrics` waits for a worker's figures before leaving it out. */
export const reportTimeoutMs = 1000

/** The workers a primary started. */
export interface WorkerPool {
  /** How many workers (besides the primary). */
  readonly size: number
  /** Each live worker's figures (a worker that does not answer in time is left out). */
  reports(): Promise<WorkerReport[]>
  /** Passes a reload request on to every worker. */
  reload(): void
  /** Stops every worker, waiting up to `graceMs` for their requests in flight, then kills. */
  stop(graceMs: number): Promise<void>
}

/** How to start the workers. */
export interface PoolOptions {
  /** Workers besides the primary (`--workers N` starts N-1). */
  count: number
  logger: Logger
  /** Called once when workers die too often; the primary then stops with a failure. */
  onGiveUp: (why: string) => void
}

/** This very command line, runnable again (a compiled binary or `bun src/main.ts`). */
export function ownCommand(): string[] {
  const [, script, ...args] = process.argv
  const isCompiled = script?.startsWith('/$bunfs/') ?? false
  return isCompiled || !script ? [process.execPath, ...args] : [process.execPath, script, ...args]
}

interface Slot {
  worker: number
  child?: Bun.Subprocess
  restart?: ReturnType<typeof setTimeout>
}

type Pending = Map<number, (report: WorkerReport) => void>

/** Starts `count` workers running this command with `JAPROXY_WORKER` set. */
export function startWorkers(options: PoolOptions): WorkerPool {
  const { logger } = options
  const slots: Slot[] = Array.from({ length: options.count }, (_, i) => ({ worker: i + 1 }))
  const pending: Pending = new Map()
  const crashes: number[] = []
  let isStopping = false
  let nextId = 1

  const onMessage = (message: unknown) => {
    if (isMessage(message, 'report')) pending.get(message.id)?.(message.report)
  }
  const crashed = (slot: Slot, code: number | null, signal: string | null) => {
    const now = Date.now()
    crashes.push(now)
    while (crashes.length > 0 && crashes[0]! < now - crashWindowMs) crashes.shift()
    const fields = { worker: slot.worker, exitCode: code, signal }
    if (crashes.length >= crashLimit) {
      logger.log('error', 'worker exited', fields)
      options.onGiveUp(`workers exited ${crashes.length} times within ${crashWindowMs / 1000} s`)
      return
    }
    logger.log('error', 'worker exited; starting another', fields)
    slot.restart = setTimeout(() => spawn(slot), restartDelayMs)
  }
  const spawn = (slot: Slot) => {
    slot.restart = undefined
    if (isStopping) return
    try {
      const child = Bun.spawn(ownCommand(), {
        env: { ...process.env, [workerEnv]: String(slot.worker) },
        stdio: ['ignore', 'inherit', 'inherit'],
        ipc: onMessage,
        onExit: (_child, code, signal) => {
          slot.child = undefined
          if (!isStopping) crashed(slot, code, signal ? String(signal) : null)
        },
      })
      slot.child = child
    } catch (error) {
      logger.log('error', 'could not start a worker', {
        worker: slot.worker,
        error: errorText(error),
      })
      crashed(slot, null, null)
    }
  }
  for (const slot of slots) spawn(slot)

  const askOne = (child: Bun.Subprocess) =>
    new Promise<WorkerReport | undefined>((resolve) => {
      const id = nextId++
      const timer = setTimeout(() => done(undefined), reportTimeoutMs)
      const done = (report: WorkerReport | undefined) => {
        clearTimeout(timer)
        pending.delete(id)
        resolve(report)
      }
      pending.set(id, done)
      try {
        child.send({ type: 'report?', id } satisfies WorkerMessage)
      } catch {
        done(undefined)
      }
    })

  return {
    size: slots.length,
    async reports() {
      const live = slots.flatMap((slot) => (slot.child ? [slot.child] : []))
      const answers = await Promise.all(live.map(askOne))
      return answers.filter((report): report is WorkerReport => report !== undefined)
    },
    reload() {
      for (const slot of slots) slot.child?.kill('SIGHUP')
    },
    async stop(graceMs: number) {
      isStopping = true
      for (const slot of slots) clearTimeout(slot.restart)
      const live = slots.flatMap((slot) => (slot.child ? [slot.child] : []))
      for (const child of live) child.kill('SIGTERM')
      // A worker gets the same grace as the primary, plus a moment to write its records.
      const deadline = setTimeout(() => {
        for (const child of live) child.kill('SIGKILL')
      }, graceMs + 2000)
      await Promise.all(live.map((child) => child.exited))
      clearTimeout(deadline)
    },
  }
}
