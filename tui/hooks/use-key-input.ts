/**
 * Key handling for the whole console through one Ink input listener. Handlers say during render
 * whether they are active, and the listener asks at the moment a key arrives. With Ink's own
 * `isActive`, a handler is (un)subscribed in an effect that React may run only after the next key
 * has already been handed out, so a key sent right after a box opens or closes went astray.
 */
import { type Key, useInput } from 'ink'
import { createContext, useContext, useEffect, useId, useRef } from 'react'

/** Handles one key press. */
export type KeyHandler = (input: string, key: Key) => void

interface Entry {
  handler: KeyHandler
  isActive: boolean
}

/** The handlers of every mounted component, in the order they first rendered. */
export interface KeyRouter {
  entries: Map<string, Entry>
}

/** Carries the router to every component. */
export const KeyRouterContext = createContext<KeyRouter>({ entries: new Map() })

/** Calls `handler` for every key while `isActive` (default true). */
export function useKeyInput(handler: KeyHandler, options: { isActive?: boolean } = {}): void {
  const { entries } = useContext(KeyRouterContext)
  const id = useId()
  // Recorded during render (idempotent), so it is current before the next key is handled.
  entries.set(id, { handler, isActive: options.isActive ?? true })
  useEffect(() => () => void entries.delete(id), [entries, id])
}

/** The App's side: the one Ink listener; `first` sees each key, then every active handler. */
export function useKeyRouter(first: KeyHandler): KeyRouter {
  const router = useRef<KeyRouter>({ entries: new Map() }).current
  useInput((input, key) => {
    first(input, key)
    for (const entry of [...router.entries.values()]) {
      if (entry.isActive) entry.handler(input, key)
    }
  })
  return router
}
