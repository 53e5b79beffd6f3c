/**
 * The request recorder against a real store file: a large batch is written a chunk per turn of
 * the event loop (so requests are never held up for the whole batch), every record arrives, and
 * stop writes what is still queued.
 */
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { recordBatchMax, recordChunkRows } from '../../src/defaults.ts'
import { createLogger } from '../../src/log/logger.ts'
import { Recorder } from '../../src/proxy/recorder.ts'
import type { Store } from '../../store/db.ts'
import type { RequestRecord } from '../../store/request-records.ts'
import { within } from '../support/stack.ts'
import { makeStore, type TestStore } from '../support/temp-store.ts'

let store: TestStore
let db: Store

beforeEach(async () => {
  store = await makeStore()
  db = store.db
})

afterEach(() => store.close())

const count = () => (db.query('SELECT count(*) AS n FROM request_records').get() as { n: number }).n

function record(i: number): RequestRecord {
  return {
    ts: Date.now(),
    requestId: `r-${i}`,
    route: 'prod',
    method: 'GET',
    path: `/jira-prod/rest/api/2/issue/DEMO-${i}`,
    status: 200,
    upstreamStatus: 200,
    durationMs: 1.5,
    clientIp: '127.0.0.1',
    remoteAddr: '127.0.0.1',
    keyId: undefined,
    auth: 'ok',
    reason: undefined,
    bytesIn: 0,
    bytesOut: 10,
  }
}

test('a full batch is written a chunk per turn of the event loop, and all of it arrives', async () => {
  const recorder = new Recorder(
    db,
    createLogger('error', () => {}),
  )
  const total = recordBatchMax + 10
  // The batch-size trigger fires on the recordBatchMax-th record and writes one chunk at once.
  for (let i = 0; i < total; i++) recorder.add(record(i))
  expect(count()).toBe(recordChunkRows)
  await within(2000, () => count() === total)
  expect(recorder.written).toBe(total)
  expect(recorder.dropped).toBe(0)
  const rows = db.query('SELECT request_id AS rid FROM request_records ORDER BY rowid').all()
  expect((rows as { rid: string }[]).map((r) => r.rid)).toEqual(
    Array.from({ length: total }, (_, i) => `r-${i}`),
  )
})

test('stop writes everything still queued, at once', () => {
  const recorder = new Recorder(
    db,
    createLogger('error', () => {}),
  )
  recorder.start()
  for (let i = 0; i < 700; i++) recorder.add(record(i))
  expect(count()).toBe(0)
  recorder.stop()
  expect(count()).toBe(700)
})
