/**
 * The selected row of a list: arrows, Page Up/Down, Home/End; kept inside the list's length.
 * Given the rows' ids, the selection stays on the same row when rows are added or removed above
 * it (another process creating a key must not move the admin's selection onto a different key).
 */
import { useRef } from 'react'
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
  options: {
    isActive: boolean
    pageSize?: number
    onMove?: () => void
    /** Each row's identity, in order; the selection follows the selected row's. */
    ids?: readonly string[]
  },
): ListCursor {
  const [selected, setSelected] = useRefState(0)
  const followed = useRef<string | undefined>(undefined)
  const clamp = (i: number) => Math.max(0, Math.min(i, length - 1))
  const page = Math.max(1, options.pageSize ?? 10)
  const { ids } = options
  const select = (index: number) => {
    setSelected(index)
    followed.current = ids?.[clamp(index)]
  }
  if (ids) {
    const at = followed.current === undefined ? -1 : ids.indexOf(followed.current)
    // A render-time update of this component's own state: React renders again at once.
    if (at >= 0 && at !== clamp(selected())) setSelected(at)
    else if (at < 0) followed.current = ids[clamp(selected())]
  }
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
      select(clamp(next))
      options.onMove?.()
    },
    { isActive: options.isActive },
  )
  return { index: clamp(selected()), current: () => clamp(selected()), setIndex: select }
}
