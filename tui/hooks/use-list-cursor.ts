/** The selected row of a list: arrows, Page Up/Down, Home/End; kept inside the list's length. */

import { useKeyInput } from './use-key-input.ts'
import { useRefState } from './use-ref-state.ts'

/** The selected row and a way to move it. */
export interface ListCursor {
  index: number
  /** The selected row as of the latest key, for key handlers. */
  current: () => number
  setIndex: (index: number) => void
}

/** Moves a selection over `length` rows while `isActive`; `onMove` hears every move. */
export function useListCursor(
  length: number,
  options: { isActive: boolean; pageSize?: number; onMove?: () => void },
): ListCursor {
  const [selected, setSelected] = useRefState(0)
  const clamp = (i: number) => Math.max(0, Math.min(i, length - 1))
  const page = Math.max(1, options.pageSize ?? 10)
  useKeyInput(
    (_input, key) => {
      const index = clamp(selected())
      let next: number | undefined
      if (key.upArrow) next = index - 1
      else if (key.downArrow) next = index + 1
      else if (key.pageUp) next = index - page
      else if (key.pageDown) next = index + page
      else if (key.home) next = 0
      else if (key.end) next = length - 1
      if (next === undefined || length === 0) return
      setSelected(clamp(next))
      options.onMove?.()
    },
    { isActive: options.isActive },
  )
  return { index: clamp(selected()), current: () => clamp(selected()), setIndex: setSelected }
}
