/** Reads from the store when it changed, never on every render, and keeps errors on screen. */
import { useMemo, useRef } from 'react'
import type { Store } from '../../store/db.ts'
import { describeStoreError, type ShownError } from '../errors.ts'
import { useStore } from './use-store.ts'

/** A query's data, or the error that stopped it. */
export interface QueryResult<T> {
  data: T | undefined
  error: ShownError | undefined
}

/**
 * Runs `read` again only when the settings change, or also when any data changes (`isLive`,
 * for last-used times). A failing read shows its error instead of crashing the screen.
 */
export function useStoreQuery<T>(
  read: (db: Store) => T,
  options: { isLive?: boolean } = {},
): QueryResult<T> {
  const { db, configTick, dataTick } = useStore()
  const readRef = useRef(read)
  readRef.current = read
  const liveTick = options.isLive ? dataTick : 0
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ticks say when the store changed
  return useMemo(() => {
    try {
      return { data: readRef.current(db), error: undefined }
    } catch (error) {
      return { data: undefined, error: describeStoreError(error, db.filename) }
    }
  }, [db, configTick, liveTick])
}
