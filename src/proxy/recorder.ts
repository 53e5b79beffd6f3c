/**
 * Request records, written off the hot path: queued in memory and committed in batches, with
 * each key's last-used time. When the store cannot take them (locked, read-only, full), the
 * batch is dropped and counted; requests are never held up by the store.
 */

import type { Store } from '../../store/db.ts'
import { touchApiKeys } from '../../store/keys.ts'
import { insertRequestRecords, type RequestRecord } from '../../store/request-records.ts'
import { recordBatchMax, recordChunkRows, recordFlushMs, recordQueueMax } from '../defaults.ts'
import { errorText, type Logger } from '../log/logger.ts'
import { loggablePath, type RequestOutcome } from '../log/request-line.ts'
import type { RequestContext } from './request-context.ts'

/** The request record of a finished request (the path as logged: keys in it are masked). */
export function requestRecord(
  ctx: RequestContext,
  outcome: RequestOutcome,
  ts: number,
): RequestRecord {
  return {
    ts,
    requestId: ctx.requestId,
    route: ctx.route?.name,
    method: ctx.method,
    path: loggablePath(ctx.path),
    status: outcome.status,
    upstreamStatus: ctx.upstreamStatus,
    durationMs: outcome.durationMs,
    clientIp: ctx.clientIp,
    remoteAddr: ctx.remoteAddr,
    keyId: ctx.keyId,
    auth: ctx.auth,
    reason: ctx.reason,
    bytesIn: ctx.bytesIn,
    bytesOut: outcome.bytesOut,
  }
}

/** Batches request records into the store. */
export class Recorder {
  private queue: RequestRecord[] = []
  private lastUsed = new Map<string, number>()
  private timer: ReturnType<typeof setInterval> | undefined
  private isDraining = false
  /** Records dropped because the queue was full or the store refused a batch. */
  dropped = 0
  written = 0

  constructor(
    private readonly db: Store,
    private readonly logger: Logger,
  ) {}

  /** Starts the flush timer. */
  start(): void {
    this.timer = setInterval(() => this.drain(), recordFlushMs)
  }

  /** Queues one record; drops it (and counts) when the queue is full. */
  add(record: RequestRecord): void {
    if (this.queue.length >= recordQueueMax) {
      this.dropped++
      return
    }
    this.queue.push(record)
    if (record.keyId && record.auth === 'ok') this.lastUsed.set(record.keyId, record.ts)
    if (this.queue.length >= recordBatchMax) this.drain()
  }

  /** Writes everything queued now (at stop, and for tests that read the store). */
  flush(): void {
    while (this.queue.length > 0) this.writeChunk(this.queue.length)
  }

  /**
   * Writes the queue a chunk per turn of the event loop, so that requests arriving meanwhile
   * wait for one chunk, not for the whole batch (bench/NOTES.md: the p99 at 50 connections).
   */
  private drain(): void {
    if (this.isDraining) return
    this.isDraining = true
    this.drainStep()
  }

  private readonly drainStep = (): void => {
    if (this.queue.length === 0) {
      this.isDraining = false
      return
    }
    this.writeChunk(recordChunkRows)
    setImmediate(this.drainStep)
  }

  /** Writes up to `rows` records and the keys' last-used times in one transaction. */
  private writeChunk(rows: number): void {
    const batch = this.queue.length <= rows ? this.queue : this.queue.splice(0, rows)
    if (batch === this.queue) this.queue = []
    const lastUsed = this.lastUsed
    this.lastUsed = new Map()
    try {
      this.db.transaction(() => {
        insertRequestRecords(this.db, batch)
        touchApiKeys(this.db, lastUsed)
      })()
      this.written += batch.length
    } catch (error) {
      this.dropped += batch.length
      this.logger.log('warn', 'request records dropped: the store did not take them', {
        dropped: batch.length,
        droppedTotal: this.dropped,
        error: errorText(error),
      })
    }
  }

  /** Stops the timer and writes what is left. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.flush()
  }
}
