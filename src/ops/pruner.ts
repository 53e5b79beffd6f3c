/**
 * Keeps the request records bounded: `serve` deletes those older than `records.retentionDays`
 * and beyond the newest `records.maxRows`, at start and then every minute, a slice at a time,
 * so the store never grows without limit however long japroxy runs.
 */
import type { Store } from '../../store/db.ts'
import { deleteRecordsUpTo, pruneBoundary } from '../../store/request-records.ts'
import type { Settings } from '../../store/settings.ts'
import { errorText, type Logger } from '../log/logger.ts'

/** How often `serve` prunes request records. */
export const pruneEveryMs = 60_000

/**
 * Records deleted per statement. Deleting 600,000 at once held the event loop for ~0.7 s; a
 * slice of 2,000 takes a few milliseconds, and requests are served between slices.
 */
export const pruneSliceRows = 2000

const dayMs = 86_400_000

/** A running pruner. */
export interface Pruner {
  /** Prunes now, a slice per turn of the event loop; resolves with how many records went. */
  pruneNow(): Promise<number>
  stop(): void
}

/** The highest record id the retention settings let go (0: none). */
export function pruneBoundaryBySettings(db: Store, settings: Settings, now = Date.now()): number {
  const days = settings['records.retentionDays'] ?? 30
  const maxRows = settings['records.maxRows'] ?? 1_000_000
  return pruneBoundary(db, now - days * dayMs, maxRows)
}

/** Prunes at once and then every `everyMs`, reading the settings each time. */
export function startPruner(
  db: Store,
  logger: Logger,
  settings: () => Settings,
  everyMs = pruneEveryMs,
): Pruner {
  let isStopped = false
  let running: Promise<number> | undefined
  const prune = async (): Promise<number> => {
    let deleted = 0
    try {
      const lastId = pruneBoundaryBySettings(db, settings())
      while (!isStopped && lastId > 0) {
        const n = deleteRecordsUpTo(db, lastId, pruneSliceRows)
        deleted += n
        if (n < pruneSliceRows) break
        await new Promise((resolve) => setImmediate(resolve))
      }
    } catch (error) {
      logger.log('warn', 'could not prune request records; will try again', {
        error: errorText(error),
      })
    }
    if (deleted > 0) logger.log('info', 'request records pruned', { deleted })
    return deleted
  }
  // One pruning at a time: a slow one is not overtaken by the next tick.
  const pruneNow = () => {
    running ??= prune().finally(() => {
      running = undefined
    })
    return running
  }
  void pruneNow()
  const timer = setInterval(() => void pruneNow(), everyMs)
  timer.unref()
  return {
    pruneNow,
    stop() {
      isStopped = true
      clearInterval(timer)
    },
  }
}
