/**
 * The hardened systemd unit `japroxy systemd` prints. The service runs as its own user with a
 * read-only view of the system, its store in `StateDirectory`, and its secrets (master key, TLS
 * key) handed over by `LoadCredential`, so the files themselves can stay readable by root only.
 */
import { version } from '../version.ts'

/** What the unit is built from. */
export interface UnitOptions {
  binary: string
  user: string
  listen: { hostname: string; port: number }
  admin: { hostname: string; port: number } | undefined
  /** TLS certificate and key files (root-only is fine); undefined serves plain HTTP. */
  tls: { cert: string; key: string } | undefined
  masterKey: string
  graceMs: number
  /** Processes serving the port (`serve --workers`). */
  workers: number
}

const privilegedPortLimit = 1024

function formatListen(listen: { hostname: string; port: number }): string {
  const host = listen.hostname.includes(':') ? `[${listen.hostname}]` : listen.hostname
  return `${host}:${listen.port}`
}

function needsBindCapability(options: UnitOptions): boolean {
  const ports = [options.listen.port, options.admin?.port ?? privilegedPortLimit]
  return ports.some((port) => port > 0 && port < privilegedPortLimit)
}

function execStart(options: UnitOptions): string {
  const args = [options.binary, 'serve', '--listen', formatListen(options.listen)]
  if (options.tls) args.push('--tls-cert', '%d/tls.crt', '--tls-key', '%d/tls.key')
  args.push('--admin-listen', options.admin ? formatListen(options.admin) : 'off')
  args.push('--shutdown-timeout', `${Math.ceil(options.graceMs / 1000)}s`)
  if (options.workers > 1) args.push('--workers', String(options.workers))
  return args.join(' ')
}

function credentials(options: UnitOptions): string[] {
  const lines = [`LoadCredential=master.key:${options.masterKey}`]
  if (options.tls) {
    lines.push(
      `LoadCredential=tls.crt:${options.tls.cert}`,
      `LoadCredential=tls.key:${options.tls.key}`,
    )
  }
  return lines
}

function capabilityLines(options: UnitOptions): string[] {
  if (needsBindCapability(options)) {
    return [
      '# A port below 1024: the one capability that binding it needs, and nothing else.',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    ]
  }
  return ['CapabilityBoundingSet=', 'AmbientCapabilities=', 'PrivateUsers=yes']
}

function socketBindLines(options: UnitOptions): string[] {
  const ports = [options.listen.port, options.admin?.port].filter((p) => p !== undefined)
  return [...ports.map((port) => `SocketBindAllow=tcp:${port}`), 'SocketBindDeny=any']
}

const sandbox = [
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'PrivateMounts=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'RemoveIPC=yes',
  'KeyringMode=private',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged',
  'SystemCallErrorNumber=EPERM',
  '# The JavaScript engine compiles code at run time: it needs writable+executable memory.',
  'MemoryDenyWriteExecute=no',
]

/** The unit file text. */
export function renderUnit(options: UnitOptions): string {
  const stopSeconds = Math.ceil(options.graceMs / 1000) + 15
  return [
    `# japroxy.service, printed by \`japroxy systemd\` (${version.text}).`,
    '# Install and check it as INSTALL.md shows: systemd-analyze verify / security.',
    '[Unit]',
    'Description=japroxy: security gateway between Jira Align and Jira Data Center',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    `User=${options.user}`,
    `Group=${options.user}`,
    `ExecStart=${execStart(options)}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    '# SIGTERM goes to japroxy alone, which drains and stops its own workers first.',
    'KillMode=mixed',
    'Restart=on-failure',
    'RestartSec=2s',
    `TimeoutStopSec=${stopSeconds}s`,
    'LimitNOFILE=65536',
    '# A core dump would hold the master key and the unsealed credentials.',
    'LimitCORE=0',
    '# The store: /var/lib/japroxy, found by japroxy through $STATE_DIRECTORY.',
    'StateDirectory=japroxy',
    'StateDirectoryMode=0750',
    '# Secrets arrive in $CREDENTIALS_DIRECTORY (%d), readable by this service only.',
    ...credentials(options),
    'UMask=0077',
    ...capabilityLines(options),
    ...socketBindLines(options),
    ...sandbox,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n')
}
