/** Turns anything a store call or parser throws into text the TUI shows, with what to do next. */

import { renameField } from '../src/cli/option-names.ts'
import { redactText } from '../src/log/redact.ts'
import { asStoreError, StoreError, ValidationError } from '../store/db.ts'

/** An error as the TUI shows it. */
export interface ShownError {
  message: string
  /** Every problem of invalid input, one per line. */
  problems: string[]
  /** What the admin should do next; empty when there is nothing to add. */
  hint: string
}

/** Describes an error for the screen; secrets are masked by the one redaction module. */
export function describeError(error: unknown): ShownError {
  // The store words its problems without echoing secrets; masking them again would turn
  // `credential.password: is empty` into nonsense, so they are shown as written.
  if (error instanceof ValidationError) {
    const problems = error.problems.map(labelled)
    return { message: 'the input has problems:', problems, hint: error.hint }
  }
  if (error instanceof StoreError) {
    return { message: redactText(error.message), problems: [], hint: error.hint }
  }
  if (error instanceof Error && (error as { code?: string }).code === 'commander.invalidArgument') {
    return { message: redactText(error.message), problems: [], hint: '' }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    message: `unexpected error: ${redactText(message)}`,
    problems: [],
    hint: 'this is a bug in japroxy; please report it (the screen keeps working)',
  }
}

/**
 * Describes an error from reading the store at `path`: SQLite's own errors (locked, corrupt,
 * missing table) become the store's StoreError with its hint, as the admin commands show them.
 */
export function describeStoreError(error: unknown, path: string): ShownError {
  const isSqlite = error instanceof Error && error.name === 'SQLiteError'
  return describeError(isSqlite ? asStoreError(error, path) : error)
}

/** The problem text of a parser that throws, or undefined when `parse` succeeds. */
export function problemOf(parse: () => unknown): string | undefined {
  try {
    parse()
    return undefined
  } catch (error) {
    return describeError(error).message
  }
}

// The store's field paths as the console's forms label them.
const fieldLabels: Record<string, string> = {
  'routes.name': 'Name',
  'routes.basePath': 'Base path',
  'routes.upstreamUrl': 'Upstream URL',
  'routes.publicUrl': 'Public URL',
  'routes.upstreamCaFile': 'Upstream CA file',
  'routes.upstreamPin': 'Certificate pin',
  'routes.headerTimeoutMs': 'Header timeout',
  'routes.anonymousPaths': 'Anonymous paths',
  'routes.policy.rules': 'Endpoint rules',
  'routes.policy.profile': 'Endpoint profile',
  'keys.name': 'Name',
  'keys.routes': 'Routes',
  'keys.expires': 'Expires',
  'keys.rate': 'Limit',
  'keys.burst': 'Limit',
  'allowList.cidr': 'Address or CIDR',
  'allowList.note': 'Note',
  'allowList.route': 'For',
  'credential.username': 'Jira user',
  'credential.password': 'Password',
  'credential.token': 'Token',
}

/** A store problem worded with the form's label (`Upstream URL: …`), not its field path. */
export function labelled(problem: string): string {
  return renameField(problem, fieldLabels)
}
