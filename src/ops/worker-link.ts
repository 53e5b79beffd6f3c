/**
 * The worker side of `serve --workers N`: a process the primary started, serving the same port
 * (`reusePort`). It answers the primary's requests for its figures over the IPC channel, reloads
 * on SIGHUP, drains on SIGTERM/SIGINT, and stops when the primary is gone (the channel closes
 * at once even on kill -9), so no worker outlives its primary.
 */
import type { Store } from '../../store/db.ts'
import type { Logger } from '../log/logger.ts'
import type { RunningProxy } from '../proxy/server.ts'
import { toWire, type WorkerReport } from './metrics-wire.ts'

/**
 * How long a worker whose primary is gone lets requests in flight finish: the primary died
 * (or was killed), so nothing will stop this worker for it, and the service may be starting
 * again beside it.
 */
export const orphanGraceMs = 5000

/** The environment variable that makes `serve` a worker, holding its number (1..N-1). */
export const workerEnv = 'JAPROXY_WORKER'

/** A message on the IPC channel between the primary and a worker. */
export type WorkerMessage =
  | { type: 'report?'; id: number }
  | { type: 'report'; id: number; report: WorkerReport }
  | { type: 'listening'; worker: number }

/** Whether `value` is a message of the given type (anything else on the channel is ignored). */
export function isMessage<T extends WorkerMessage['type']>(
  value: unknown,
  type: T,
): value is Extract<WorkerMessage, { type: T }> {
  return typeof value === 'object' && value !== null && (value as WorkerMessage).type === type
}

/** This process's own figures, as the primary's `/metrics` adds them up. */
export function reportOf(proxy: RunningProxy, worker: number): WorkerReport {
  return {
    worker,
    pid: process.pid,
    metrics: toWire(proxy.metrics),
    inFlight: proxy.inFlight(),
    recordsWritten: proxy.recorder.written,
    recordsDropped: proxy.recorder.dropped,
    lockouts: proxy.lockout.lockouts,
    rssBytes: process.memoryUsage.rss(),
  }
}

/** What a worker runs around its proxy. */
export interface WorkerOptions {
  proxy: RunningProxy
  db: Store
  logger: Logger
  worker: number
  graceMs: number
  /** Called when the primary is gone: its stdout pipe has no reader any more. */
  onOrphaned: () => void
}

/** Links this worker to its primary and installs the signal handlers. */
export function runAsWorker(options: WorkerOptions): void {
  const { proxy, db, logger, worker } = options
  const send = (message: WorkerMessage) => process.send?.(message)
  process.on('message', (message: unknown) => {
    if (isMessage(message, 'report?'))
      send({ type: 'report', id: message.id, report: reportOf(proxy, worker) })
  })
  let isStopping = false
  const stop = async (why: string, graceMs = options.graceMs) => {
    if (isStopping) return
    isStopping = true
    // Every line of a worker names it already (`"worker":N`, see serve's logger).
    logger.log('info', 'worker stopping', { why, inFlight: proxy.inFlight(), graceMs })
    await proxy.stop(graceMs)
    db.close()
    logger.log('info', 'worker stopped', {
      recordsWritten: proxy.recorder.written,
      recordsDropped: proxy.recorder.dropped,
    })
    await logger.drain(2000)
    process.exit(0)
  }
  process.on('disconnect', () => {
    options.onOrphaned()
    void stop('the primary is gone', Math.min(options.graceMs, orphanGraceMs))
  })
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGHUP', () => proxy.reload(true))
  logger.log('info', 'worker listening', { pid: process.pid, listen: proxy.url })
  logger.flush()
  send({ type: 'listening', worker })
}
