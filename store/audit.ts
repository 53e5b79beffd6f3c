/** The audit trail: every admin change, who made it and when; written by `applyChange`. */
import type { Store } from './db.ts'

/** One admin change. */
export interface AuditRecord {
  id: number
  ts: number
  actor: string
  action: string
  target: string
  detail: Record<string, unknown>
}

/** The newest `limit` changes, newest first; `afterId` returns only newer ones. */
export function listAudit(db: Store, limit = 100, afterId = 0): AuditRecord[] {
  const rows = db
    .query(
      `SELECT id, ts, actor, action, target, detail FROM audit
       WHERE id > ? ORDER BY id DESC LIMIT ?`,
    )
    .all(afterId, limit) as (Omit<AuditRecord, 'detail'> & { detail: string })[]
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) }))
}
