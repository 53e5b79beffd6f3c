/**
 * The primary side of `serve --workers N`: starts N-1 more copies of this very command as
 * worker processes (they share the port through `reusePort` and the store through SQLite),
 * starts a worker again when one dies, and gives up (so systemd sees a failure) when they keep
 * dying. The primary asks them for their figures when `/metrics` is read.
 */
import { errorText, type Logger } from '../log/logger.ts'
import { Metrics } from './metrics.ts'
import { addWire, toWire, type WorkerReport } from './metrics-wire.ts'
import { isMessage, type WorkerMessage, workerEnv } from './worker-link.ts'

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
  /**
   * Each worker's figures (its last answer when it does not answer in time), and the last
   * figures of workers that have exited, so that sums of counters never go down.
   */
  reports(): Promise<{ workers: WorkerReport[]; retired: WorkerReport }>
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
  /** Where the workers' log lines go: the primary's own stdout writer, whole lines only. */
  writeLog: (text: string) => void
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
  /** Ends when the worker's stdout does: its last lines have been passed on. */
  relay?: Promise<void>
  restart?: ReturnType<typeof setTimeout>
}

type Pending = Map<number, (report: WorkerReport) => void>

/**
 * Passes a worker's stdout on in whole lines. Workers write through the primary rather than to
 * the shared stdout, because writes of several processes to one pipe interleave mid-line once
 * the reader falls behind (found in review).
 */
export async function relayLines(
  stream: ReadableStream<Uint8Array>,
  write: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder()
  let partial = ''
  for await (const chunk of stream) {
    const text = partial + decoder.decode(chunk, { stream: true })
    const end = text.lastIndexOf('\n') + 1
    if (end > 0) write(text.slice(0, end))
    partial = text.slice(end)
  }
  partial += decoder.decode()
  if (partial !== '') write(`${partial}\n`)
}

/** A report of nothing, to add exited workers' last figures into. */
function emptyReport(worker: number): WorkerReport {
  return {
    worker,
    pid: 0,
    metrics: toWire(new Metrics(0)),
    inFlight: 0,
    recordsWritten: 0,
    recordsDropped: 0,
    lockouts: 0,
    rssBytes: 0,
  }
}

/** What the primary knows of its workers' figures: each one's last answer, and those gone. */
class ReportBook {
  private readonly last = new Map<number, WorkerReport>()
  /** The last counters of every worker that has exited, added up (gauges left out). */
  readonly retired = emptyReport(-1)

  note(report: WorkerReport): void {
    this.last.set(report.worker, report)
  }

  lastOf(worker: number): WorkerReport | undefined {
    return this.last.get(worker)
  }

  /** Moves a worker that exited into `retired`, so that the sums never go down. */
  retire(worker: number): void {
    const last = this.last.get(worker)
    this.last.delete(worker)
    if (!last) return
    const total = new Metrics(0)
    addWire(total, this.retired.metrics)
    addWire(total, last.metrics)
    this.retired.metrics = toWire(total)
    this.retired.recordsWritten += last.recordsWritten
    this.retired.recordsDropped += last.recordsDropped
    this.retired.lockouts += last.lockouts
  }
}

/** The worker processes of one primary. */
class WorkerProcesses implements WorkerPool {
  private readonly slots: Slot[]
  private readonly pending: Pending = new Map()
  private readonly book = new ReportBook()
  private readonly crashes: number[] = []
  private isStopping = false
  private nextId = 1

  constructor(private readonly options: PoolOptions) {
    this.slots = Array.from({ length: options.count }, (_, i) => ({ worker: i + 1 }))
    for (const slot of this.slots) this.spawn(slot)
  }

  get size(): number {
    return this.slots.length
  }

  private readonly onMessage = (message: unknown): void => {
    if (!isMessage(message, 'report')) return
    this.book.note(message.report)
    this.pending.get(message.id)?.(message.report)
  }

  private spawn(slot: Slot): void {
    slot.restart = undefined
    if (this.isStopping) return
    try {
      const child = Bun.spawn(ownCommand(), {
        env: { ...process.env, [workerEnv]: String(slot.worker) },
        stdio: ['ignore', 'pipe', 'inherit'],
        ipc: this.onMessage,
        onExit: (_child, code, signal) => {
          slot.child = undefined
          this.book.retire(slot.worker)
          if (!this.isStopping) this.crashed(slot, code, signal ? String(signal) : null)
        },
      })
      slot.child = child
      slot.relay = relayLines(child.stdout, this.options.writeLog).catch(() => {})
    } catch (error) {
      this.options.logger.log('error', 'could not start a worker', {
        child: slot.worker,
        error: errorText(error),
      })
      this.crashed(slot, null, null)
    }
  }

  /** Starts the worker again a second later, unless workers keep dying. */
  private crashed(slot: Slot, code: number | null, signal: string | null): void {
    const now = Date.now()
    this.crashes.push(now)
    while (this.crashes.length > 0 && this.crashes[0]! < now - crashWindowMs) this.crashes.shift()
    // `child`, not `worker`: every line of the primary says `"worker":0` already.
    const fields = { child: slot.worker, exitCode: code, signal }
    const { logger } = this.options
    if (this.crashes.length >= crashLimit) {
      logger.log('error', 'worker exited', fields)
      const seconds = crashWindowMs / 1000
      this.options.onGiveUp(`workers exited ${this.crashes.length} times within ${seconds} s`)
      return
    }
    logger.log('error', 'worker exited; starting another', fields)
    slot.restart = setTimeout(() => this.spawn(slot), restartDelayMs)
  }

  /** Asks one worker for its figures; undefined when it does not answer in time. */
  private ask(child: Bun.Subprocess): Promise<WorkerReport | undefined> {
    return new Promise((resolve) => {
      const id = this.nextId++
      const timer = setTimeout(() => done(undefined), reportTimeoutMs)
      const done = (report: WorkerReport | undefined) => {
        clearTimeout(timer)
        this.pending.delete(id)
        resolve(report)
      }
      this.pending.set(id, done)
      try {
        child.send({ type: 'report?', id } satisfies WorkerMessage)
      } catch {
        done(undefined)
      }
    })
  }

  async reports(): Promise<{ workers: WorkerReport[]; retired: WorkerReport }> {
    const live = this.slots.filter((slot) => slot.child)
    const answers = await Promise.all(
      live.map(async (slot) => (await this.ask(slot.child!)) ?? this.book.lastOf(slot.worker)),
    )
    // A worker that exited while the others were answering is in `retired` already.
    const livePids = new Set(this.slots.map((slot) => slot.child?.pid))
    const workers = answers.filter(
      (report): report is WorkerReport => report !== undefined && livePids.has(report.pid),
    )
    return { workers, retired: this.book.retired }
  }

  reload(): void {
    for (const slot of this.slots) slot.child?.kill('SIGHUP')
  }

  async stop(graceMs: number): Promise<void> {
    this.isStopping = true
    for (const slot of this.slots) clearTimeout(slot.restart)
    const live = this.slots.flatMap((slot) => (slot.child ? [slot.child] : []))
    for (const child of live) child.kill('SIGTERM')
    // A worker gets the same grace as the primary, plus a moment to write its records.
    const deadline = setTimeout(() => {
      for (const child of live) child.kill('SIGKILL')
    }, graceMs + 2000)
    await Promise.all(live.map((child) => child.exited))
    clearTimeout(deadline)
    // Their last lines ("worker stopped") are still on their way through the pipes.
    const relays = this.slots.flatMap((slot) => (slot.relay ? [slot.relay] : []))
    await Promise.race([Promise.all(relays), Bun.sleep(1000)])
  }
}

/** Starts `count` workers running this command with `JAPROXY_WORKER` set. */
export function startWorkers(options: PoolOptions): WorkerPool {
  return new WorkerProcesses(options)
}
