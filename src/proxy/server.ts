/**
 * `serve`: the listening proxy. Holds the current snapshot, reloads it when an admin change
 * lands (PRAGMA data_version + config_version, polled; SIGHUP forces it), and writes one log
 * line and one request record per request. Bun-specific calls stay in this file.
 */
import { reloadPollMs } from '../defaults.ts'
import { configVersion, dataVersion, type Store } from '../../store/db.ts'
import type { MasterKey } from '../../store/seal.ts'
import { errorText, type Logger } from '../log/logger.ts'
import { handleRequest } from './pipeline.ts'
import { Recorder } from './recorder.ts'
import type { RequestContext } from './request-context.ts'
import { buildSnapshot, type Snapshot } from './snapshot.ts'

/** How `serve` was asked to run. */
export interface ServeOptions {
  hostname: string
  port: number
  tls?: { cert: string; key: string }
  db: Store
  masterKey: MasterKey
  logger: Logger
  /** Called with each finished request (the demo prints them). */
  onRequest?: (line: Record<string, unknown>) => void
}

/** A running proxy. */
export interface RunningProxy {
  url: string
  port: number
  snapshot(): Snapshot
  /** Rebuilds the snapshot now if the store changed (or always, when `isForced`). */
  reload(isForced?: boolean): boolean
  recorder: Recorder
  stop(): Promise<void>
}

/** Starts the proxy; throws (with a clear message) when the store or master key is unusable. */
export function startProxy(options: ServeOptions): RunningProxy {
  const { db, logger, masterKey } = options
  let current = buildSnapshot(db, masterKey)
  let seenData = dataVersion(db)
  const recorder = new Recorder(db, logger)
  recorder.start()

  const reload = (isForced = false): boolean => {
    try {
      const data = dataVersion(db)
      if (!isForced && data === seenData) return false
      seenData = data
      if (!isForced && configVersion(db) === current.version) return false
      current = buildSnapshot(db, masterKey)
      logger.log('info', 'settings reloaded', {
        version: current.version,
        routes: current.routes.length,
      })
      for (const warning of current.warnings) logger.log('warn', warning)
      return true
    } catch (error) {
      logger.log('error', 'reload failed; still serving the previous settings', {
        error: errorText(error),
      })
      return false
    }
  }
  const poll = setInterval(() => reload(), reloadPollMs)

  const proto = options.tls ? 'https' : 'http'
  const finish = (ctx: RequestContext, status: number, bytesOut: number, error?: unknown) => {
    const line = requestLine(ctx, status, bytesOut, error)
    logger.log(status >= 500 ? 'error' : 'info', 'request', line)
    options.onRequest?.(line)
    recorder.add({
      ts: Date.now(),
      requestId: ctx.requestId,
      route: ctx.route?.name,
      method: ctx.method,
      path: ctx.path,
      status,
      upstreamStatus: ctx.upstreamStatus,
      durationMs: line.durationMs as number,
      clientIp: ctx.clientIp,
      remoteAddr: ctx.remoteAddr,
      keyId: ctx.keyId,
      auth: ctx.auth,
      reason: ctx.reason,
      bytesIn: ctx.bytesIn,
      bytesOut,
    })
  }
  const env = { snapshot: () => current, proto, finish } as const

  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    // Jira searches can take minutes; idle time is bounded per request by the header timeout.
    idleTimeout: 0,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch(req, srv) {
      const remoteAddr = srv.requestIP(req)?.address ?? ''
      return handleRequest(req, remoteAddr, env)
    },
    error(error) {
      logger.log('error', 'unhandled error', { error: errorText(error) })
      return new Response('Internal error.\n', { status: 500 })
    },
  })

  return {
    url: `${proto}://${formatHost(options.hostname)}:${server.port}`,
    port: server.port as number,
    snapshot: () => current,
    reload,
    recorder,
    async stop() {
      clearInterval(poll)
      await server.stop()
      recorder.stop()
      logger.flush()
    },
  }
}

function formatHost(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname
}

function requestLine(
  ctx: RequestContext,
  status: number,
  bytesOut: number,
  error?: unknown,
): Record<string, unknown> {
  const line: Record<string, unknown> = {
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    remoteAddr: ctx.remoteAddr,
    method: ctx.method,
    host: ctx.host,
    path: ctx.path,
    route: ctx.route?.name,
    upstream: ctx.route?.upstreamOrigin,
    status,
    upstreamStatus: ctx.upstreamStatus,
    durationMs: Math.round((performance.now() - ctx.startedAt) * 100) / 100,
    bytesIn: ctx.bytesIn,
    bytesOut,
    keyId: ctx.keyId,
    auth: ctx.auth,
  }
  if (ctx.reason) line.reason = ctx.reason
  if (error && status >= 500) line.error = errorText(error)
  return line
}
