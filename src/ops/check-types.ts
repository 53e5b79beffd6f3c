/** What `japroxy check` reports: one verdict per step, and what to do about a failure. */

/** A step's verdict. */
export type Verdict = 'ok' | 'warn' | 'fail' | 'skip'

/** The outcome of one step. */
export interface StepResult {
  step: string
  verdict: Verdict
  detail: string
  /** What the admin should do next (failures and warnings). */
  hint?: string
}

/** Builds a result. */
export function result(step: string, verdict: Verdict, detail: string, hint?: string): StepResult {
  return hint === undefined ? { step, verdict, detail } : { step, verdict, detail, hint }
}

/** The error code of a failed network call, or its message when it has none. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code ? code : (error as Error).message
}
