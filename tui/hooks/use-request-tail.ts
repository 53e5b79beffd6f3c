/**
 * Tails `serve`'s request records by id into a bounded ring buffer and the per-route counters.
 * It reads only when the store changed, at most `maxPages` pages per change, so 1,000 requests a
 * second cost a few small reads per poll and the screen updates at the poll rate, not per request.
 */
import { useEffect, useRef, useState } from 'react'
import type { Store } from '../../store/db.ts'
import {
  lastRequestRecordId,
  type RequestRecord,
  recentRequestRecords,
  requestCountsSince,
  requestRecordsAfter,
} from '../../store/request-records.ts'
import { describeStoreError, type ShownError } from '../errors.ts'
import { RequestStats, statsBucketCount, statsBucketMs } from '../request-stats.ts'
import { RingBuffer } from '../ring-buffer.ts'

/** How many request records the TUI keeps in memory. */
export const tailCapacity = 2000

const pageSize = 500
const maxPages = 4
const catchUpMs = 100

/** The tailed records and counters; `revision` moves when they changed. */
export interface RequestTail {
  records: RingBuffer<RequestRecord>
  stats: RequestStats
  revision: number
  error: ShownError | undefined
}

interface TailState {
  records: RingBuffer<RequestRecord>
  stats: RequestStats
  lastId: number
}

/**
 * The starting point: the newest records for the Live screen, and the whole sparkline window
 * counted by the store (however many records it holds), both as of one read transaction.
 */
function startTail(db: Store): TailState {
  return db.transaction(() => {
    const state = {
      records: new RingBuffer<RequestRecord>(tailCapacity),
      stats: new RequestStats(),
      lastId: lastRequestRecordId(db),
    }
    for (const record of recentRequestRecords(db, tailCapacity)) state.records.push(record)
    const since = (Math.floor(Date.now() / statsBucketMs) - statsBucketCount + 1) * statsBucketMs
    for (const row of requestCountsSince(db, since, statsBucketMs)) {
      state.stats.addCounts(row.route, row.slot, row)
    }
    return state
  })()
}

function take(state: TailState, record: RequestRecord): void {
  state.records.push(record)
  state.stats.add(record)
  state.lastId = Math.max(state.lastId, record.id ?? 0)
}

/** Reads new records; returns how many arrived and whether more are waiting. */
function readNew(db: Store, state: TailState): { count: number; isBehind: boolean } {
  let count = 0
  for (let page = 0; page < maxPages; page++) {
    const records = requestRecordsAfter(db, state.lastId, pageSize)
    for (const record of records) take(state, record)
    count += records.length
    if (records.length < pageSize) return { count, isBehind: false }
  }
  return { count, isBehind: true }
}

/** Follows the request records; reads again whenever `dataTick` moves. */
export function useRequestTail(db: Store, dataTick: number): RequestTail {
  const state = useRef<TailState | undefined>(undefined)
  const [revision, setRevision] = useState(0)
  const [catchUp, setCatchUp] = useState(0)
  const [error, setError] = useState<ShownError | undefined>()

  // biome-ignore lint/correctness/useExhaustiveDependencies: the ticks say when to read again
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      if (!state.current) {
        state.current = startTail(db)
        setRevision((r) => r + 1)
      }
      const { count, isBehind } = readNew(db, state.current)
      if (count > 0) setRevision((r) => r + 1)
      if (isBehind) timer = setTimeout(() => setCatchUp((n) => n + 1), catchUpMs)
      setError(undefined)
    } catch (caught) {
      setError(describeStoreError(caught, db.filename))
    }
    return () => clearTimeout(timer)
  }, [db, dataTick, catchUp])

  const current = state.current
  return {
    records: current?.records ?? emptyRecords,
    stats: current?.stats ?? emptyStats,
    revision,
    error,
  }
}

const emptyRecords = new RingBuffer<RequestRecord>(1)
const emptyStats = new RequestStats()
