/**
 * The record pruner against a real store file: it keeps what the retention settings keep, and
 * deletes a large backlog a slice at a time, letting the event loop serve in between (#6: a
 * store at 1,000 req/s stays bounded without stalling requests).
 */
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { createLogger } from '../../src/log/logger.ts'
import { pruneSliceRows, startPruner } from '../../src/ops/pruner.ts'
import type { Store } from '../../store/db.ts'
import { readSettings } from '../../store/settings.ts'
import { makeStore, type TestStore } from '../support/temp-store.ts'

let store: TestStore
let db: Store

beforeEach(async () => {
  store = await makeStore()
  db = store.db
})

afterEach(() => store.close())

const day = 86_400_000

function insert(count: number, ts: number, tag: string): void {
  const statement = db.query(
    `INSERT INTO request_records (ts, request_id, method, path, status, duration_ms, client_ip,
      remote_addr, auth) VALUES (?, ?, 'GET', ?, 200, 1, '127.0.0.1', '127.0.0.1', 'ok')`,
  )
  db.transaction(() => {
    for (let i = 0; i < count; i++) statement.run(ts, `${tag}-${i}`, `/${tag}`)
  })()
}

const paths = () =>
  db.query('SELECT path, count(*) AS n FROM request_records GROUP BY path ORDER BY path').all()

test('a backlog goes a slice at a time, with the event loop turning between slices', async () => {
  const settings = { ...readSettings(db), 'records.retentionDays': 7, 'records.maxRows': 5000 }
  const backlog = pruneSliceRows * 5 + 17
  insert(backlog, Date.now() - 8 * day, 'old')
  insert(6000, Date.now() - 1000, 'new')
  const lines: string[] = []
  const pruner = startPruner(
    db,
    createLogger('info', (line) => lines.push(line)),
    () => settings,
  )
  let turns = 0
  const ticker = setInterval(() => turns++, 0)
  const deleted = await pruner.pruneNow()
  clearInterval(ticker)
  pruner.stop()

  // Everything older than 7 days, then the oldest new ones beyond the newest 5,000.
  expect(deleted).toBe(backlog + 1000)
  expect(paths()).toEqual([{ path: '/new', n: 5000 }])
  expect(turns).toBeGreaterThan(0)
  expect(lines.some((l) => l.includes(`"deleted":${backlog + 1000}`))).toBe(true)
})

test('nothing to prune deletes nothing and logs nothing', async () => {
  insert(100, Date.now(), 'new')
  const lines: string[] = []
  const pruner = startPruner(
    db,
    createLogger('info', (line) => lines.push(line)),
    () => readSettings(db),
  )
  expect(await pruner.pruneNow()).toBe(0)
  pruner.stop()
  expect(paths()).toEqual([{ path: '/new', n: 100 }])
  expect(lines).toEqual([])
})
