/**
 * State that key handlers can read back at once. Several keys can arrive in one read from the
 * terminal (`align` + Enter from a paste or tmux); React commits the first key's update only after
 * all of them were handled, so handlers must read the value they just wrote, not a render's copy.
 */
import { useCallback, useRef, useState } from 'react'

/** Reads the latest value. */
export type Getter<T> = () => T

/** Writes a value and asks for a render. */
export type Setter<T> = (value: T) => void

/** A value kept in a ref (read at once by `get`) that re-renders when set. */
export function useRefState<T>(initial: T): [Getter<T>, Setter<T>] {
  const ref = useRef(initial)
  const [, setRenders] = useState(0)
  const get = useCallback(() => ref.current, [])
  const set = useCallback((value: T) => {
    ref.current = value
    setRenders((n) => n + 1)
  }, [])
  return [get, set]
}
