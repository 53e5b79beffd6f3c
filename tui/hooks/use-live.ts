/**
 * The Live requests screen's state: follow or pause, the filter typed after `/`, the selected
 * request and its detail. Filtering runs over the bounded buffer only when it changed.
 */
import { useMemo, useRef, useState } from 'react'
import type { RequestRecord } from '../../store/request-records.ts'
import { type LiveFilter, matchesLiveFilter, parseLiveFilter } from '../live-filter.ts'
import { useInputLock } from './use-input-lock.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import type { RequestTail } from './use-request-tail.ts'
import { type TextInput, useTextInput } from './use-text-input.ts'

/** What the Live screen shows and does. */
export interface LiveScreen {
  /** Matching records, newest first. */
  visible: RequestRecord[]
  /** How many records are in memory. */
  held: number
  isPaused: boolean
  /** Records that arrived since pausing. */
  newSincePause: number
  filter: LiveFilter
  filterText: string
  filterInput: TextInput | undefined
  cursor: ListCursor
  detail: RequestRecord | undefined
}

function newestId(records: readonly RequestRecord[]): number {
  let newest = 0
  for (const record of records) newest = Math.max(newest, record.id ?? 0)
  return newest
}

/**
 * The records in time order. With `serve --workers` each process writes its records in its own
 * batches, so the store's order can put a row a few hundred milliseconds out of place.
 */
function inTimeOrder(records: RequestRecord[]): RequestRecord[] {
  return records.sort((a, b) => a.ts - b.ts || (a.id ?? 0) - (b.id ?? 0))
}

/** State and keys of the Live screen; keys work only while `isActive`. */
export function useLiveScreen(tail: RequestTail, isActive: boolean, pageSize: number): LiveScreen {
  const [frozen, setFrozen] = useState<RequestRecord[] | undefined>()
  const [filterText, setFilterText] = useState('')
  const [isFiltering, setIsFiltering] = useState(false)
  const [isDetail, setIsDetail] = useState(false)
  // Hidden, the screen keeps what it last showed instead of copying the buffer on every change.
  const shown = useRef<RequestRecord[]>([])
  const filterBefore = useRef('')
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision says the buffer changed
  const all = useMemo(() => {
    if (isActive) shown.current = inTimeOrder(tail.records.toArray())
    return shown.current
  }, [tail.records, tail.revision, isActive])
  const source = frozen ?? all
  const filterInput = useTextInput({
    isActive: isActive && isFiltering,
    onChange: setFilterText,
    onSubmit: () => setIsFiltering(false),
    // Esc puts back the filter that was there before `/` (the text filters as it is typed).
    onCancel: () => {
      setFilterText(filterBefore.current)
      setIsFiltering(false)
    },
  })
  const filter = useMemo(() => parseLiveFilter(filterText), [filterText])
  const visible = useMemo(
    () => source.filter((r) => matchesLiveFilter(r, filter)).reverse(),
    [source, filter],
  )
  const isListActive = isActive && !isFiltering && !isDetail
  const pause = () => setFrozen((current) => current ?? all)
  const cursor = useListCursor(visible.length, { isActive: isListActive, pageSize, onMove: pause })
  useInputLock(isFiltering)

  useKeyInput(
    (input, key) => {
      if (input === 'p' || input === ' ') {
        setFrozen(frozen ? undefined : all)
        cursor.setIndex(0)
      } else if (input === '/') {
        filterBefore.current = filterText
        filterInput.setValue(filterText)
        setIsFiltering(true)
      } else if (input === 'c') setFilterText('')
      else if (key.return && visible.length > 0) {
        pause()
        setIsDetail(true)
      }
    },
    { isActive: isListActive },
  )

  useKeyInput(
    (_input, key) => {
      if (key.escape || key.return) setIsDetail(false)
    },
    { isActive: isActive && isDetail },
  )

  return {
    visible,
    held: all.length,
    isPaused: frozen !== undefined,
    newSincePause: frozen ? Math.max(0, newestId(all) - newestId(frozen)) : 0,
    filter,
    filterText,
    filterInput: isFiltering ? filterInput : undefined,
    cursor,
    detail: isDetail ? visible[cursor.index] : undefined,
  }
}
