/** One line of typed text: printable keys append, Backspace deletes, Ctrl+U clears. */
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

/** A text input's value and a way to replace it. */
export interface TextInput {
  value: string
  setValue: (value: string) => void
}

/** The next value after a key press, or undefined when the key does not edit text. */
export function editText(value: string, input: string, key: Key): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1)
  if (key.ctrl && input === 'u') return ''
  if (key.ctrl || key.meta || key.tab || key.escape || key.return) return undefined
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return undefined
  // Pasted text arrives as one string; keep it on one line and drop control characters.
  const printable = [...input.replace(/[\r\n]+/g, ' ')]
    .filter((char) => char >= ' ' && char !== '\u007f')
    .join('')
  return printable ? value + printable : undefined
}

/** Takes typed text while `isActive`. */
export function useTextInput(options: TextInputOptions): TextInput {
  const [value, setValue] = useRefState(options.initial ?? '')
  useKeyInput(
    (input, key) => {
      if (key.return) return options.onSubmit?.(value())
      if (key.escape) return options.onCancel?.()
      // Text and Enter in one read (a paste, tmux send-keys) arrive as one string: each line
      // break submits what came before it.
      const lines = key.ctrl || key.meta ? [input] : input.split(/\r\n?|\n/)
      lines.forEach((line, i) => {
        if (i > 0) options.onSubmit?.(value())
        const next = editText(value(), line, key)
        if (next === undefined) return
        setValue(next)
        options.onChange?.(next)
      })
    },
    { isActive: options.isActive },
  )
  return { value: value(), setValue }
}
