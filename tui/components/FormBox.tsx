/**
 * An open form: the fields typed so far, the one being typed with its live check, and errors. Its
 * prose is wrapped here, not by Ink, so it knows its rows and can fit an error into the rest.
 */
import { Box, Text, useWindowSize } from 'ink'
import { useEffect } from 'react'
import { withoutFieldPath } from '../../src/cli/option-names.ts'
import { wrapWords } from '../format.ts'
import type { Form, FormSpec } from '../hooks/use-form.ts'
import { useSetStatus } from '../hooks/use-status.ts'
import { ErrorBox } from './ErrorBox.tsx'
import { InputLine } from './InputLine.tsx'

/** Props of FormBox. */
export interface FormBoxProps {
  form: Form & { spec: FormSpec }
  /** The most rows the box may take (default: all but the tab bar, status and hints). */
  maxRows?: number
}

function shown(value: string, isMasked: boolean | undefined): string {
  return isMasked ? '•'.repeat(value.length) : value
}

/** Renders the form in a box. */
export function FormBox({ form, maxRows }: FormBoxProps) {
  const { spec, step, values, input } = form
  const field = spec.fields[step]!
  const problem = field.check?.(input.value, values)
  const preview = problem ? [] : (field.preview?.(input.value, values) ?? [])
  const isLast = step === spec.fields.length - 1
  const setStatus = useSetStatus()
  // The status line tells how an earlier action ended; beside this form, or an error it got, it
  // would read as this one's outcome ("cancelled; nothing was written").
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new error is what clears it again
  useEffect(() => setStatus(undefined), [form.error, setStatus])
  // The box's border and padding take 4 columns, the label and its `: ` the rest.
  const { columns, rows } = useWindowSize()
  const room = Math.max(8, columns - 4 - field.label.length - 2)
  const wrap = (text: string | undefined) =>
    text ? wrapWords(text, Math.max(10, columns - 4), Number.POSITIVE_INFINITY) : []
  const title = wrap(spec.title)
  const note = wrap(spec.note)
  const hint = wrap(field.hint)
  // The field is in sight: its problem needs no path (`keys.name: …`) in front.
  const shownProblem = problem && (input.value || form.refused) ? withoutFieldPath(problem) : ''
  const check = wrap(shownProblem ? `✗ ${shownProblem}` : undefined)
  const isLoading = form.state === 'loading'
  // Borders, title, note, fields done, input, hint, check, preview, saving, Enter line.
  const ownRows =
    2 + title.length + note.length + step + 1 + hint.length + check.length + preview.length
  const errorRows = (maxRows ?? rows - 3) - ownRows - (isLoading ? 1 : 0) - 1
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{title.join('\n')}</Text>
      {note.length ? <Text dimColor>{note.join('\n')}</Text> : null}
      {spec.fields.slice(0, step).map((done) => (
        <Text key={done.name} dimColor wrap="truncate">
          {`${done.label}: ${shown(values[done.name] ?? '', done.isMasked)}`}
        </Text>
      ))}
      <InputLine label={field.label} input={input} width={room} isMasked={field.isMasked} />
      {hint.length ? <Text dimColor>{hint.join('\n')}</Text> : null}
      {check.length ? <Text color="yellow">{check.join('\n')}</Text> : null}
      {preview.map((line) => (
        <Text key={line} color="green" wrap="truncate">
          {line}
        </Text>
      ))}
      {isLoading ? <Text color="cyan">saving…</Text> : null}
      {form.error ? <ErrorBox error={form.error} width={columns - 4} maxRows={errorRows} /> : null}
      <Text dimColor>{`Enter ${isLast ? 'submit' : 'next'} · Esc cancel`}</Text>
    </Box>
  )
}
