/**
 * How the Live screen lays out a request record. From 100 columns keyId and reason get a column
 * each; narrower, they share one (the reason when there is one, else the keyId) so the path
 * keeps room at 80 columns. Narrower still, the client IP and that column shrink with the path
 * and the duration is left out. The detail pane always shows everything.
 */
import type { RequestRecord } from '../store/request-records.ts'
import type { TableColumn, TableRow } from './components/Table.tsx'
import { formatClock, statusColor } from './format.ts'

/** From this width keyId and reason get a column each. */
export const wideLiveWidth = 100

const leading: TableColumn[] = [
  { title: 'time UTC', width: 8 },
  { title: 'client IP', width: 15, min: 9 },
  { title: 'method', width: 6 },
  { title: 'path', width: 16, min: 12, grow: 'rest', isEndKept: true },
  { title: 'sta', width: 3 },
  { title: '   ms', width: 5, hideBelow: 66 },
]

/** The columns at `width`. */
export function requestColumns(width: number): TableColumn[] {
  return width >= wideLiveWidth
    ? [...leading, { title: 'keyId', width: 10 }, { title: 'reason', width: 22 }]
    : [...leading, { title: 'keyId / reason', width: 20, min: 10 }]
}

/** One record as a row at `width`. */
export function requestRow(record: RequestRecord, width: number): TableRow {
  const cells: TableRow['cells'] = [
    formatClock(record.ts),
    record.clientIp,
    record.method,
    record.path,
    { text: String(record.status), color: statusColor(record.status) },
    String(Math.round(record.durationMs)).padStart(5),
  ]
  const reason = { text: record.reason ?? '', color: 'yellow' }
  const tail: TableRow['cells'] =
    width >= wideLiveWidth
      ? [record.keyId ?? '-', reason]
      : [record.reason ? reason : (record.keyId ?? '-')]
  return { key: record.id ?? record.requestId, cells: [...cells, ...tail] }
}
