/** `japroxy serve`: runs the proxy until SIGTERM or Ctrl-C; SIGHUP reloads the settings. */
import { statSync } from 'node:fs'
import { type Command, Option } from 'commander'
import { storePublicKey } from '../../../store/credentials.ts'
import { StoreError } from '../../../store/db.ts'
import {
  isSamePublicKey,
  type MasterKey,
  readMasterKeyFile,
  sodiumReady,
} from '../../../store/seal.ts'
import { defaultAdminListen, defaultListen, defaultShutdownGrace } from '../../defaults.ts'
import { createLogger, type Level, stdoutSink } from '../../log/logger.ts'
import { supervise } from '../../ops/supervise.ts'
import { runAsWorker, workerEnv } from '../../ops/worker-link.ts'
import { assertPortFree, startProxy } from '../../proxy/server.ts'
import { type GlobalOptions, masterKeyPath, openForCommand } from '../context.ts'
import { UserError } from '../output.ts'
import {
  parseAdminListen,
  parsedOption,
  parseListen,
  parseShutdownTimeout,
  workersOption,
} from '../parse.ts'
import { run } from '../run.ts'
import { readTlsFiles, type TlsFiles } from '../tls-files.ts'

interface ServeCommandOptions {
  listen: { hostname: string; port: number }
  tlsCert?: string
  tlsKey?: string
  clientCa?: string
  logLevel: Level
  adminListen: { hostname: string; port: number } | undefined
  shutdownTimeout: number
  workers: number
}

/** Loads the master key and checks it belongs to this store. */
export function loadMasterKey(path: string, publicKey: Uint8Array): MasterKey {
  const key = readMasterKeyFile(path)
  if (!isSamePublicKey(key.publicKey, publicKey)) {
    throw new StoreError(
      `master key ${path} does not belong to this store`,
      'pass the key `japroxy init` wrote for this store',
    )
  }
  return key
}

function readTls(options: ServeCommandOptions): TlsFiles | undefined {
  if (!options.tlsCert && !options.tlsKey) {
    if (options.clientCa)
      throw new UserError('--client-ca needs inbound TLS (--tls-cert and --tls-key)')
    return undefined
  }
  if (!options.tlsCert || !options.tlsKey)
    throw new UserError('inbound TLS needs both --tls-cert and --tls-key')
  return readTlsFiles(options.tlsCert, options.tlsKey, options.clientCa)
}

/** Starts listening; a port that is taken or not ours to bind is the admin's to fix. */
export function listen<T>(start: () => T, at: { hostname: string; port: number }): T {
  try {
    return start()
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    const message = (error as Error).message ?? ''
    if (code === 'EADDRINUSE' || /in use/i.test(message)) {
      throw new UserError(
        `cannot listen on ${at.hostname}:${at.port}: the port is in use`,
        'stop the other process or choose another --listen',
      )
    }
    if (
      code === 'EACCES' ||
      code === 'EADDRNOTAVAIL' ||
      /permission|not available/i.test(message)
    ) {
      throw new UserError(
        `cannot listen on ${at.hostname}:${at.port}: ${message}`,
        'ports below 1024 need CAP_NET_BIND_SERVICE; the address must belong to this host',
      )
    }
    throw error
  }
}

/** Why the store (or its -wal/-shm) is too open: group or others may read or write it. */
export function storeModeWarning(path: string): string | undefined {
  const loose = [path, `${path}-wal`, `${path}-shm`].filter((file) => {
    try {
      return (statSync(file).mode & 0o066) !== 0
    } catch {
      return false
    }
  })
  if (loose.length === 0) return undefined
  return (
    `the store ${path} is readable or writable by group or others: ` +
    `run chmod 600 ${loose.join(' ')}`
  )
}

/** Which worker this process is (0: the primary, or a plain `serve`). */
function workerNumber(): number {
  const text = process.env[workerEnv]
  if (text === undefined || text === '') return 0
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || !process.send) {
    throw new UserError(
      `${workerEnv} is set, but this process was not started by \`japroxy serve --workers\``,
      `unset ${workerEnv}`,
    )
  }
  return n
}

/** Registers `serve`. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('run the proxy')
    .addOption(
      parsedOption(
        '--listen <host:port>',
        'where to listen (loopback unless you say otherwise)',
        parseListen,
        defaultListen,
      ),
    )
    .option('--tls-cert <file>', 'PEM certificate (chain) for inbound TLS')
    .option('--tls-key <file>', 'PEM private key for inbound TLS')
    .option('--client-ca <file>', 'require client certificates from this CA (mutual TLS)')
    .addOption(
      new Option('--log-level <level>', 'least severe level logged')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .addOption(
      parsedOption(
        '--admin-listen <host:port|off>',
        'where /healthz, /readyz and /metrics are served (keep it on loopback), or off',
        parseAdminListen,
        defaultAdminListen,
      ),
    )
    .addOption(
      parsedOption(
        '--shutdown-timeout <duration>',
        'on SIGTERM, how long requests in flight may take to finish',
        parseShutdownTimeout,
        defaultShutdownGrace,
      ),
    )
    .addOption(
      workersOption(
        'processes sharing the port (reusePort) and the store; the admin listener sums them',
      ),
    )
    .action(
      run(async (options: ServeCommandOptions, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>()
        const worker = workerNumber()
        const tls = readTls(options)
        const db = openForCommand(globals)
        await sodiumReady()
        const masterKey = loadMasterKey(masterKeyPath(globals), storePublicKey(db))
        const isShared = worker > 0 || options.workers > 1
        const sink = stdoutSink()
        const logger = createLogger(options.logLevel, sink.write, {
          flush: sink.flush,
          drain: sink.drain,
          worker: isShared ? worker : undefined,
        })
        if (worker === 0 && options.workers > 1) {
          if (options.listen.port === 0)
            throw new UserError('--workers needs a fixed port in --listen', 'like 0.0.0.0:8443')
          listen(() => assertPortFree(options.listen.hostname, options.listen.port), options.listen)
        }
        const tlsOptions = tls && { cert: tls.cert, key: tls.key, clientCa: tls.clientCa }
        const proxy = listen(
          () =>
            startProxy({
              ...options.listen,
              tls: tlsOptions,
              db,
              masterKey,
              logger,
              reusePort: isShared,
            }),
          options.listen,
        )
        const graceMs = options.shutdownTimeout
        if (worker > 0) {
          const onOrphaned = sink.switchToStderr
          return runAsWorker({ proxy, db, logger, worker, graceMs, onOrphaned })
        }
        supervise({
          proxy,
          db,
          logger,
          admin: options.adminListen,
          graceMs,
          logLevel: options.logLevel,
          workers: options.workers,
          writeLog: sink.write,
        })
        const looseFiles = [storeModeWarning(db.filename), ...(tls?.warnings ?? [])]
        for (const warning of looseFiles) if (warning) logger.log('warn', warning)
        logger.flush()
      }),
    )
}
