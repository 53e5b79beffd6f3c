/**
 * One line of typed text with a cursor: printable keys insert at the cursor, ← → Home End move
 * it (Ctrl+A and Ctrl+E too), Backspace and Delete remove the character before or under it,
 * Ctrl+U clears the line.
 */
import type { Key } from 'ink'
import { useKeyInput } from './use-key-input.ts'
import { useRefState } from './use-ref-state.ts'

/** What a text input reports. */
export interface TextInputOptions {
  isActive: boolean
  initial?: string
  onChange?: (value: string) => void
  onSubmit?: (value: string) => void
  onCancel?: () => void
}

/** A text input's value, where its cursor is (in characters), and a way to replace the value. */
export interface TextInput {
  value: string
  cursor: number
  /** Replaces the value and puts the cursor after its end. */
  setValue: (value: string) => void
}

/** The text and the cursor, counted in characters (code points) so no emoji is cut in half. */
export interface Editing {
  chars: readonly string[]
  cursor: number
}

/** `value` with the cursor after its end. */
export function editingAtEnd(value: string): Editing {
  const chars = [...value]
  return { chars, cursor: chars.length }
}

function cursorMove(state: Editing, input: string, key: Key): number | undefined {
  if (key.leftArrow) return Math.max(0, state.cursor - 1)
  if (key.rightArrow) return Math.min(state.chars.length, state.cursor + 1)
  if (key.home || (key.ctrl && input === 'a')) return 0
  if (key.end || (key.ctrl && input === 'e')) return state.chars.length
  return undefined
}

/** The state after a key press, or undefined when the key neither edits nor moves. */
export function editText(state: Editing, input: string, key: Key): Editing | undefined {
  const { chars, cursor } = state
  const moved = cursorMove(state, input, key)
  if (moved !== undefined) return { chars, cursor: moved }
  if (key.backspace) {
    if (cursor === 0) return undefined
    return { chars: chars.toSpliced(cursor - 1, 1), cursor: cursor - 1 }
  }
  if (key.delete) {
    if (cursor === chars.length) return undefined
    return { chars: chars.toSpliced(cursor, 1), cursor }
  }
  if (key.ctrl && input === 'u') return { chars: [], cursor: 0 }
  if (key.ctrl || key.meta || key.tab || key.escape || key.return) return undefined
  if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) return undefined
  // Pasted text arrives as one string; keep it on one line and drop control characters.
  const printable = [...input.replace(/[\r\n]+/g, ' ')].filter(
    (char) => char >= ' ' && char !== '\u007f',
  )
  if (printable.length === 0) return undefined
  return { chars: chars.toSpliced(cursor, 0, ...printable), cursor: cursor + printable.length }
}

// Control keys a terminal may send in the same read as text (tmux send-keys, a fast typist):
// Ink hands the whole read over as one string, so they are picked out here.
const inlineKeys: Record<string, Partial<Key>> = {
  '\u0001': { ctrl: true },
  '\u0005': { ctrl: true },
  '\u0015': { ctrl: true },
}
const inlineInput: Record<string, string> = { '\u0001': 'a', '\u0005': 'e', '\u0015': 'u' }

/** Takes typed text while `isActive`. */
export function useTextInput(options: TextInputOptions): TextInput {
  const [editing, setEditing] = useRefState<Editing>(editingAtEnd(options.initial ?? ''))
  const apply = (input: string, key: Key) => {
    const before = editing()
    const next = editText(before, input, key)
    if (next === undefined) return
    setEditing(next)
    if (next.chars !== before.chars) options.onChange?.(next.chars.join(''))
  }
  useKeyInput(
    (input, key) => {
      if (key.return) return options.onSubmit?.(editing().chars.join(''))
      if (key.escape) return options.onCancel?.()
      // A single key, or text with no control character in it: one edit.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
      if (key.ctrl || key.meta || !/[\u0000-\u001f]/.test(input)) return apply(input, key)
      // Text and keys in one read: each line break submits what came before it, Ctrl+U, Ctrl+A
      // and Ctrl+E act where they fall, other control characters are dropped.
      let text = ''
      const flush = () => {
        if (text) apply(text, { ...key, ctrl: false })
        text = ''
      }
      for (const char of input.replace(/\r\n/g, '\n')) {
        if (char === '\r' || char === '\n') {
          flush()
          options.onSubmit?.(editing().chars.join(''))
        } else if (inlineKeys[char]) {
          flush()
          apply(inlineInput[char]!, { ...key, ...inlineKeys[char] })
        } else if (char >= ' ') text += char
      }
      flush()
    },
    { isActive: options.isActive },
  )
  const { chars, cursor } = editing()
  return { value: chars.join(''), cursor, setValue: (value) => setEditing(editingAtEnd(value)) }
}
