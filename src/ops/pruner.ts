/**
 * Keeps the request records bounded: `serve` deletes those older than `records.retentionDays`
 * and beyond the newest `records.maxRows`, at start and then every few minutes, so the store
 * never grows without limit however long japroxy runs.
 */
import type { Store } from '../../store/db.ts'
import { pruneRequestRecords } from '../../store/request-records.ts'
import type { Settings } from '../../store/settings.ts'
import { errorText, type Logger } from '../log/logger.ts'

/** How often `serve` prunes request records. */
export const pruneEveryMs = 10 * 60_000

const dayMs = 86_400_000

/** A running pruner. */
export interface Pruner {
  /** Prunes now; returns how many records went. */
  pruneNow(): number
  stop(): void
}

/** Deletes what the retention settings no longer keep; returns how many records went. */
export function pruneBySettings(db: Store, settings: Settings, now = Date.now()): number {
  const days = settings['records.retentionDays'] ?? 30
  const maxRows = settings['records.maxRows'] ?? 1_000_000
  return pruneRequestRecords(db, now - days * dayMs, maxRows)
}

/** Prunes at once and then every `everyMs`, reading the settings each time. */
export function startPruner(
  db: Store,
  logger: Logger,
  settings: () => Settings,
  everyMs = pruneEveryMs,
): Pruner {
  const pruneNow = () => {
    try {
      const deleted = pruneBySettings(db, settings())
      if (deleted > 0) logger.log('info', 'request records pruned', { deleted })
      return deleted
    } catch (error) {
      logger.log('warn', 'could not prune request records; will try again', {
        error: errorText(error),
      })
      return 0
    }
  }
  pruneNow()
  const timer = setInterval(pruneNow, everyMs)
  timer.unref()
  return { pruneNow, stop: () => clearInterval(timer) }
}
