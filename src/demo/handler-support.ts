/**
 * Small pieces the stand-in's handlers share: reading a JSON request body and paging parameters.
 */
import { jiraError, type Reply } from './reply.ts'
import { type ConsumedBody, keptBodyBytes } from './request-capture.ts'

/** A parsed JSON body, or the reply that explains why it could not be read. */
export type JsonBodyResult = { value: Record<string, unknown> } | { error: Reply }

/** Paging as Jira's list endpoints take it. */
export interface Page {
  startAt: number
  maxResults: number
}

/** Parses a JSON object body; only the kept first 64 KiB are available, so larger is refused. */
export function parseJsonBody(body: ConsumedBody): JsonBodyResult {
  if (body.length > keptBodyBytes) {
    return { error: jiraError(413, ['The request body is too large for this resource.']) }
  }
  try {
    const value: unknown = JSON.parse(body.text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { value: value as Record<string, unknown> }
    }
  } catch {
    // Falls through to the same answer as a body that is JSON but not an object.
  }
  return {
    error: jiraError(400, ['Can not deserialize the request body: a JSON object is required.']),
  }
}

/** Returns the value when it is a plain object, otherwise an empty object. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Returns the value when it is a string, otherwise undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined
}

/** Reads startAt and maxResults, each from a query string or a JSON body value. */
export function readPage(
  startAt: unknown,
  maxResults: unknown,
  defaultMax: number,
  cap: number,
): Page {
  const start = toWholeNumber(startAt) ?? 0
  const max = toWholeNumber(maxResults) ?? defaultMax
  return { startAt: start, maxResults: Math.min(max, cap) }
}

function toWholeNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const number = Number(value)
  return Number.isInteger(number) && number >= 0 ? number : undefined
}
