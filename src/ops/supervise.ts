/**
 * What `serve` does around the proxy: the startup line, the admin listener, record pruning,
 * SIGHUP (reload now) and SIGTERM/SIGINT (drain up to a deadline, write records, exit 0).
 */
import type { Store } from '../../store/db.ts'
import { isLoopbackHost } from '../../store/routes.ts'
import { errorText, type Logger } from '../log/logger.ts'
import type { RunningProxy } from '../proxy/server.ts'
import { version } from '../version.ts'
import { type AdminListener, type AdminSources, startAdminListener } from './admin.ts'
import { startPruner } from './pruner.ts'
import { probeServerInfo } from './readiness.ts'

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
}

/** What the admin listener reads from a running proxy. */
export function adminSources(
  proxy: RunningProxy,
  db: Store,
  isDraining: () => boolean = () => false,
): AdminSources {
  return {
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

function startAdmin(
  options: SuperviseOptions,
  isDraining: () => boolean,
): AdminListener | undefined {
  const { proxy, db, admin, logger } = options
  if (!admin) return undefined
  try {
    return startAdminListener(admin.hostname, admin.port, adminSources(proxy, db, isDraining))
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

function logStartup(options: SuperviseOptions, adminListener: AdminListener | undefined): void {
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
export function supervise(options: SuperviseOptions): void {
  const { proxy, db, logger } = options
  let isStopping = false
  const adminListener = startAdmin(options, () => isStopping)
  const pruner = startPruner(db, logger, () => proxy.snapshot().settings)
  logStartup(options, adminListener)

  process.on('SIGHUP', () => {
    logger.log('info', 'reload requested', { signal: 'SIGHUP' })
    proxy.reload(true)
  })
  const stop = async (signal: string) => {
    if (isStopping) return
    isStopping = true
    logger.log('info', 'japroxy stopping', {
      signal,
      inFlight: proxy.inFlight(),
      graceMs: options.graceMs,
    })
    await proxy.stop(options.graceMs)
    pruner.stop()
    await adminListener?.stop()
    const { written, dropped } = proxy.recorder
    db.close()
    logger.log('info', 'japroxy stopped', { recordsWritten: written, recordsDropped: dropped })
    logger.flush()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
