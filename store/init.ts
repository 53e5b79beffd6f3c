/** Creating a new store and its master key file. */
import { existsSync, unlinkSync } from 'node:fs'
import { applyChange, openStore, type Store, StoreError, writeMeta } from './db.ts'
import { encodePublicKey, generateMasterKey, writeMasterKeyFile } from './seal.ts'

/**
 * Creates the store at `dbPath` and the master key at `keyPath`; refuses to overwrite either,
 * and leaves neither behind when it fails half way.
 */
export function initStore(dbPath: string, keyPath: string, actor: string): Store {
  for (const [path, what] of [
    [dbPath, 'store'],
    [keyPath, 'master key file'],
  ] as const) {
    if (existsSync(path)) {
      throw new StoreError(
        `${what} already exists: ${path}`,
        'japroxy init never overwrites; move it away or use another path',
      )
    }
  }
  const key = generateMasterKey()
  const db = openStore(dbPath, { isCreate: true })
  try {
    writeMasterKeyFile(keyPath, key)
    applyChange(db, { actor, action: 'store.init', target: dbPath }, () => {
      writeMeta(db, 'public_key', encodePublicKey(key.publicKey))
      writeMeta(db, 'created_at', String(Date.now()))
    })
  } catch (error) {
    db.close()
    for (const path of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`])
      if (existsSync(path)) unlinkSync(path)
    throw error
  }
  key.secretKey.fill(0)
  return db
}
