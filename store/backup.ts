/**
 * Backups: a consistent copy of the live store (`VACUUM INTO` reads one snapshot, so a running
 * `serve` and admin commands may keep writing), checked before it is trusted; and restoring one
 * in place of a store, keeping the replaced file beside it.
 */
import { Database } from 'bun:sqlite'
import {
  chownSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { asStoreError, type Store, StoreError } from './db.ts'
import { migrations } from './migrations/index.ts'

/** What a checked copy holds. */
export interface BackupSummary {
  path: string
  bytes: number
  schema: number
  routes: number
  keys: number
  records: number
  publicKey: string
}

/** Creates an empty file only the owner can read, so the copy is never readable by others. */
function createPrivateFile(path: string): void {
  if (!existsSync(dirname(path))) {
    throw new StoreError(
      `directory not found: ${dirname(path)}`,
      'create it or choose another path',
    )
  }
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EEXIST') {
      throw new StoreError(`${path} already exists`, 'backups never overwrite; choose a new name')
    }
    throw new StoreError(`cannot create ${path}: ${(error as Error).message}`)
  }
}

function count(db: Database, table: string): number {
  return (db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
}

/** Opens a copy read-only and checks it is a whole japroxy store this version understands. */
export function inspectBackup(path: string): BackupSummary {
  if (!existsSync(path)) throw new StoreError(`backup not found: ${path}`)
  let db: Database | undefined
  try {
    db = new Database(path, { readonly: true })
    const check = db.query('PRAGMA integrity_check').get() as { integrity_check: string }
    if (check.integrity_check !== 'ok') {
      throw new StoreError(`${path} failed SQLite's integrity check: ${check.integrity_check}`)
    }
    const schema = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version
    if (schema < 1 || schema > migrations.length) {
      throw new StoreError(
        `${path} has store schema ${schema}; this japroxy knows 1 to ${migrations.length}`,
      )
    }
    const key = db.query("SELECT value FROM meta WHERE name = 'public_key'").get() as {
      value: string
    } | null
    if (!key) throw new StoreError(`${path} is not an initialised japroxy store (no public key)`)
    return {
      path,
      bytes: statSync(path).size,
      schema,
      routes: count(db, 'routes'),
      keys: count(db, 'api_keys'),
      records: count(db, 'request_records'),
      publicKey: key.value,
    }
  } catch (error) {
    throw asStoreError(error, path)
  } finally {
    db?.close()
  }
}

/** Writes a consistent copy of the open store to `target` (mode 0600) and checks it. */
export function backupStore(db: Store, target: string): BackupSummary {
  createPrivateFile(target)
  try {
    db.query('VACUUM INTO ?').run(target)
    return inspectBackup(target)
  } catch (error) {
    rmSync(target, { force: true })
    throw asStoreError(error, target)
  }
}

/** Where a restore puts the store it replaces. */
export function replacedName(target: string, now = new Date()): string {
  return `${target}.replaced-${now.toISOString().replaceAll(':', '').slice(0, 17)}`
}

/** Gives `path` the owner of `like`, when running as root (so the service user can open it). */
function matchOwner(path: string, like: string): void {
  if (process.getuid?.() !== 0) return
  const { uid, gid } = statSync(like)
  chownSync(path, uid, gid)
}

/** A process that has a store file open. */
export interface StoreHolder {
  pid: number
  command: string
}

/**
 * The other processes that have the store at `target` (or its WAL) open, found in /proc. Only
 * processes this user may inspect are seen: root sees all, the service user its own.
 */
export function storeHolders(target: string, procDir = '/proc'): StoreHolder[] {
  if (!existsSync(target)) return []
  const real = realpathSync(target)
  const files = new Set([real, `${real}-wal`, `${real}-shm`])
  const holders: StoreHolder[] = []
  for (const entry of readdirSync(procDir)) {
    const pid = Number(entry)
    if (!/^\d+$/.test(entry) || pid === process.pid) continue
    const isHolding = (() => {
      try {
        const fds = readdirSync(`${procDir}/${entry}/fd`)
        return fds.some((fd) => files.has(readlinkOrEmpty(`${procDir}/${entry}/fd/${fd}`)))
      } catch {
        return false // gone, or another user's
      }
    })()
    if (!isHolding) continue
    let command = ''
    try {
      command = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
    } catch {}
    holders.push({ pid, command })
  }
  return holders
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path)
  } catch {
    return ''
  }
}

/**
 * Replaces the store at `target` with a checked copy of `backup`. The old store (if any) is
 * renamed aside, never deleted, and its WAL files go with it. `serve` must be stopped first.
 */
export function restoreStore(
  backup: string,
  target: string,
): { summary: BackupSummary; replaced?: string } {
  const summary = inspectBackup(backup)
  const staging = `${target}.restoring`
  rmSync(staging, { force: true })
  createPrivateFile(staging)
  const source = new Database(backup, { readonly: true })
  try {
    source.query('VACUUM INTO ?').run(staging)
  } catch (error) {
    rmSync(staging, { force: true })
    throw asStoreError(error, staging)
  } finally {
    source.close()
  }
  matchOwner(staging, existsSync(target) ? target : dirname(target))
  let replaced: string | undefined
  if (existsSync(target)) {
    replaced = replacedName(target)
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(target + suffix)) renameSync(target + suffix, replaced + suffix)
    }
  }
  renameSync(staging, target)
  return { summary: { ...summary, path: target }, replaced }
}
