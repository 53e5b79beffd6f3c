/**
 * While a screen is taking text (a form, a filter, a test box), the global keys (1-7, Tab, ?, q)
 * must reach that text instead. Screens say so while they render, and the App asks when a key
 * arrives: an effect-driven lock would let the first key after a box closes slip past the App,
 * because React may run those effects only when that key arrives.
 */
import { createContext, useContext, useEffect, useId, useRef } from 'react'

/** Who holds the lock right now. */
export interface InputLock {
  holders: Set<string>
}

/** Carries the lock to the screens. */
export const InputLockContext = createContext<InputLock>({ holders: new Set() })

/** Holds the global-keys lock while `isLocked` is true. */
export function useInputLock(isLocked: boolean): void {
  const { holders } = useContext(InputLockContext)
  const id = useId()
  // Recorded during render (idempotent), so it is current before the next key is handled.
  if (isLocked) holders.add(id)
  else holders.delete(id)
  useEffect(() => () => void holders.delete(id), [holders, id])
}

/** The App's side: the lock to provide, and whether anyone holds it at this moment. */
export function useInputLockOwner(): { lock: InputLock; isLocked: () => boolean } {
  const lock = useRef<InputLock>({ holders: new Set() }).current
  return { lock, isLocked: () => lock.holders.size > 0 }
}
