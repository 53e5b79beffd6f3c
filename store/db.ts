/**
 * The SQLite store: the only state japroxy has and how its processes talk to each other.
 * Admin commands and the TUI write it; `serve` notices a change through `PRAGMA data_version`
 * and the `config_version` counter that every admin change bumps.
 */
import { Database } from 'bun:sqlite'
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrations } from './migrations/index.ts'

/** An open store. */
export type Store = Database

/** A problem the admin can fix (missing file, locked store, bad input); never holds a secret. */
export class StoreError extends Error {
  /** What the admin should do next. */
  readonly hint: string
  constructor(message: string, hint = '') {
    super(message)
    this.name = 'StoreError'
    this.hint = hint
  }
}

/** Input that breaks the rules: carries every problem found. */
export class ValidationError extends StoreError {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(problems.join('\n'), 'fix the problems above; nothing was written')
    this.name = 'ValidationError'
    this.problems = problems
  }
}

/** How a store is opened. */
export interface OpenOptions {
  /** Create the file when missing (only `init` does). */
  isCreate?: boolean
  /** Open read-only (`serve`'s reader connection may still need to write records). */
  isReadOnly?: boolean
}

const busyTimeoutMs = 5000

/**
 * Creates the empty store file with mode 0600 before SQLite opens it, so it is never readable
 * by others, not even for a moment; O_EXCL refuses anything already there, a symlink included.
 * SQLite gives the -wal and -shm files the store file's mode.
 */
function createStoreFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 })
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') {
      throw new StoreError(
        `store already exists: ${path}`,
        'japroxy init never overwrites; move it away or use another path',
      )
    }
    throw asStoreError(error, path)
  }
  try {
    // The umask may have taken bits the owner needs.
    fchmodSync(fd, 0o600)
  } finally {
    closeSync(fd)
  }
}

/** Opens the store at `path`, applying pending migrations; throws StoreError with a hint. */
export function openStore(path: string, options: OpenOptions = {}): Store {
  if (!options.isCreate && !existsSync(path)) {
    throw new StoreError(`store not found: ${path}`, 'run `japroxy init` or pass --db PATH')
  }
  if (options.isCreate) createStoreFile(path)
  let db: Database
  try {
    // Never create here: a store that is missing now was removed, not never made.
    db = new Database(path, { create: false, readonly: Boolean(options.isReadOnly), strict: true })
    db.run(`PRAGMA busy_timeout = ${busyTimeoutMs}`)
    if (!options.isReadOnly) db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = NORMAL')
    db.run('PRAGMA foreign_keys = ON')
    if (!options.isReadOnly) migrate(db)
    else db.query('SELECT count(*) FROM meta').get()
  } catch (error) {
    if (options.isCreate) unlinkQuietly(path)
    throw asStoreError(error, path)
  }
  return db
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {}
}

/** Turns a SQLite failure into a StoreError naming the file and what to do. */
export function asStoreError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error
  const message = error instanceof Error ? error.message : String(error)
  if (/not a database|malformed|file is encrypted/i.test(message)) {
    return new StoreError(
      `store is not a japroxy database or is corrupt: ${path}`,
      'restore it from a backup (`japroxy backup`) or point --db at the right file',
    )
  }
  if (/locked|busy/i.test(message)) {
    return new StoreError(
      `store is locked by another process: ${path}`,
      'wait for the other writer to finish and try again',
    )
  }
  if (/readonly|read-only|permission|EACCES|unable to open/i.test(message)) {
    return new StoreError(
      `cannot open the store for writing: ${path} (${message})`,
      'check the file and directory permissions, or run as the japroxy user',
    )
  }
  if (/UNIQUE constraint/i.test(message)) {
    return new StoreError(
      'that name or entry already exists',
      'choose another name or remove the old one',
    )
  }
  if (/disk is full|SQLITE_FULL/i.test(message)) {
    return new StoreError(`the disk holding the store is full: ${path}`, 'free some space')
  }
  return new StoreError(`store error in ${path}: ${message}`)
}

function migrate(db: Database): void {
  const row = db.query('PRAGMA user_version').get() as { user_version: number }
  const applied = row.user_version
  if (applied > migrations.length) {
    throw new StoreError(
      `store schema ${applied} is newer than this japroxy knows (${migrations.length})`,
      'upgrade japroxy',
    )
  }
  for (let i = applied; i < migrations.length; i++) {
    db.transaction(() => {
      db.run(migrations[i]!)
      db.run(`PRAGMA user_version = ${i + 1}`)
    }).immediate()
  }
}

/** Reads one value from the meta table. */
export function readMeta(db: Store, name: string): string | undefined {
  const row = db.query('SELECT value FROM meta WHERE name = ?').get(name) as {
    value: string
  } | null
  return row?.value
}

/** Writes one value to the meta table (inside the caller's transaction, if any). */
export function writeMeta(db: Store, name: string, value: string): void {
  db.query(
    'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = ?',
  ).run(name, value, value)
}

/** The counter every admin change bumps; `serve` rebuilds its snapshot when it moves. */
export function configVersion(db: Store): number {
  return Number(readMeta(db, 'config_version') ?? '0')
}

/** A change to the settings, for the audit trail; `detail` must never hold a secret. */
export interface Change {
  actor: string
  action: string
  target: string
  detail?: Record<string, unknown>
}

/**
 * Runs `apply` in one immediate transaction together with its audit record and the
 * config-version bump, so a reader sees all of the change or none of it.
 */
export function applyChange<T>(db: Store, change: Change, apply: () => T): T {
  const run = db.transaction(() => {
    const result = apply()
    db.query('INSERT INTO audit (ts, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
      Date.now(),
      change.actor,
      change.action,
      change.target,
      JSON.stringify(change.detail ?? {}),
    )
    writeMeta(db, 'config_version', String(configVersion(db) + 1))
    return result
  })
  try {
    return run.immediate()
  } catch (error) {
    throw asStoreError(error, db.filename)
  }
}

/** `PRAGMA data_version`: changes when another connection commits. */
export function dataVersion(db: Store): number {
  return (db.query('PRAGMA data_version').get() as { data_version: number }).data_version
}
