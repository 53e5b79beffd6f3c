/**
 * Test harness for the console: a real store in a temp dir, the App rendered by
 * ink-testing-library at 80×24, named keys, and waiting for a frame instead of sleeping.
 */
import { stripVTControlCharacters } from 'node:util'
import { render } from 'ink-testing-library'
import { openStore, type Store } from '../../store/db.ts'
import { insertRequestRecords, type RequestRecord } from '../../store/request-records.ts'
import { addRoute, newRouteFields } from '../../store/routes.ts'
import { App } from '../../tui/App.tsx'
import type { ScreenId } from '../../tui/screen-list.ts'

/** The actor the tests act as. */
export const testActor = 'tester (tui)'

export { makeStore, type TestStore } from '../support/temp-store.ts'

/** Adds a route to the store with defaults, on loopback. */
export function addTestRoute(db: Store, name: string, basePath = `/${name}`): void {
  addRoute(db, 'test', newRouteFields({ name, basePath, upstreamUrl: 'http://127.0.0.1:9/' }))
}

/** A request record with overridable fields. */
export function requestRecord(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    ts: Date.now(),
    requestId: 'req-1',
    route: 'prod',
    method: 'GET',
    path: '/jira-prod/rest/api/2/serverInfo',
    status: 200,
    upstreamStatus: 200,
    durationMs: 12,
    clientIp: '203.0.113.7',
    remoteAddr: '203.0.113.7',
    keyId: 'abcdefghij',
    auth: 'ok',
    reason: undefined,
    bytesIn: 0,
    bytesOut: 120,
    ...fields,
  }
}

/** Writes request records from a second connection, as `serve` does from its own process. */
export function writeRecordsElsewhere(dbPath: string, records: readonly RequestRecord[]): void {
  const other = openStore(dbPath)
  try {
    other.transaction(() => insertRequestRecords(other, records))()
  } finally {
    other.close()
  }
}

/** Runs `change` on a second connection, as another admin command or TUI would. */
export function changeElsewhere(dbPath: string, change: (db: Store) => void): void {
  const other = openStore(dbPath)
  try {
    change(other)
  } finally {
    other.close()
  }
}

/** Keys by name, as a terminal sends them. */
export const keys = {
  ENTER: '\r',
  ESC: '\u001b',
  TAB: '\t',
  SHIFT_TAB: '\u001b[Z',
  UP: '\u001b[A',
  DOWN: '\u001b[B',
  LEFT: '\u001b[D',
  RIGHT: '\u001b[C',
  HOME: '\u001b[H',
  END: '\u001b[F',
  DELETE: '\u001b[3~',
  BACKSPACE: '\u007f',
  CTRL_U: '\u0015',
} as const

/** A key name from `keys`. */
export type KeyName = keyof typeof keys

/** Strips colours and the trailing spaces of every line. */
export function plain(frame: string): string {
  return stripVTControlCharacters(frame)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd()
}

/** Folds runs of empty lines into one, so snapshots stay short. */
export function compact(frame: string): string {
  return frame.replace(/\n{3,}/g, '\n\n')
}

/** Replaces dates and times so frames can be compared as snapshots. */
export function timeless(frame: string): string {
  return frame
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'YYYY-MM-DD HH:MM')
    .replace(/\d{4}-\d\d-\d\d/g, 'YYYY-MM-DD')
    .replace(/\b\d\d:\d\d:\d\d\b/g, 'HH:MM:SS')
}

/** A rendered console. */
export interface Console {
  /** The last frame, plain. */
  frame: () => string
  /** The last frame with its colours. */
  rawFrame: () => string
  /** Every frame written so far, plain (to prove a secret never appeared). */
  frames: () => string[]
  press: (...names: KeyName[]) => void
  type: (text: string) => void
  /** Waits (bounded) until `predicate` holds for the last frame; returns that frame. */
  waitFor: (predicate: (frame: string) => boolean, timeoutMs?: number) => Promise<string>
  resize: (columns: number, rows: number) => void
  /** Resizes, waits for a frame drawn at the new width, and returns its lines. */
  linesAt: (columns: number, rows: number) => Promise<string[]>
  unmount: () => void
}

/** Renders the App on `db` at 80×24, polling the store every 30 ms. */
export function renderConsole(db: Store, initialScreen?: ScreenId): Console {
  const tree = <App db={db} actor={testActor} pollMs={30} initialScreen={initialScreen} />
  const instance = render(tree)
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true })
    Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true })
    instance.stdout.emit('resize')
  }
  resize(80, 24)
  instance.rerender(tree)
  const frame = () => plain(instance.lastFrame() ?? '')
  const waitFor = async (predicate: (frame: string) => boolean, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (predicate(frame())) return frame()
      await Bun.sleep(10)
    }
    throw new Error(`timed out waiting for the frame; the last one was:\n${frame()}`)
  }
  return {
    frame,
    rawFrame: () => instance.lastFrame() ?? '',
    frames: () => instance.frames.map(plain),
    press: (...names) => {
      for (const name of names) instance.stdin.write(keys[name])
    },
    type: (text) => instance.stdin.write(text),
    waitFor,
    linesAt: async (columns, rows) => {
      resize(columns, rows)
      return (await waitFor((f) => f.split('\n')[0]!.length <= columns)).split('\n')
    },
    resize,
    unmount: () => instance.unmount(),
  }
}
