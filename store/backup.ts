/**
 * Backups: a consistent copy of the live store (`VACUUM INTO` reads one snapshot, so a running
 * `serve` and admin commands may keep writing), checked before it is trusted; and restoring one
 * in place of a store, keeping the replaced file beside it.
 */
import { Database } from 'bun:sqlite'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
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

/** Creates an empty file only the owner can read and returns it open for writing. */
function openPrivateFile(path: string): number {
  if (!existsSync(dirname(path))) {
    throw new StoreError(
      `directory not found: ${dirname(path)}`,
      'create it or choose another path',
    )
  }
  try {
    // O_CREAT|O_EXCL: fails on anything already there, a symlink included, and never follows one.
    return openSync(path, 'wx', 0o600)
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

/** Why a file cannot be restored: it is not a whole japroxy store. */
function notAStore(path: string): StoreError {
  return new StoreError(
    `${path} is not a japroxy store, or an incomplete backup`,
    'use a file written by `japroxy backup` that finished (it prints "checked: ...")',
  )
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
    // Schema 0 is an empty file (a backup killed before it wrote anything) or another program's.
    if (schema === 0) throw notAStore(path)
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
    if (error instanceof StoreError) throw error
    // A cut-off copy reads as "not a database" or "malformed"; a table missing, as another file.
    if (/not a database|malformed|no such table|disk image/i.test(String(error))) {
      throw notAStore(path)
    }
    throw asStoreError(error, path)
  } finally {
    db?.close()
  }
}

/** Refuses an empty file name, which would otherwise fail as a cryptic ENOENT. */
export function assertFileName(path: string, what: string): void {
  if (path.trim() === '') throw new StoreError(`give a file name for ${what}`)
}

/**
 * Puts the file at `from` under the name `to` only if nothing is there: a hard link fails on
 * anything already at `to`, where a rename would replace it. Where hard links are not supported,
 * falls back to a rename after checking the name is free.
 */
function moveNoReplace(from: string, to: string): void {
  try {
    linkSync(from, to)
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code)) throw error
    if (isTaken(to)) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' })
    renameSync(from, to)
    return
  }
  unlinkSync(from)
}

/** Whether anything (a dangling symlink included) is at `path`. */
function isTaken(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

/**
 * Writes a consistent copy of the open store to `target` (mode 0600) and checks it. The copy is
 * written under a temporary name beside `target` and given its name only once checked, so a
 * backup that is killed leaves no partial file under the name asked for.
 */
export function backupStore(
  db: Store,
  target: string,
  probe: { onCopied?: (partial: string) => void } = {},
): BackupSummary {
  assertFileName(target, 'the backup')
  if (isTaken(target)) {
    throw new StoreError(`${target} already exists`, 'backups never overwrite; choose a new name')
  }
  // SQLite writes by name (through a symlink, too): it writes into a private directory, and the
  // copy reaches the target's directory through a descriptor opened with O_EXCL.
  const temp = mkdtempSync(join(tmpdir(), 'japroxy-backup-'))
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`
  let fd: number | undefined
  try {
    const copy = join(temp, 'store.db')
    db.query('VACUUM INTO ?').run(copy)
    const summary = inspectBackup(copy)
    fd = openPrivateFile(partial)
    copyInto(copy, fd)
    probe.onCopied?.(partial)
    assertSameFile(partial, fd)
    moveNoReplace(partial, target)
    syncDirectory(dirname(target))
    return { ...summary, path: target }
  } catch (error) {
    if (fd !== undefined) removeQuietly(partial)
    if ((error as { code?: string }).code === 'EEXIST') {
      throw new StoreError(`${target} already exists`, 'backups never overwrite; choose a new name')
    }
    throw error instanceof StoreError ? error : asStoreError(error, target)
  } finally {
    if (fd !== undefined) closeSync(fd)
    rmSync(temp, { recursive: true, force: true })
  }
}

/**
 * Where a restore puts the store it replaces: a name with the time to the millisecond, and a
 * counter after it when that name (or its -wal or -shm) is taken, so no kept store is replaced.
 */
export function replacedName(target: string, now = new Date()): string {
  const stamp = `${target}.replaced-${now.toISOString().replaceAll(':', '').slice(0, 21)}`
  const isFree = (name: string) => ['', '-wal', '-shm'].every((s) => !isTaken(name + s))
  if (isFree(stamp)) return stamp
  for (let n = 2; n < 10_000; n++) if (isFree(`${stamp}-${n}`)) return `${stamp}-${n}`
  throw new StoreError(
    `too many stores kept aside as ${stamp}-N`,
    'remove old ones you do not need',
  )
}

/** Test seams for `restoreStore`; production passes none. */
export interface RestoreProbe {
  /** Called once the staging file is written, just before it is checked and renamed. */
  onStaged?: (staging: string) => void
  /** Where the private temporary directory is made (default: the system's temp directory). */
  tempParent?: string
}

/** Why a restore stops when the staging file is no longer the file it wrote. */
export const stagingReplacedMessage =
  'the staging file was replaced during restore: another process writes this directory'

const stagingReplacedHint =
  'nothing was replaced; find out what else writes there, then run restore again'

/**
 * The owner the restored store gets when root restores: the old store's (a regular file, not
 * followed if it is a symlink), else the directory's; undefined when not running as root.
 */
function serviceOwner(target: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const old = existsSync(target) ? lstatSync(target) : undefined
  const { uid, gid } = old?.isFile() ? old : statSync(dirname(target))
  return { uid, gid }
}

/** Copies the whole file at `from` into the open file `fd` and flushes it to disk. */
function copyInto(from: string, fd: number): void {
  const source = openSync(from, 'r')
  try {
    const buffer = Buffer.allocUnsafe(1 << 20)
    for (;;) {
      const n = readSync(source, buffer, 0, buffer.length, null)
      if (n === 0) break
      for (let done = 0; done < n; ) done += writeSync(fd, buffer, done, n - done)
    }
  } finally {
    closeSync(source)
  }
  fsyncSync(fd)
}

/**
 * Throws unless `path` is still the very file open as `fd` (a regular file, not a symlink).
 * Root renames the staging file into place by path, in a directory the service user may write.
 */
export function assertSameFile(path: string, fd: number): void {
  let seen: ReturnType<typeof lstatSync> | undefined
  try {
    seen = lstatSync(path)
  } catch {}
  const open = fstatSync(fd)
  if (!seen?.isFile() || seen.dev !== open.dev || seen.ino !== open.ino) {
    throw new StoreError(stagingReplacedMessage, stagingReplacedHint)
  }
}

/** Flushes a directory's entries (a rename) to disk; best effort. */
function syncDirectory(path: string): void {
  try {
    const fd = openSync(path, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {}
}

/** Unlinks `path` if anything is there; unlink never follows a symlink. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {}
}

/** Creates the staging file; something there again right after it was removed was put there. */
function openStaging(staging: string): number {
  try {
    return openPrivateFile(staging)
  } catch (error) {
    const isThere = (() => {
      try {
        return Boolean(lstatSync(staging))
      } catch {
        return false
      }
    })()
    if (isThere) throw new StoreError(stagingReplacedMessage, stagingReplacedHint)
    throw error
  }
}

/**
 * Writes a checked copy of `backup` to a new staging file beside `target` and returns its open
 * descriptor. SQLite writes the copy in a private temporary directory; the staging file is
 * created with O_EXCL (never through a symlink) and written, flushed and chowned through its
 * descriptor, so nothing another user swaps in by name is ever written or chowned.
 */
function stageCopy(backup: string, staging: string, tempParent: string): number {
  const temp = mkdtempSync(join(tempParent, 'japroxy-restore-'))
  try {
    const copy = join(temp, 'store.db')
    const source = new Database(backup, { readonly: true })
    try {
      source.query('VACUUM INTO ?').run(copy)
    } catch (error) {
      throw asStoreError(error, copy)
    } finally {
      source.close()
    }
    removeQuietly(staging)
    const fd = openStaging(staging)
    try {
      copyInto(copy, fd)
      return fd
    } catch (error) {
      closeSync(fd)
      removeQuietly(staging)
      throw asStoreError(error, staging)
    }
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

/** Renames the store at `target` and its WAL files aside, never over a file; returns the name. */
function moveAside(target: string): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const replaced = replacedName(target)
    try {
      moveNoReplace(target, replaced)
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') continue // taken since it was chosen
      throw error
    }
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(target + suffix)) moveNoReplace(target + suffix, replaced + suffix)
    }
    return replaced
  }
  throw new StoreError(`cannot find a free name to keep ${target} aside`)
}

/**
 * Replaces the store at `target` with a checked copy of `backup`. The old store (if any) is
 * renamed aside, never deleted, and its WAL files go with it. `serve` must be stopped first.
 */
export function restoreStore(
  backup: string,
  target: string,
  probe: RestoreProbe = {},
): { summary: BackupSummary; replaced?: string } {
  const summary = inspectBackup(backup)
  const staging = `${target}.restoring`
  const owner = serviceOwner(target)
  const fd = stageCopy(backup, staging, probe.tempParent ?? tmpdir())
  try {
    fchmodSync(fd, 0o600)
    if (owner) fchownSync(fd, owner.uid, owner.gid)
    probe.onStaged?.(staging)
    assertSameFile(staging, fd)
    let replaced: string | undefined
    if (existsSync(target)) replaced = moveAside(target)
    renameSync(staging, target)
    syncDirectory(dirname(target))
    return { summary: { ...summary, path: target }, replaced }
  } catch (error) {
    removeQuietly(staging)
    throw asStoreError(error, staging)
  } finally {
    closeSync(fd)
  }
}
