/**
 * How `serve` notices admin changes: it polls `PRAGMA data_version` (cheap, changes in this
 * connection when any other process commits) and rebuilds the snapshot when `config_version`
 * moved. Polled rebuilds run on a second, read-only connection in slices, so a store of 100,000
 * keys never holds requests up (bench/NOTES.md); forced ones (SIGHUP, tests) build at once.
 */
import { configVersion, dataVersion, openStore, type Store } from '../../store/db.ts'
import type { MasterKey } from '../../store/seal.ts'
import { reloadPollMs } from '../defaults.ts'
import { errorText, type Logger } from '../log/logger.ts'
import type { Metrics } from '../ops/metrics.ts'
import { buildSnapshot, buildSnapshotInSlices, type Snapshot } from './snapshot.ts'

/** What the reloader reads and where a new snapshot goes. */
export interface ReloaderOptions {
  db: Store
  masterKey: MasterKey
  logger: Logger
  metrics: Metrics
  /** The snapshot being served. */
  current(): Snapshot
  /** Serves `next` from now on. */
  use(next: Snapshot): void
}

/** A running reloader. */
export interface Reloader {
  /** Rebuilds the snapshot now if the store changed (or always, when `isForced`). */
  reload(isForced?: boolean): boolean
  /** Builds a full snapshot in slices and hands it to `use` without counting a reload. */
  warmUp(use: (next: Snapshot) => void): void
  stop(): void
}

/**
 * Whether the store is a file, so a second, read-only connection can build snapshots while the
 * first one writes request records (otherwise every reload builds at once).
 */
export function isFileStore(db: Store): boolean {
  return Boolean(db.filename) && db.filename !== ':memory:'
}

/** Starts polling the store for changes. */
export function startReloader(options: ReloaderOptions): Reloader {
  const { db, masterKey, logger, metrics } = options
  let seenData = dataVersion(db)
  const install = (next: Snapshot) => {
    options.use(next)
    logger.log('info', 'settings reloaded', { version: next.version, routes: next.routes.length })
    for (const warning of next.warnings) logger.log('warn', warning)
    metrics.reloads++
  }
  const failed = (error: unknown) => {
    metrics.reloadFailures++
    logger.log('error', 'reload failed; still serving the previous settings', {
      error: errorText(error),
    })
  }
  // Whether the store changed since the last look (and the change is a configuration change).
  const hasChanged = (isForced: boolean): boolean => {
    const data = dataVersion(db)
    if (!isForced && data === seenData) return false
    seenData = data
    return isForced || configVersion(db) !== options.current().version
  }
  // Each reload takes a number; a slow build installs its snapshot only if none came since.
  let generation = 0
  const reload = (isForced = false): boolean => {
    try {
      if (!hasChanged(isForced)) return false
      generation++
      install(buildSnapshot(db, masterKey))
      return true
    } catch (error) {
      failed(error)
      return false
    }
  }
  const reader = isFileStore(db) ? openStore(db.filename, { isReadOnly: true }) : undefined
  let isBuilding = false
  let isStopped = false
  const buildInSlices = async (use: (next: Snapshot) => void) => {
    if (!reader || isBuilding) return
    const started = ++generation
    isBuilding = true
    try {
      const next = await buildSnapshotInSlices(reader, db, masterKey)
      if (generation === started && !isStopped) use(next)
    } catch (error) {
      failed(error)
    } finally {
      isBuilding = false
      if (isStopped) reader.close()
    }
  }
  const reloadInSlices = () => {
    if (!reader || isBuilding) return
    try {
      if (hasChanged(false)) void buildInSlices(install)
    } catch (error) {
      failed(error)
    }
  }
  const poll = setInterval(() => (reader ? reloadInSlices() : reload()), reloadPollMs)
  return {
    reload,
    warmUp: (use) => void buildInSlices(use),
    stop() {
      clearInterval(poll)
      if (isStopped) return
      isStopped = true
      if (reader && !isBuilding) reader.close()
    },
  }
}
