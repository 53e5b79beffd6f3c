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

const insertSql = `INSERT INTO request_records (ts, request_id, route, method, path, status,
  upstream_status, duration_ms, client_ip, remote_addr, key_id, auth, reason, bytes_in, bytes_out)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/** Appends records in the caller's transaction. */
export function insertRequestRecords(db: Store, records: readonly RequestRecord[]): void {
  const insert = db.query(insertSql)
  for (const r of records) {
    insert.run(
      r.ts,
      r.requestId,
      r.route ?? null,
      r.method,
      r.path,
      r.status,
      r.upstreamStatus ?? null,
      r.durationMs,
      r.clientIp,
      r.remoteAddr,
      r.keyId ?? null,
      r.auth,
      r.reason ?? null,
      r.bytesIn,
      r.bytesOut,
    )
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

/** Deletes records older than `beforeTs` and beyond the newest `keep`; returns how many went. */
export function pruneRequestRecords(db: Store, beforeTs: number, keep: number): number {
  const byAge = db.query('DELETE FROM request_records WHERE ts < ?').run(beforeTs).changes
  const newest = db.query('SELECT max(id) AS id FROM request_records').get() as {
    id: number | null
  }
  const byCount =
    newest.id === null
      ? 0
      : db.query('DELETE FROM request_records WHERE id <= ?').run(newest.id - keep).changes
  return byAge + byCount
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
