/**
 * A prompt of one or more fields typed in turn, checked as they are typed, then submitted to a
 * store function. Every prompt goes through the same states (STYLE.md).
 */
import { describeStoreError, type ShownError } from '../errors.ts'
import { useInputLock } from './use-input-lock.ts'
import { useRefState } from './use-ref-state.ts'
import { useSetStatus } from './use-status.ts'
import { useStore } from './use-store.ts'
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
  /** Enter was refused on this field: its problem is shown even while the field is empty. */
  refused: boolean
  open: (spec: FormSpec) => void
}

interface FormModel {
  spec: FormSpec | undefined
  state: PromptState
  step: number
  values: FormValues
  error: ShownError | undefined
  refused: boolean
}

const closed: FormModel = {
  spec: undefined,
  state: 'idle',
  step: 0,
  values: {},
  error: undefined,
  refused: false,
}

/**
 * The field to go back to after the store refused `values`: the first whose own check fails, else
 * the first a problem names (`keys.name: …`), else the first. Never simply the first: a password
 * retyped into the user name field would be shown, and stored, in clear.
 */
export function fieldToFix(
  spec: FormSpec,
  values: FormValues,
  problems: readonly string[],
): number {
  const failing = spec.fields.findIndex((f) => f.check?.(values[f.name] ?? '', values))
  if (failing >= 0) return failing
  const named = spec.fields.findIndex((f) =>
    problems.some((p) => new RegExp(`(^|\\.)${f.name}:`).test(p)),
  )
  return Math.max(0, named)
}

/** Runs forms for a screen; while one is open it holds the input lock. */
export function useForm(): Form {
  const setStatus = useSetStatus()
  const { db } = useStore()
  const [model, setModel] = useRefState<FormModel>(closed)
  const update = (patch: Partial<FormModel>) => setModel({ ...model(), ...patch })
  const isOpen = model().spec !== undefined
  useInputLock(isOpen)

  const submit = async (spec: FormSpec, values: FormValues) => {
    try {
      const message = await spec.submit(values)
      setModel({ ...closed, state: 'submitted' })
      input.setValue('')
      setStatus({ text: message, tone: 'ok' })
    } catch (caught) {
      // Back to the field at fault with everything kept; Enter walks on through the others.
      const error = describeStoreError(caught, db.filename)
      const step = fieldToFix(spec, values, error.problems)
      update({ state: 'error', step, error, refused: false })
      input.setValue(values[spec.fields[step]!.name] ?? '')
    }
  }

  const onSubmit = (value: string) => {
    const { spec, step, values } = model()
    if (!spec) return
    const field = spec.fields[step]!
    if (field.check?.(value, values)) return update({ refused: true })
    const all = { ...values, [field.name]: value }
    const next = spec.fields[step + 1]
    if (next) {
      update({ step: step + 1, values: all, refused: false })
      input.setValue(all[next.name] ?? next.initial ?? '')
      return
    }
    update({ state: 'loading', values: all, error: undefined })
    void submit(spec, all)
  }

  const onCancel = () => {
    setModel({ ...closed, state: 'cancelled' })
    input.setValue('')
    setStatus({ text: 'cancelled; nothing was written', tone: 'info' })
  }

  const input = useTextInput({
    isActive: isOpen && model().state !== 'loading',
    onSubmit,
    onCancel,
  })

  const open = (spec: FormSpec) => {
    setModel({ ...closed, spec })
    input.setValue(spec.fields[0]?.initial ?? '')
  }

  return { ...model(), input, open }
}

/** About how many terminal rows an open form takes, so a screen can shrink its list. */
export function formHeight(form: Form): number {
  if (!form.spec) return 0
  const field = form.spec.fields[form.step]
  const error = form.error ? 3 + form.error.problems.length : 0
  return 6 + (form.spec.note ? 1 : 0) + form.step + (field?.hint ? 1 : 0) + 2 + error
}
