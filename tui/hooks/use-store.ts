/**
 * The open store as the screens share it, and the watcher that notices changes made by other
 * processes: it polls `PRAGMA data_version` (cheap) and reads the config counter only when that
 * moved, so nothing is re-queried while the store is quiet.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react'
import { configVersion, dataVersion, type Store } from '../../store/db.ts'
import { describeStoreError, type ShownError } from '../errors.ts'

/** How often the store is checked for changes made elsewhere. */
export const defaultPollMs = 400

/** What the watcher reports: counters that move when something changed. */
export interface StoreTicks {
  /** Moves when admin settings changed (here or in another process). */
  configTick: number
  /** Moves when anything was committed by another process (request records, last-used). */
  dataTick: number
  /** Set while the store cannot be read. */
  watchError: ShownError | undefined
}

/** The store and who acts in it, shared through context. */
export interface StoreHandle extends StoreTicks {
  db: Store
  actor: string
  /** Tells every screen that this process just changed the settings. */
  markChanged: () => void
}

/** Carries the StoreHandle to the screens. */
export const StoreContext = createContext<StoreHandle | undefined>(undefined)

/** The shared store handle; throws when used outside the App. */
export function useStore(): StoreHandle {
  const handle = useContext(StoreContext)
  if (!handle) throw new Error('useStore outside StoreContext')
  return handle
}

/** Polls the store every `pollMs` and moves the ticks only when it changed. */
export function useStoreWatcher(
  db: Store,
  pollMs: number,
): StoreTicks & { markChanged: () => void } {
  const [ticks, setTicks] = useState({ configTick: 0, dataTick: 0 })
  const [watchError, setWatchError] = useState<ShownError | undefined>()
  const seen = useRef({ data: -1, config: -1, error: '' })

  useEffect(() => {
    const check = () => {
      try {
        const data = dataVersion(db)
        if (seen.current.error) {
          seen.current.error = ''
          setWatchError(undefined)
        }
        if (data === seen.current.data) return
        seen.current.data = data
        const config = configVersion(db)
        const isConfig = config !== seen.current.config
        seen.current.config = config
        setTicks((t) => ({
          configTick: t.configTick + (isConfig ? 1 : 0),
          dataTick: t.dataTick + 1,
        }))
      } catch (error) {
        const shown = describeStoreError(error, db.filename)
        if (shown.message === seen.current.error) return
        seen.current.error = shown.message
        setWatchError(shown)
      }
    }
    check()
    const timer = setInterval(check, pollMs)
    return () => clearInterval(timer)
  }, [db, pollMs])

  // This connection's own commits do not move its data_version, so say so directly.
  const markChanged = useCallback(() => {
    setTicks((t) => ({ configTick: t.configTick + 1, dataTick: t.dataTick + 1 }))
  }, [])

  return { ...ticks, watchError, markChanged }
}
