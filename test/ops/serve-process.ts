/** Runs `japroxy serve` as a real subprocess on a prepared store and reads its JSON lines. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JiraStandIn, startJiraStandIn } from '../../src/demo/jira-stand-in.ts'
import { addAllowEntry } from '../../store/allow-list.ts'
import { setCredential } from '../../store/credentials.ts'
import type { Store } from '../../store/db.ts'
import { initStore } from '../../store/init.ts'
import { createApiKey } from '../../store/keys.ts'
import { addRoute, newRouteFields } from '../../store/routes.ts'
import { sodiumReady } from '../../store/seal.ts'
import { servicePassword, serviceUser, unusedPort, within } from '../support/stack.ts'

const root = join(import.meta.dir, '..', '..')

/** A store with route `prod` to a running stand-in, a credential, a key and 127.0.0.1 allowed. */
export interface PreparedStore {
  dir: string
  dbPath: string
  keyPath: string
  db: Store
  jira: JiraStandIn
  apiKey: string
  cleanUp(): Promise<void>
}

/** Prepares a store the way an admin would, with the stand-in as Jira. */
export async function prepareStore(): Promise<PreparedStore> {
  await sodiumReady()
  const dir = mkdtempSync(join(tmpdir(), 'japroxy-ops-'))
  const dbPath = join(dir, 'japroxy.db')
  const keyPath = join(dir, 'master.key')
  const db = initStore(dbPath, keyPath, 'test')
  const jira = await startJiraStandIn({
    users: [{ username: serviceUser, password: servicePassword }],
  })
  addRoute(
    db,
    'test',
    newRouteFields({ name: 'prod', basePath: '/jira-prod', upstreamUrl: jira.url }),
  )
  setCredential(db, 'test', 'prod', {
    kind: 'basic',
    username: serviceUser,
    password: servicePassword,
  })
  addAllowEntry(db, 'test', { cidr: '127.0.0.1', note: 'tests' })
  const { apiKey } = createApiKey(db, 'test', { name: 'align', routes: ['prod'] })
  return {
    dir,
    dbPath,
    keyPath,
    db,
    jira,
    apiKey,
    async cleanUp() {
      await jira.stop()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A running `japroxy serve` and what it has printed so far. */
export interface ServeProcess {
  child: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  lines: Record<string, unknown>[]
  /** Raw stdout and stderr, for leak scans. */
  text(): string
  /** Resolves with the first line that matches, or throws after `ms`. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    ms?: number,
  ): Promise<Record<string, unknown>>
  url: string
  adminUrl: string
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  sink: { raw: string; lines: Record<string, unknown>[] },
): Promise<void> {
  const decoder = new TextDecoder()
  let pending = ''
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true })
    sink.raw += text
    pending += text
    let newline = pending.indexOf('\n')
    while (newline >= 0) {
      const line = pending.slice(0, newline)
      pending = pending.slice(newline + 1)
      if (line.startsWith('{')) sink.lines.push(JSON.parse(line))
      newline = pending.indexOf('\n')
    }
  }
}

/** Starts `japroxy serve` (from source, or `binary`) on loopback ports chosen by the kernel. */
export async function startServe(
  store: PreparedStore,
  args: string[] = [],
  binary?: string,
): Promise<ServeProcess> {
  const command = binary ? [binary] : [process.execPath, join(root, 'src/main.ts')]
  const port = unusedPort()
  // The kernel may hand the same free port out twice in a row: the two must differ.
  let adminPort = unusedPort()
  while (adminPort === port) adminPort = unusedPort()
  const listen = ['--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`]
  const child = Bun.spawn(
    [...command, 'serve', '--db', store.dbPath, '--master-key', store.keyPath, ...listen, ...args],
    {
      cwd: root,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, JAPROXY_DB: '' },
    },
  )
  const sink = { raw: '', lines: [] as Record<string, unknown>[] }
  void collect(child.stdout, sink)
  void collect(child.stderr, sink)
  const waitFor = async (match: (line: Record<string, unknown>) => boolean, ms = 5000) => {
    const started = Date.now()
    while (Date.now() - started < ms) {
      const found = sink.lines.find(match)
      if (found) return found
      await Bun.sleep(20)
    }
    throw new Error(`no matching line within ${ms} ms; got:\n${sink.raw}`)
  }
  const adminUrl = `http://127.0.0.1:${adminPort}`
  // The startup line is at info level; wait for the admin listener so any level works.
  try {
    await within(10_000, () =>
      fetch(`${adminUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    )
  } catch (error) {
    // Never leave a serve (or its workers, which follow it) running behind a failed start.
    child.kill('SIGTERM')
    await child.exited
    throw new Error(`serve did not come up: ${(error as Error).message}; it printed:\n${sink.raw}`)
  }
  const url = `http://127.0.0.1:${port}`
  return { child, lines: sink.lines, text: () => sink.raw, waitFor, url, adminUrl }
}
