/**
 * `serve`: the listening proxy. Holds the current snapshot, reloads it when an admin change
 * lands (PRAGMA data_version + config_version, polled; SIGHUP forces it), and writes one log
 * line and one request record per request. Bun-specific calls stay in this file.
 */

import { tripBreaker } from '../../store/breakers.ts'
import type { Store } from '../../store/db.ts'
import type { MasterKey } from '../../store/seal.ts'
import { type Settings, settingDefinitions } from '../../store/settings.ts'
import { errorText, type Logger } from '../log/logger.ts'
import { type RequestOutcome, requestLineJson, requestLineObject } from '../log/request-line.ts'
import { Metrics } from '../ops/metrics.ts'
import { Lockout, RateLimiter } from './abuse.ts'
import { normaliseRemoteAddr } from './client-ip.ts'
import { handleRequest, type PipelineEnv } from './pipeline.ts'
import { Recorder, requestRecord } from './recorder.ts'
import { isFileStore, startReloader } from './reloader.ts'
import { newContext, type RequestContext } from './request-context.ts'
import {
  buildSnapshot,
  buildStartupSnapshot,
  type RouteRuntime,
  type Snapshot,
} from './snapshot.ts'

/** How `serve` was asked to run. */
export interface ServeOptions {
  hostname: string
  port: number
  /** Inbound TLS; with `clientCa`, clients must present a certificate from it (mutual TLS). */
  tls?: { cert: string; key: string; clientCa?: string }
  db: Store
  masterKey: MasterKey
  logger: Logger
  /** Called with each finished request (the demo prints them). */
  onRequest?: (line: Record<string, unknown>) => void
  /** Shares the port with other processes that also ask for it (`serve --workers`). */
  reusePort?: boolean
  /** Where request counters go (a fresh registry when not given). */
  metrics?: Metrics
}

/** A running proxy. */
export interface RunningProxy {
  url: string
  port: number
  snapshot(): Snapshot
  /** Rebuilds the snapshot now if the store changed (or always, when `isForced`). */
  reload(isForced?: boolean): boolean
  recorder: Recorder
  lockout: Lockout
  /** Requests being handled right now. */
  inFlight(): number
  /** Counters for `/metrics`. */
  metrics: Metrics
  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs` (then cuts them),
   * and writes the queued request records.
   */
  stop(graceMs?: number): Promise<void>
}

function lockoutSettings(snapshot: Snapshot) {
  const s = snapshot.settings
  return {
    threshold: s['lockout.threshold']!,
    windowMs: s['lockout.windowSeconds']! * 1000,
    durationMs: s['lockout.durationSeconds']! * 1000,
  }
}

function tlsOptions(tls: ServeOptions['tls']) {
  if (!tls) return undefined
  const { clientCa, ...pair } = tls
  // Bun cannot show the handler the client certificate: trust comes from the CA alone.
  return clientCa ? { ...pair, ca: clientCa, requestCert: true, rejectUnauthorized: true } : pair
}

/** Starts the proxy; throws (with a clear message) when the store or master key is unusable. */
export function startProxy(options: ServeOptions): RunningProxy {
  const { db, logger, masterKey } = options
  // Never hold a request up for a locked store: record writes give up quickly and are counted.
  db.run('PRAGMA busy_timeout = 100')
  // A store file starts with keys read through to the store and gets its key index in slices
  // once listening (see `warm up` below): start-up does not wait for 100,000 keys.
  let current = isFileStore(db) ? buildStartupSnapshot(db, masterKey) : buildSnapshot(db, masterKey)
  const started = current
  // Bun takes the idle limit when it starts listening; it stays that until serve restarts.
  const idleSeconds = started.settings['limits.idleSeconds']!
  const lockout = new Lockout(lockoutSettings(current))
  const rateLimiter = new RateLimiter()
  let inFlight = 0
  const recorder = new Recorder(db, logger)
  recorder.start()
  const metrics = options.metrics ?? new Metrics()

  const reloader = startReloader({
    db,
    masterKey,
    logger,
    metrics,
    current: () => current,
    use(next) {
      warnOfRestartSettings(started.settings, current.settings, next.settings, logger)
      current = next
      lockout.configure(lockoutSettings(current))
    },
  })

  const proto = options.tls ? 'https' : 'http'
  const finish = (ctx: RequestContext, status: number, bytesOut: number, error?: unknown) => {
    const durationMs = Math.round((performance.now() - ctx.startedAt) * 100) / 100
    const outcome: RequestOutcome = { status, bytesOut, durationMs, error }
    const level = status >= 500 ? 'error' : 'info'
    logger.logJson(level, 'request', requestLineJson(ctx, outcome))
    if (options.onRequest) options.onRequest(requestLineObject(ctx, outcome))
    metrics.observe(ctx, status, bytesOut, error)
    recorder.add(requestRecord(ctx, outcome, Date.now()))
  }
  const trip = (route: RouteRuntime, reason: string) => {
    if (current.routes.find((r) => r.id === route.id)?.breaker) return
    current = {
      ...current,
      routes: current.routes.map((r) => (r.id === route.id ? { ...r, breaker: reason } : r)),
    }
    logger.log(
      'error',
      'JIRA REJECTED THE SERVICE CREDENTIAL: japroxy stops sending it until it is replaced',
      {
        route: route.name,
        reason,
        fix: `japroxy credential set ${route.name} (or japroxy route resume ${route.name})`,
      },
    )
    try {
      tripBreaker(db, 'serve', route.id, reason)
    } catch (error) {
      logger.log('error', 'could not save the tripped breaker; it holds until restart', {
        error: errorText(error),
      })
    }
  }
  const env: PipelineEnv = {
    snapshot: () => current,
    proto,
    finish,
    lockout,
    rateLimiter,
    keepAlive: (req) => server.timeout(req, 0),
    tripBreaker: trip,
  }
  const busyBody = 'japroxy is handling too many requests; try again shortly.\n'
  const busy = (req: Request, remoteAddr: string) => {
    const ctx = newContext(
      req.method,
      req.url,
      req.headers.get('host') ?? '',
      normaliseRemoteAddr(remoteAddr),
    )
    ctx.auth = 'error'
    ctx.reason = 'too_busy'
    finish(ctx, 503, busyBody.length)
    return new Response(busyBody, { status: 503, headers: { 'retry-after': '1' } })
  }

  const server = listenOrCleanUp(
    () => {
      reloader.stop()
      recorder.stop()
    },
    {
      hostname: options.hostname,
      port: options.port,
      reusePort: options.reusePort ?? false,
      tls: tlsOptions(options.tls),
      // A client gets this long between bytes, except while japroxy waits for Jira's answer to a
      // request whose key passed: `keepAlive` lifts the limit then (Jira searches can take
      // minutes; the route's header timeout bounds that wait).
      idleTimeout: idleSeconds,
      maxRequestBodySize: current.settings['limits.maxBodyBytes']!,
      async fetch(req, srv) {
        const remoteAddr = srv.requestIP(req)?.address ?? ''
        if (inFlight >= current.settings['limits.maxInFlight']!) return busy(req, remoteAddr)
        inFlight++
        try {
          return await handleRequest(req, remoteAddr, env)
        } finally {
          inFlight--
          // Jira has answered (or failed): the idle limit `keepAlive` lifted applies again, to the
          // response as it streams and to the kept-alive connection after it.
          srv.timeout(req, idleSeconds)
        }
      },
      error(error) {
        logger.log('error', 'unhandled error', { error: errorText(error) })
        return new Response('Internal error.\n', { status: 500 })
      },
    },
  )

  // Warm up: the key index replaces the start-up snapshot's read-through keys (not a reload).
  reloader.warmUp((next) => {
    current = next
  })

  return {
    url: `${proto}://${formatHost(options.hostname)}:${server.port}`,
    port: server.port as number,
    snapshot: () => current,
    reload: reloader.reload,
    recorder,
    lockout,
    inFlight: () => inFlight,
    metrics,
    async stop(graceMs?: number) {
      reloader.stop()
      await stopServer(server, graceMs, logger)
      recorder.stop()
      logger.flush()
    },
  }
}

/** Waits for requests in flight up to `graceMs`, then closes every connection. */
async function stopServer(
  server: Bun.Server<undefined>,
  graceMs: number | undefined,
  logger: Logger,
): Promise<void> {
  const drained = server.stop(false)
  if (graceMs === undefined) return drained
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), graceMs)
  })
  const outcome = await Promise.race([drained, deadline])
  clearTimeout(timer)
  if (outcome !== 'deadline') return
  logger.log('warn', 'shutdown deadline reached; cutting the requests still in flight', {
    inFlight: server.pendingRequests,
    graceMs,
  })
  await server.stop(true)
}

/**
 * Throws EADDRINUSE when anything listens on `hostname:port`, even with `reusePort`: the first
 * process of `serve --workers` checks this before it shares the port, so that a second japroxy
 * (with another store, another allow-list) cannot silently take half of the connections.
 */
export function assertPortFree(hostname: string, port: number): void {
  const probe = Bun.listen({ hostname, port, socket: { data() {} } })
  probe.stop(true)
}

/** Starts the listener; when that fails (port taken), stops the timers started before it. */
function listenOrCleanUp(cleanUp: () => void, options: Parameters<typeof Bun.serve>[0]) {
  try {
    return Bun.serve(options)
  } catch (error) {
    cleanUp()
    throw error
  }
}

function formatHost(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname
}

/**
 * Logs, once per new value, a change to a setting Bun takes only when serve starts (the body
 * limit, the idle limit): the admin sees that it waits for a restart instead of assuming it
 * applies, as every other setting does.
 */
function warnOfRestartSettings(
  atStart: Settings,
  before: Settings,
  after: Settings,
  logger: Logger,
): void {
  for (const definition of settingDefinitions) {
    const { name } = definition
    if (!definition.isRestartNeeded || after[name] === before[name]) continue
    if (after[name] === atStart[name]) {
      logger.log('info', `${name} is back to the value serve started with`, { value: after[name] })
    } else {
      logger.log('warn', `${name} changed; it applies when serve restarts`, {
        value: after[name],
        running: atStart[name],
      })
    }
  }
}
