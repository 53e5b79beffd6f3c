/**
 * The snapshot's API keys: an index from key hash to the key's row, built with the snapshot, and
 * each key's details (keyId, grants, expiry, revocation, rate) read from the store the first time
 * the key is presented after a reload, then kept with the snapshot. Building 100,000 full key
 * records took ~140 ms, which held up start and every reload; the index alone takes a fraction
 * of it, and Jira Align presents a handful of keys (bench/NOTES.md). A hash not in the index is
 * unknown without touching the store, so guessed keys never cost a store read. A key revoked
 * after the snapshot was built but before its first use is already refused: never more lenient
 * than the snapshot.
 */
import type { Store } from '../../store/db.ts'
import {
  countApiKeys,
  type KeyGrant,
  loadKeyGrant,
  loadKeyGrantByHash,
  loadKeyIndex,
  loadKeyIndexPage,
} from '../../store/keys.ts'
import type { KeyRuntime } from './snapshot.ts'

/** API keys by the SHA-256 hex of the key. */
export interface KeyTable {
  /** The key with this hash, or undefined when there is none. */
  get(hash: string): KeyRuntime | undefined
  readonly size: number
}

/** A key compiled for the request path. */
export function keyRuntime(grant: KeyGrant): KeyRuntime {
  return {
    keyId: grant.keyId,
    name: grant.name,
    routeIds: new Set(grant.routeIds),
    expiresAt: grant.expiresAt,
    isRevoked: grant.isRevoked,
    rate: grant.ratePerMinute
      ? { perMinute: grant.ratePerMinute, burst: grant.rateBurst ?? grant.ratePerMinute }
      : undefined,
  }
}

class IndexedKeyTable implements KeyTable {
  // null: the row was gone when first looked up (deleted after the index was built).
  private readonly details = new Map<number, KeyRuntime | null>()

  constructor(
    private readonly rowIds: ReadonlyMap<string, number>,
    private readonly db: Store,
  ) {}

  get size(): number {
    return this.rowIds.size
  }

  get(hash: string): KeyRuntime | undefined {
    const rowId = this.rowIds.get(hash)
    if (rowId === undefined) return undefined
    let key = this.details.get(rowId)
    if (key === undefined) {
      const grant = loadKeyGrant(this.db, rowId)
      key = grant && grant.hash === hash ? keyRuntime(grant) : null
      this.details.set(rowId, key)
    }
    return key ?? undefined
  }
}

/** Reads the index of every key's hash (call inside the snapshot's read transaction). */
export function loadKeyTable(db: Store): KeyTable {
  return new IndexedKeyTable(loadKeyIndex(db), db)
}

/** Rows per slice of the key index: ~1 ms of work between two turns of the event loop. */
const indexSliceRows = 2_500

/** A turn of the event loop, so requests waiting on it are served. */
function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * The same table, its index read from `reader` in slices (inside the caller's read transaction)
 * with requests served between slices; details are read through `db` when first used.
 */
export async function loadKeyTableInSlices(reader: Store, db: Store): Promise<KeyTable> {
  const rowIds = new Map<string, number>()
  let afterId = 0
  for (;;) {
    const page = loadKeyIndexPage(reader, afterId, indexSliceRows)
    for (const [hash, rowId] of page) rowIds.set(hash, rowId)
    if (page.length < indexSliceRows) break
    afterId = page[page.length - 1]![1]
    await yieldToRequests()
  }
  return new IndexedKeyTable(rowIds, db)
}

/** Answers a read-through table remembers before it forgets them all (bounded memory). */
const readThroughMax = 4096

class ReadThroughKeyTable implements KeyTable {
  private readonly answers = new Map<string, KeyRuntime | null>()

  constructor(
    private readonly db: Store,
    readonly size: number,
  ) {}

  get(hash: string): KeyRuntime | undefined {
    let key = this.answers.get(hash)
    if (key === undefined) {
      const grant = loadKeyGrantByHash(this.db, hash)
      key = grant ? keyRuntime(grant) : null
      if (this.answers.size >= readThroughMax) this.answers.clear()
      this.answers.set(hash, key)
    }
    return key ?? undefined
  }
}

/**
 * A table that looks each hash up in the store (by its unique index) and remembers the answer:
 * what `serve` starts with, so it listens without reading every key first; the indexed table
 * replaces it moments later. Until then a key is judged by the store as it is, like a key's
 * details in the indexed table.
 */
export function readThroughKeyTable(db: Store): KeyTable {
  return new ReadThroughKeyTable(db, countApiKeys(db))
}
