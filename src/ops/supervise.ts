/**
 * What `serve` does around the proxy: the startup line, the admin listener, record pruning,
 * SIGHUP (reload now) and SIGTERM/SIGINT (drain up to a deadline, write records, exit 0).
 */
import { statSync } from 'node:fs'
import type { Store } from '../../store/db.ts'
import { isLoopbackHost } from '../../store/routes.ts'
import { errorText, type Logger } from '../log/logger.ts'
import type { RunningProxy } from '../proxy/server.ts'
import { version } from '../version.ts'
import { type AdminListener, type AdminSources, startAdminListener } from './admin.ts'
import { sumReports, type WorkerReport } from './metrics-wire.ts'
import type { MetricsSources } from './prometheus.ts'
import { startPruner } from './pruner.ts'
import { probeServerInfo } from './readiness.ts'
import { reportOf } from './worker-link.ts'
import { startWorkers, type WorkerPool } from './workers.ts'

/** How long the last log lines may take to reach a slow stdout reader at exit. */
export const exitDrainMs = 2000

/** How long an upstream answer counts as recent for `/readyz`. */
export const readyFreshMs = 60_000

/** How `serve` runs around the proxy. */
export interface SuperviseOptions {
  proxy: RunningProxy
  db: Store
  logger: Logger
  /** Where the admin listener goes; undefined turns it off. */
  admin: { hostname: string; port: number } | undefined
  /** How long requests in flight may take to finish at shutdown. */
  graceMs: number
  logLevel: string
  /** Processes serving the port (`--workers N`); this one starts the other N-1. */
  workers?: number
  /** Where the workers' log lines go (the primary's stdout writer). */
  writeLog?: (text: string) => void
}

// What the helpers below see: the options plus the workers this primary started.
type Supervised = SuperviseOptions & { pool?: WorkerPool }

/**
 * Every process's figures added up, for `/metrics` (this one is worker 0). Exited workers' last
 * counters stay in the sums, so a counter never goes down when a worker is replaced.
 */
export async function gatherWorkers(
  proxy: RunningProxy,
  pool: WorkerPool,
): Promise<MetricsSources> {
  const { workers, retired } = await pool.reports()
  const reports = [reportOf(proxy, 0), ...workers]
  const all = [...reports, retired]
  const sum = (pick: (r: WorkerReport) => number) => all.reduce((total, r) => total + pick(r), 0)
  return {
    metrics: sumReports(all, proxy.metrics.startedAt),
    inFlight: () => sum((r) => r.inFlight),
    snapshot: proxy.snapshot,
    recorder: { written: sum((r) => r.recordsWritten), dropped: sum((r) => r.recordsDropped) },
    lockouts: () => sum((r) => r.lockouts),
    workers: reports,
  }
}

/** What the admin listener reads from a running proxy (and its workers, if any). */
export function adminSources(
  proxy: RunningProxy,
  db: Store,
  isDraining: () => boolean = () => false,
  pool?: WorkerPool,
): AdminSources {
  return {
    gather: pool ? () => gatherWorkers(proxy, pool) : undefined,
    db,
    metrics: proxy.metrics,
    snapshot: proxy.snapshot,
    inFlight: proxy.inFlight,
    recorder: proxy.recorder,
    lockouts: () => proxy.lockout.lockouts,
    freshMs: readyFreshMs,
    probe: probeServerInfo,
    isDraining,
  }
}

function startAdmin(options: Supervised, isDraining: () => boolean): AdminListener | undefined {
  const { proxy, db, admin, logger } = options
  if (!admin) return undefined
  try {
    const sources = adminSources(proxy, db, isDraining, options.pool)
    return startAdminListener(admin.hostname, admin.port, sources)
  } catch (error) {
    // The proxy is the job; without the admin listener it still serves, and says so loudly.
    logger.log('error', 'the admin listener could not start: no /healthz, /readyz or /metrics', {
      admin: `${admin.hostname}:${admin.port}`,
      error: errorText(error),
      fix: 'free that port, or pass --admin-listen HOST:PORT (or off)',
    })
    return undefined
  }
}

function logStartup(options: Supervised, adminListener: AdminListener | undefined): void {
  const { proxy, db, logger, admin } = options
  const snapshot = proxy.snapshot()
  const warnings = [...snapshot.warnings]
  if (admin && !isLoopbackHost(admin.hostname)) {
    warnings.push(
      `the admin listener is on ${admin.hostname}: anyone who reaches it reads /metrics`,
    )
  }
  logger.log('info', 'japroxy listening', {
    version: version.text,
    listen: proxy.url,
    admin: adminListener ? adminListener.url : admin ? 'failed' : 'off',
    store: db.filename,
    logLevel: options.logLevel,
    workers: options.pool ? options.pool.size + 1 : 1,
    routes: snapshot.routes.map(
      (r) => `${r.name} ${r.basePath} → ${r.upstreamOrigin}${r.upstreamBasePath}`,
    ),
    keys: snapshot.keysByHash.size,
    warnings,
  })
  for (const warning of warnings) logger.log('warn', warning)
  logger.flush()
}

/** Starts everything around the proxy and installs the signal handlers. */
export function supervise(base: SuperviseOptions): void {
  const { proxy, db, logger } = base
  let isStopping = false
  const workers = base.workers ?? 1
  const giveUp = (why: string) => {
    logger.log('error', 'workers keep exiting; japroxy stops', { why })
    void stop('workers failing', 1)
  }
  const pool =
    workers > 1
      ? startWorkers({
          count: workers - 1,
          logger,
          onGiveUp: giveUp,
          writeLog: base.writeLog ?? ((text) => process.stdout.write(text)),
        })
      : undefined
  const options: Supervised = { ...base, pool }
  const adminListener = startAdmin(options, () => isStopping)
  logStartup(options, adminListener)
  const pruner = startPruner(db, logger, () => proxy.snapshot().settings)

  process.on('SIGHUP', () => {
    logger.log('info', 'reload requested', { signal: 'SIGHUP' })
    proxy.reload(true)
    pool?.reload()
  })
  async function stop(signal: string, exitCode = 0): Promise<void> {
    if (isStopping) return
    isStopping = true
    logger.log('info', 'japroxy stopping', {
      signal,
      inFlight: proxy.inFlight(),
      graceMs: options.graceMs,
    })
    await Promise.all([proxy.stop(options.graceMs), pool?.stop(options.graceMs)])
    pruner.stop()
    await adminListener?.stop()
    const { written, dropped } = proxy.recorder
    db.close()
    logger.log('info', 'japroxy stopped', { recordsWritten: written, recordsDropped: dropped })
    await logger.drain(exitDrainMs)
    process.exit(exitCode)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  watchStoreFile(db, () => {
    logger.log('error', 'the store file was replaced or removed under serve; japroxy stops', {
      store: db.filename,
      hint: 'start serve again to use the store now at that path (systemd restarts it)',
    })
    void stop('store replaced', 1)
  })
}

/** How often `serve` checks that its store file is still the one it opened. */
export const storeWatchMs = 1000

/**
 * Calls `onReplaced` once when the store's path no longer names the file `serve` opened (a
 * restore while serving, or a deletion): serve would otherwise go on with the old file unseen.
 */
function watchStoreFile(db: Store, onReplaced: () => void): void {
  if (!db.filename || db.filename === ':memory:') return
  const identity = () => {
    try {
      const { dev, ino } = statSync(db.filename)
      return `${dev}:${ino}`
    } catch {
      return 'missing'
    }
  }
  const opened = identity()
  const timer = setInterval(() => {
    if (identity() === opened) return
    clearInterval(timer)
    onReplaced()
  }, storeWatchMs)
  timer.unref()
}
