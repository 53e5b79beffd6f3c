/** An open form: the fields typed so far, the one being typed with its live check, and errors. */
import { Box, Text, useWindowSize } from 'ink'
import { useEffect } from 'react'
import type { Form, FormSpec } from '../hooks/use-form.ts'
import { useSetStatus } from '../hooks/use-status.ts'
import { ErrorBox } from './ErrorBox.tsx'
import { InputLine } from './InputLine.tsx'

/** Props of FormBox. */
export interface FormBoxProps {
  form: Form & { spec: FormSpec }
}

function shown(value: string, isMasked: boolean | undefined): string {
  return isMasked ? '•'.repeat(value.length) : value
}

/** Renders the form in a box. */
export function FormBox({ form }: FormBoxProps) {
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
  const { columns } = useWindowSize()
  const room = Math.max(8, columns - 4 - field.label.length - 2)
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{spec.title}</Text>
      {spec.note ? <Text dimColor>{spec.note}</Text> : null}
      {spec.fields.slice(0, step).map((done) => (
        <Text key={done.name} dimColor wrap="truncate">
          {`${done.label}: ${shown(values[done.name] ?? '', done.isMasked)}`}
        </Text>
      ))}
      <InputLine label={field.label} input={input} width={room} isMasked={field.isMasked} />
      {field.hint ? <Text dimColor>{field.hint}</Text> : null}
      {problem && (input.value || form.refused) ? (
        <Text color="yellow">{`✗ ${problem}`}</Text>
      ) : null}
      {preview.map((line) => (
        <Text key={line} color="green" wrap="truncate">
          {line}
        </Text>
      ))}
      {form.state === 'loading' ? <Text color="cyan">saving…</Text> : null}
      {form.error ? <ErrorBox error={form.error} /> : null}
      <Text dimColor>{`Enter ${isLast ? 'submit' : 'next'} · Esc cancel`}</Text>
    </Box>
  )
}
