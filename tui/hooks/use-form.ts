/**
 * A prompt of one or more fields typed in turn, checked as they are typed, then submitted to a
 * store function. Every prompt goes through the same states (STYLE.md).
 */
import { useState } from 'react'
import { describeError, type ShownError } from '../errors.ts'
import { useInputLock } from './use-input-lock.ts'
import { useSetStatus } from './use-status.ts'
import { type TextInput, useTextInput } from './use-text-input.ts'

/** The states every prompt shares. */
export type PromptState = 'idle' | 'loading' | 'submitted' | 'error' | 'cancelled'

/** Values typed so far, by field name. */
export type FormValues = Record<string, string>

/** One field of a form. */
export interface FormField {
  name: string
  label: string
  initial?: string
  /** Shown as dots: for passwords and tokens. */
  isMasked?: boolean
  hint?: string
  /** A problem with the value as typed so far; Enter is refused while there is one. */
  check?: (value: string, values: FormValues) => string | undefined
  /** Lines shown under the field as it is typed (e.g. the normalised CIDR). */
  preview?: (value: string, values: FormValues) => string[]
}

/** A form: its fields and what submitting does (returns the status line to show). */
export interface FormSpec {
  title: string
  /** A line under the title, e.g. what is being replaced. */
  note?: string
  fields: readonly FormField[]
  submit: (values: FormValues) => string | Promise<string>
}

/** An open (or closed) form and what it shows. */
export interface Form {
  spec: FormSpec | undefined
  state: PromptState
  step: number
  values: FormValues
  input: TextInput
  error: ShownError | undefined
  open: (spec: FormSpec) => void
}

/** Runs forms for a screen; while one is open it holds the input lock. */
export function useForm(): Form {
  const setStatus = useSetStatus()
  const [spec, setSpec] = useState<FormSpec | undefined>()
  const [state, setState] = useState<PromptState>('idle')
  const [step, setStep] = useState(0)
  const [values, setValues] = useState<FormValues>({})
  const [error, setError] = useState<ShownError | undefined>()
  useInputLock(spec !== undefined)

  const close = (next: PromptState) => {
    setSpec(undefined)
    setValues({})
    input.setValue('')
    setState(next)
  }

  const submit = async (current: FormSpec, all: FormValues) => {
    setState('loading')
    try {
      const message = await current.submit(all)
      close('submitted')
      setStatus({ text: message, tone: 'ok' })
    } catch (caught) {
      // Back to the first field with everything kept, so any field can be corrected.
      setError(describeError(caught))
      setState('error')
      setStep(0)
      input.setValue(all[current.fields[0]!.name] ?? '')
    }
  }

  const onSubmit = (value: string) => {
    if (!spec) return
    const field = spec.fields[step]!
    const all = { ...values, [field.name]: value }
    if (field.check?.(value, values)) return
    setError(undefined)
    setValues(all)
    if (step + 1 < spec.fields.length) {
      setStep(step + 1)
      const next = spec.fields[step + 1]!
      input.setValue(all[next.name] ?? next.initial ?? '')
    } else void submit(spec, all)
  }

  const onCancel = () => {
    close('cancelled')
    setStatus({ text: 'cancelled; nothing was written', tone: 'info' })
  }

  const input = useTextInput({
    isActive: spec !== undefined && state !== 'loading',
    onSubmit,
    onCancel,
  })

  const open = (next: FormSpec) => {
    setSpec(next)
    setStep(0)
    setValues({})
    setError(undefined)
    setState('idle')
    input.setValue(next.fields[0]?.initial ?? '')
  }

  return { spec, state, step, values, input, error, open }
}

/** About how many terminal rows an open form takes, so a screen can shrink its list. */
export function formHeight(form: Form): number {
  if (!form.spec) return 0
  const field = form.spec.fields[form.step]
  const error = form.error ? 3 + form.error.problems.length : 0
  return 6 + (form.spec.note ? 1 : 0) + form.step + (field?.hint ? 1 : 0) + 2 + error
}
