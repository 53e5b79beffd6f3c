/** What every admin command shares: where the store is, who is acting, and opening it. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { openStore, type Store } from '../../store/db.ts'
import { defaultStateDir, masterKeyFileName, storeFileName } from '../defaults.ts'
import { UserError } from './output.ts'

/** Global options every command accepts. */
export interface GlobalOptions {
  db?: string
  masterKey?: string
}

/** The store path: `--db`, then `JAPROXY_DB`, then the state directory. */
export function storePath(options: GlobalOptions): string {
  if (options.db !== undefined && options.db.trim() === '') {
    throw new UserError(`--db: give a file name (like ${join(defaultStateDir, storeFileName)})`)
  }
  // An empty JAPROXY_DB counts as unset, as it would in a shell test.
  return (
    options.db ||
    process.env.JAPROXY_DB ||
    join(process.env.STATE_DIRECTORY || defaultStateDir, storeFileName)
  )
}

/**
 * The master key path: `--master-key`, then `JAPROXY_MASTER_KEY`, then the systemd credential
 * (`$CREDENTIALS_DIRECTORY/master.key`), then beside the store.
 */
export function masterKeyPath(options: GlobalOptions): string {
  if (options.masterKey !== undefined && options.masterKey.trim() === '') {
    throw new UserError('--master-key: give a file name (or leave it out)')
  }
  if (options.masterKey) return options.masterKey
  if (process.env.JAPROXY_MASTER_KEY) return process.env.JAPROXY_MASTER_KEY
  if (process.env.CREDENTIALS_DIRECTORY)
    return join(process.env.CREDENTIALS_DIRECTORY, masterKeyFileName)
  return join(dirname(storePath(options)), masterKeyFileName)
}

/**
 * Who is making a change, for the audit trail: the account the process runs as (from its uid,
 * not from `$USER`, which anyone can set), and the person behind sudo when there is one.
 */
export function actor(via: 'cli' | 'tui'): string {
  const name = accountName(process.getuid?.() ?? -1)
  const sudoUser = process.env.SUDO_USER
  return sudoUser && sudoUser !== name
    ? `${name} (${via}, sudo by ${sudoUser})`
    : `${name} (${via})`
}

function accountName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':')
      if (name && Number(id) === uid) return name
    }
  } catch {
    // No passwd file (a container): the uid still says who it was.
  }
  return `uid ${uid}`
}

/** Opens the existing store for a command. */
export function openForCommand(options: GlobalOptions): Store {
  return openStore(storePath(options))
}
