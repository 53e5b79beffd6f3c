/** Request records: one row per proxied request, written by `serve` in batches; never a secret. */
import type { Store } from './db.ts'

/** One request as `serve` saw it. */
export interface RequestRecord {
  id?: number
  ts: number
  requestId: string
  route: string | undefined
  method: string
  path: string
  status: number
  upstreamStatus: number | undefined
  durationMs: number
  clientIp: string
  remoteAddr: string
  keyId: string | undefined
  auth: 'ok' | 'denied' | 'error' | 'anonymous'
  reason: string | undefined
  bytesIn: number
  bytesOut: number
}

const insertColumns = `INSERT INTO request_records (ts, request_id, route, method, path, status,
  upstream_status, duration_ms, client_ip, remote_addr, key_id, auth, reason, bytes_in, bytes_out)
  VALUES `
const columnCount = 15
const oneRow = `(${Array(columnCount).fill('?').join(', ')})`
// Rows per INSERT statement: binding one long statement costs less per row than running a
// one-row statement per record (bench/NOTES.md); the rest of a batch goes one row at a time.
const rowsPerInsert = 64
const insertOneSql = insertColumns + oneRow
const insertManySql = insertColumns + Array(rowsPerInsert).fill(oneRow).join(', ')

function bindRecord(values: unknown[], at: number, r: RequestRecord): void {
  values[at] = r.ts
  values[at + 1] = r.requestId
  values[at + 2] = r.route ?? null
  values[at + 3] = r.method
  values[at + 4] = r.path
  values[at + 5] = r.status
  values[at + 6] = r.upstreamStatus ?? null
  values[at + 7] = r.durationMs
  values[at + 8] = r.clientIp
  values[at + 9] = r.remoteAddr
  values[at + 10] = r.keyId ?? null
  values[at + 11] = r.auth
  values[at + 12] = r.reason ?? null
  values[at + 13] = r.bytesIn
  values[at + 14] = r.bytesOut
}

/** Appends records in the caller's transaction. */
export function insertRequestRecords(db: Store, records: readonly RequestRecord[]): void {
  let next = 0
  if (records.length >= rowsPerInsert) {
    const insertMany = db.query(insertManySql)
    const values: unknown[] = new Array(rowsPerInsert * columnCount)
    for (; next + rowsPerInsert <= records.length; next += rowsPerInsert) {
      for (let row = 0; row < rowsPerInsert; row++) {
        bindRecord(values, row * columnCount, records[next + row]!)
      }
      insertMany.run(...(values as never[]))
    }
  }
  const insertOne = db.query(insertOneSql)
  const values: unknown[] = new Array(columnCount)
  for (; next < records.length; next++) {
    bindRecord(values, 0, records[next]!)
    insertOne.run(...(values as never[]))
  }
}

const selectSql = `SELECT id, ts, request_id AS requestId, route, method, path, status,
  upstream_status AS upstreamStatus, duration_ms AS durationMs, client_ip AS clientIp,
  remote_addr AS remoteAddr, key_id AS keyId, auth, reason, bytes_in AS bytesIn,
  bytes_out AS bytesOut FROM request_records`

function clean(row: Record<string, unknown>): RequestRecord {
  for (const name of ['route', 'upstreamStatus', 'keyId', 'reason']) {
    if (row[name] === null) row[name] = undefined
  }
  return row as unknown as RequestRecord
}

/** The newest `limit` records, oldest first. */
export function recentRequestRecords(db: Store, limit: number): RequestRecord[] {
  const rows = db.query(`${selectSql} ORDER BY id DESC LIMIT ?`).all(limit) as Record<
    string,
    unknown
  >[]
  return rows.reverse().map(clean)
}

/** Records after id `afterId`, oldest first, at most `limit` (how the TUI tails them). */
export function requestRecordsAfter(db: Store, afterId: number, limit = 500): RequestRecord[] {
  const rows = db
    .query(`${selectSql} WHERE id > ? ORDER BY id LIMIT ?`)
    .all(afterId, limit) as Record<string, unknown>[]
  return rows.map(clean)
}

/**
 * The highest record id that retention lets go: every record older than `beforeTs`, and every
 * record beyond the newest `keep`. 0 when nothing goes. Ids grow with time, so the records to
 * delete are those up to this id (both lookups use an index).
 */
export function pruneBoundary(db: Store, beforeTs: number, keep: number): number {
  const oldest = db
    .query('SELECT id FROM request_records WHERE ts < ? ORDER BY ts DESC LIMIT 1')
    .get(beforeTs) as { id: number } | null
  const newest = db.query('SELECT max(id) AS id FROM request_records').get() as {
    id: number | null
  }
  const beyondCount = newest.id === null ? 0 : newest.id - keep
  return Math.max(oldest?.id ?? 0, beyondCount, 0)
}

/** Deletes up to `limit` records with ids up to `lastId`, oldest first; returns how many. */
export function deleteRecordsUpTo(db: Store, lastId: number, limit: number): number {
  return db
    .query(
      `DELETE FROM request_records WHERE id IN
        (SELECT id FROM request_records WHERE id <= ? ORDER BY id LIMIT ?)`,
    )
    .run(lastId, limit).changes
}

/** Request counts of one route in one time bucket. */
export interface BucketCounts {
  route: string | undefined
  /** `floor(ts / bucketMs)`. */
  slot: number
  count: number
  serverErrors: number
  denied: number
}

/** Counts per route and time bucket for records at or after `sinceTs` (uses the ts index). */
export function requestCountsSince(db: Store, sinceTs: number, bucketMs: number): BucketCounts[] {
  const rows = db
    .query(
      `SELECT route, ts / ? AS slot, count(*) AS count,
        sum(status >= 500) AS serverErrors, sum(auth = 'denied') AS denied
       FROM request_records WHERE ts >= ? GROUP BY route, slot ORDER BY slot`,
    )
    .all(bucketMs, sinceTs) as (Omit<BucketCounts, 'route'> & { route: string | null })[]
  return rows.map((row) => ({ ...row, route: row.route ?? undefined, slot: Math.floor(row.slot) }))
}

/** The id of the newest record, or 0. */
export function lastRequestRecordId(db: Store): number {
  return (
    (db.query('SELECT max(id) AS id FROM request_records').get() as { id: number | null }).id ?? 0
  )
}
