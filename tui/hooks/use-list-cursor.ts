/** The selected row of a list: arrows, Page Up/Down, Home/End; kept inside the list's length. */
import { useInput } from 'ink'
import { useState } from 'react'

/** The selected row and a way to move it. */
export interface ListCursor {
  index: number
  setIndex: (index: number) => void
}

/** Moves a selection over `length` rows while `isActive`; `onMove` hears every move. */
export function useListCursor(
  length: number,
  options: { isActive: boolean; pageSize?: number; onMove?: () => void },
): ListCursor {
  const [selected, setSelected] = useState(0)
  const index = Math.max(0, Math.min(selected, length - 1))
  const page = Math.max(1, options.pageSize ?? 10)
  useInput(
    (_input, key) => {
      let next: number | undefined
      if (key.upArrow) next = index - 1
      else if (key.downArrow) next = index + 1
      else if (key.pageUp) next = index - page
      else if (key.pageDown) next = index + page
      else if (key.home) next = 0
      else if (key.end) next = length - 1
      if (next === undefined || length === 0) return
      setSelected(Math.max(0, Math.min(next, length - 1)))
      options.onMove?.()
    },
    { isActive: options.isActive },
  )
  return { index, setIndex: setSelected }
}
