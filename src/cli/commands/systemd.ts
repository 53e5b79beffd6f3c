/** `japroxy systemd`: prints a hardened systemd unit for `serve`. */

import { join } from 'node:path'
import type { Command } from 'commander'
import { ValidationError } from '../../../store/db.ts'
import {
  defaultAdminListen,
  defaultShutdownGrace,
  defaultStateDir,
  storeFileName,
} from '../../defaults.ts'
import { renderUnit, type UnitOptions } from '../../ops/systemd-unit.ts'
import type { GlobalOptions } from '../context.ts'
import { say } from '../output.ts'
import {
  parseAdminListen,
  parsedOption,
  parseListen,
  parseShutdownTimeout,
  workersOption,
} from '../parse.ts'
import { run } from '../run.ts'

interface SystemdOptions {
  binary: string
  user: string
  listen: { hostname: string; port: number }
  adminListen: { hostname: string; port: number } | undefined
  tlsCert: string
  tlsKey: string
  tls: boolean
  shutdownTimeout: number
  workers: number
}

/** Where INSTALL.md puts the files the unit refers to. */
const defaults = {
  binary: '/usr/local/bin/japroxy',
  listen: '0.0.0.0:8443',
  tlsCert: '/etc/japroxy/tls.crt',
  tlsKey: '/etc/japroxy/tls.key',
  masterKey: '/etc/japroxy/master.key',
}

function problemsOf(options: SystemdOptions, masterKey: string): string[] {
  const problems: string[] = []
  const paths: [string, string][] = [
    ['binary', options.binary],
    ['masterKey', masterKey],
  ]
  if (options.tls) paths.push(['tlsCert', options.tlsCert], ['tlsKey', options.tlsKey])
  for (const [name, path] of paths) {
    if (!path.startsWith('/') || /[\s%$"'\\]/.test(path)) {
      problems.push(`systemd.${name}: "${path}" must be an absolute path without spaces or quotes`)
    }
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(options.user)) {
    problems.push(`systemd.user: "${options.user}" is not a valid user name (like japroxy)`)
  } else if (options.user === 'root') {
    problems.push(
      'systemd.user: "root" undoes the sandbox; run japroxy as its own user (like japroxy)',
    )
  }
  return [...problems, ...portProblems(options)]
}

/** Ports the unit cannot use: 0 (SocketBindAllow=tcp:0), or the same one for both listeners. */
function portProblems(options: SystemdOptions): string[] {
  const problems: string[] = []
  const fixed = 'give a fixed port (port 0 is a different free port at every start)'
  if (options.listen.port === 0) problems.push(`systemd.listen: ${fixed}`)
  const admin = options.adminListen
  if (admin?.port === 0) problems.push(`systemd.adminListen: ${fixed}`)
  else if (admin && admin.port === options.listen.port) {
    problems.push(
      `systemd.adminListen: port ${admin.port} is also --listen's port; give the admin listener ` +
        'its own',
    )
  }
  return problems
}

/** The unit always keeps the store in its StateDirectory; a --db it would ignore is refused. */
function storeProblems(globals: GlobalOptions): string[] {
  if (globals.db === undefined) return []
  return [
    `systemd.db: the unit keeps the store in ${join(defaultStateDir, storeFileName)} ` +
      '($STATE_DIRECTORY); move the store there and leave out --db',
  ]
}

/** Registers `systemd`. */
export function register(program: Command): void {
  program
    .command('systemd')
    .description('print a hardened systemd unit for `japroxy serve` (see INSTALL.md)')
    .option('--binary <path>', 'where the japroxy binary is installed', defaults.binary)
    .option('--user <name>', 'the dedicated user the service runs as', 'japroxy')
    .addOption(
      parsedOption('--listen <host:port>', 'where serve listens', parseListen, defaults.listen),
    )
    .addOption(
      parsedOption(
        '--admin-listen <host:port|off>',
        'the admin listener (/healthz, /readyz, /metrics)',
        parseAdminListen,
        defaultAdminListen,
      ),
    )
    .option(
      '--tls-cert <file>',
      'PEM certificate (chain), passed as a credential',
      defaults.tlsCert,
    )
    .option('--tls-key <file>', 'PEM private key, passed as a credential', defaults.tlsKey)
    .option('--no-tls', 'serve plain HTTP (only behind a TLS-terminating proxy on this host)')
    .addOption(
      parsedOption(
        '--shutdown-timeout <duration>',
        'how long requests in flight may take to finish on stop',
        parseShutdownTimeout,
        defaultShutdownGrace,
      ),
    )
    .addOption(workersOption('processes serving the port (serve --workers)'))
    .action(
      run((options: SystemdOptions, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>()
        const masterKey = globals.masterKey ?? defaults.masterKey
        const problems = [...problemsOf(options, masterKey), ...storeProblems(globals)]
        if (problems.length) throw new ValidationError(problems)
        const unit: UnitOptions = {
          binary: options.binary,
          user: options.user,
          listen: options.listen,
          admin: options.adminListen,
          tls: options.tls ? { cert: options.tlsCert, key: options.tlsKey } : undefined,
          masterKey,
          graceMs: options.shutdownTimeout,
          workers: options.workers,
        }
        say(renderUnit(unit).trimEnd())
      }),
    )
}
