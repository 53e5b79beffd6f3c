/** The one-line status under every screen: what the last action did, or that it was cancelled. */
import { createContext, useContext } from 'react'

/** A status line and its tone. */
export interface Status {
  text: string
  tone: 'ok' | 'info' | 'error'
}

/** Sets the status line. */
export type SetStatus = (status: Status | undefined) => void

/** Carries the status setter to the screens. */
export const StatusContext = createContext<SetStatus>(() => {})

/** The status setter. */
export function useSetStatus(): SetStatus {
  return useContext(StatusContext)
}
