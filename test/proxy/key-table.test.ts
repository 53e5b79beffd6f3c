/**
 * The snapshot's key table (issue 6): an index of hashes built with the snapshot, details read on
 * first use; the sliced build used by polled reloads gives the same answers as the one-go build.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildSnapshot,
  buildSnapshotInSlices,
  buildStartupSnapshot,
} from '../../src/proxy/snapshot.ts'
import { openStore, type Store } from '../../store/db.ts'
import { initStore } from '../../store/init.ts'
import { createApiKey, hashApiKey, revokeApiKey } from '../../store/keys.ts'
import { addRoute, newRouteFields } from '../../store/routes.ts'
import { readMasterKeyFile, sodiumReady } from '../../store/seal.ts'

let dir: string
let db: Store
const dbPath = () => join(dir, 'japroxy.db')
const masterKey = () => readMasterKeyFile(join(dir, 'master.key'))

beforeAll(sodiumReady)
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-keys-'))
  db = initStore(dbPath(), join(dir, 'master.key'), 'tester')
  addRoute(
    db,
    'tester',
    newRouteFields({ name: 'prod', basePath: '/jira', upstreamUrl: 'http://127.0.0.1:9' }),
  )
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Adds `count` keys straight into the store (the import path is too slow for 25,000). */
function addManyKeys(count: number): void {
  const insert = db.query(
    'INSERT INTO api_keys (key_id, name, hash, created_at) VALUES (?, ?, ?, 0) RETURNING id',
  )
  const grant = db.query('INSERT INTO api_key_routes (api_key_id, route_id) VALUES (?, 1)')
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const row = insert.get(`k${i}`, `many-${i}`, hashApiKey(`many-key-${i}`)) as { id: number }
      grant.run(row.id)
    }
  })()
}

describe('key table', () => {
  test('finds a key by hash and refuses an unknown hash without reading the store', () => {
    const { apiKey, key } = createApiKey(db, 'tester', { name: 'align', routes: ['prod'] })
    const snapshot = buildSnapshot(db, masterKey())
    expect(snapshot.keysByHash.get(hashApiKey(apiKey))?.keyId).toBe(key.keyId)
    db.close()
    // The store is closed: an unknown hash must be answered from the index alone.
    expect(snapshot.keysByHash.get(hashApiKey('never-issued-key-000000000000000'))).toBeUndefined()
    db = openStore(dbPath())
  })

  test('a key revoked after the snapshot was built is refused on its first use', () => {
    const { apiKey } = createApiKey(db, 'tester', { name: 'align', routes: ['prod'] })
    const snapshot = buildSnapshot(db, masterKey())
    revokeApiKey(db, 'tester', 'align')
    expect(snapshot.keysByHash.get(hashApiKey(apiKey))?.isRevoked).toBe(true)
  })

  test('the sliced build answers like the one-go build across several slices', async () => {
    addManyKeys(25_000)
    const { apiKey, key } = createApiKey(db, 'tester', { name: 'align', routes: ['prod'] })
    const reader = openStore(dbPath(), { isReadOnly: true })
    const sliced = await buildSnapshotInSlices(reader, db, masterKey())
    const whole = buildSnapshot(db, masterKey())
    reader.close()
    expect(sliced.keysByHash.size).toBe(25_001)
    expect(sliced.keysByHash.size).toBe(whole.keysByHash.size)
    for (const i of [0, 2_499, 2_500, 9_999, 24_999]) {
      const hash = hashApiKey(`many-key-${i}`)
      expect(sliced.keysByHash.get(hash)?.keyId).toBe(`k${i}`)
      expect(sliced.keysByHash.get(hash)).toEqual(whole.keysByHash.get(hash)!)
    }
    expect(sliced.keysByHash.get(hashApiKey(apiKey))?.keyId).toBe(key.keyId)
    expect(sliced.routes.map((r) => r.name)).toEqual(['prod'])
  })

  test('the start-up snapshot reads keys through to the store and answers the same', () => {
    addManyKeys(100)
    const { apiKey, key } = createApiKey(db, 'tester', { name: 'align', routes: ['prod'] })
    const startup = buildStartupSnapshot(db, masterKey())
    const whole = buildSnapshot(db, masterKey())
    expect(startup.keysByHash.size).toBe(101)
    expect(startup.keysByHash.get(hashApiKey(apiKey))).toEqual(
      whole.keysByHash.get(hashApiKey(apiKey))!,
    )
    expect(startup.keysByHash.get(hashApiKey(apiKey))?.keyId).toBe(key.keyId)
    expect(startup.keysByHash.get(hashApiKey('never-issued-key-000000000000000'))).toBeUndefined()
  })
})
