/**
 * While a screen is taking text (a form, a filter, a test box), the global keys (1-7, Tab, ?, q)
 * must reach that text instead. Screens say so while they render, and the App asks when a key
 * arrives: an effect-driven lock would let the first key after a box closes slip past the App,
 * because React may run those effects only when that key arrives.
 */
import { createContext, useContext, useEffect, useId, useRef, useState } from 'react'

/** Who holds the lock right now, and whom to tell after it changed hands. */
export interface InputLock {
  holders: Set<string>
  /** Called after a render that took or gave up the lock, so the footer can follow. */
  changed: () => void
}

/** Carries the lock to the screens. */
export const InputLockContext = createContext<InputLock>({ holders: new Set(), changed: () => {} })

/** Holds the global-keys lock while `isLocked` is true. */
export function useInputLock(isLocked: boolean): void {
  const lock = useContext(InputLockContext)
  const id = useId()
  // Recorded during render (idempotent), so it is current before the next key is handled.
  if (isLocked) lock.holders.add(id)
  else lock.holders.delete(id)
  // biome-ignore lint/correctness/useExhaustiveDependencies: taking or giving up is what to tell
  useEffect(() => lock.changed(), [lock, isLocked])
  useEffect(
    () => () => {
      lock.holders.delete(id)
      lock.changed()
    },
    [lock, id],
  )
}

/** What the App gets: the lock to provide, whether it is held now, and as of the last render. */
export interface InputLockOwner {
  lock: InputLock
  isLocked: () => boolean
  /** Held as of the last committed render: for what the footer shows, not for key handling. */
  isShownLocked: boolean
}

/** The App's side of the lock. */
export function useInputLockOwner(): InputLockOwner {
  const [isShownLocked, setIsShownLocked] = useState(false)
  const lock = useRef<InputLock>({ holders: new Set(), changed: () => {} }).current
  lock.changed = () => setIsShownLocked(lock.holders.size > 0)
  return { lock, isLocked: () => lock.holders.size > 0, isShownLocked }
}
