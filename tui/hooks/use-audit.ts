/** The Audit screen's data: the newest admin changes, filtered by text typed after `/`. */
import { useMemo, useRef, useState } from 'react'
import { type AuditRecord, listAudit } from '../../store/audit.ts'
import type { Store } from '../../store/db.ts'
import { formatDateTime } from '../format.ts'
import { useInputLock } from './use-input-lock.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'
import { type TextInput, useTextInput } from './use-text-input.ts'

/** How many audit records the screen reads. */
export const auditLimit = 500

/** What the Audit screen shows and does. */
export interface AuditScreen {
  audit: QueryResult<AuditRecord[]>
  visible: AuditRecord[]
  filterText: string
  filterInput: TextInput | undefined
  cursor: ListCursor
}

function readAudit(db: Store): AuditRecord[] {
  return listAudit(db, auditLimit)
}

function shownValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value
  // Times are stored as milliseconds (`expiresAt`); shown as everywhere else in the console.
  if (typeof value === 'number' && name.endsWith('At')) return `${formatDateTime(value)} UTC`
  return JSON.stringify(value)
}

/** The detail of an audit record as one line of `name=value` pairs, times as UTC dates. */
export function auditDetail(record: AuditRecord): string {
  return Object.entries(record.detail)
    .map(([name, value]) => `${name}=${shownValue(name, value)}`)
    .join(' ')
}

/** State and keys of the Audit screen; keys work only while `isActive`. */
export function useAuditScreen(isActive: boolean, pageSize: number): AuditScreen {
  const audit = useStoreQuery(readAudit)
  const [filterText, setFilterText] = useState('')
  const [isFiltering, setIsFiltering] = useState(false)
  const filterBefore = useRef('')
  const filterInput = useTextInput({
    isActive: isActive && isFiltering,
    onChange: setFilterText,
    onSubmit: () => setIsFiltering(false),
    // As on Live: Esc puts back the filter that was there before `/`.
    onCancel: () => {
      setFilterText(filterBefore.current)
      setIsFiltering(false)
    },
  })
  const visible = useMemo(() => {
    const words = filterText.toLowerCase().split(/\s+/).filter(Boolean)
    return (audit.data ?? []).filter((r) => {
      const text = `${r.actor} ${r.action} ${r.target} ${auditDetail(r)}`.toLowerCase()
      return words.every((w) => text.includes(w))
    })
  }, [audit.data, filterText])
  const cursor = useListCursor(visible.length, { isActive: isActive && !isFiltering, pageSize })
  useInputLock(isFiltering)

  useKeyInput(
    (input) => {
      if (input === '/') {
        filterBefore.current = filterText
        filterInput.setValue(filterText)
        setIsFiltering(true)
      }
    },
    { isActive: isActive && !isFiltering },
  )

  return { audit, visible, filterText, filterInput: isFiltering ? filterInput : undefined, cursor }
}
