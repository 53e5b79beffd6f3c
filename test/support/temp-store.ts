/** A real store file (and master key) in a fresh temp dir, for tests below the proxy. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../store/db.ts'
import { initStore } from '../../store/init.ts'
import { sodiumReady } from '../../store/seal.ts'

/** A store in a temp dir. */
export interface TestStore {
  db: Store
  dir: string
  dbPath: string
  close: () => void
}

/** Creates a store (and master key) in a new temp dir; `close` removes both. */
export async function makeStore(): Promise<TestStore> {
  await sodiumReady()
  const dir = mkdtempSync(join(tmpdir(), 'japroxy-test-'))
  const dbPath = join(dir, 'japroxy.db')
  const db = initStore(dbPath, join(dir, 'master.key'), 'test')
  return {
    db,
    dir,
    dbPath,
    close: () => {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
