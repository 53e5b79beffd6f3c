/**
 * While a screen is taking text (a form, a filter, a test box), the global keys (1-7, Tab, ?, q)
 * must reach that text instead; screens hold the lock for as long as they take text.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'

/** Takes the lock; the returned function gives it back. */
export interface InputLock {
  acquire: () => () => void
}

/** Carries the lock to the screens. */
export const InputLockContext = createContext<InputLock>({ acquire: () => () => {} })

/** Holds the global-keys lock while `isLocked` is true. */
export function useInputLock(isLocked: boolean): void {
  const { acquire } = useContext(InputLockContext)
  useEffect(() => (isLocked ? acquire() : undefined), [isLocked, acquire])
}

/** The App's side: whether any screen holds the lock, and the context value to provide. */
export function useInputLockOwner(): { isLocked: boolean; lock: InputLock } {
  const [holders, setHolders] = useState(0)
  const acquire = useCallback(() => {
    setHolders((n) => n + 1)
    let isHeld = true
    return () => {
      if (!isHeld) return
      isHeld = false
      setHolders((n) => n - 1)
    }
  }, [])
  const lock = useMemo(() => ({ acquire }), [acquire])
  return { isLocked: holders > 0, lock }
}
