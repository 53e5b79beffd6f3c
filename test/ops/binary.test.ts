/**
 * The compiled binaries (issue #5): `--version` names the version and commit, and the binary
 * for this machine runs `serve` with its admin listener. `npm test` builds `dist/japroxy`;
 * CI also builds the linux-x64 and linux-arm64 binaries (`npm run build:all`).
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../support/cli.ts'
import { basic } from '../support/stack.ts'
import { type PreparedStore, prepareStore, startServe } from './serve-process.ts'

const dist = join(import.meta.dir, '..', '..', 'dist')
const local = join(dist, 'japroxy')
const x64 = join(dist, 'japroxy-linux-x64')
const versionLine = /^japroxy \d+\.\d+\.\d+ \(([0-9a-f]{12}|unknown)\)\n$/

if (!existsSync(local))
  console.warn('dist/japroxy is not built (npm run build): binary tests skipped')
const canRunX64 = existsSync(x64) && process.arch === 'x64'
if (!canRunX64)
  console.warn(
    'dist/japroxy-linux-x64 is not built or not runnable here (npm run build:all): skipped',
  )

describe.skipIf(!existsSync(local))('the binary for this machine', () => {
  let store: PreparedStore | undefined
  afterAll(() => store?.cleanUp())

  test('--version prints the version and the commit it was built from', () => {
    const result = cli(['--version'], { binary: local })
    expect(result.stdout).toMatch(versionLine)
    expect(result.code).toBe(0)
  })

  test('serves, answers on its admin listener and stops cleanly on SIGTERM', async () => {
    store = await prepareStore()
    const serve = await startServe(store, [], local)
    const response = await fetch(`${serve.url}/jira-prod/rest/api/2/myself`, {
      headers: { authorization: basic(store.apiKey) },
    })
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    const metrics = await (await fetch(`${serve.adminUrl}/metrics`)).text()
    const version = cli(['--version'], { binary: local }).stdout.trim()
    const commit = /\((.+)\)$/.exec(version)?.[1]
    expect(metrics).toContain(
      `japroxy_build_info{version="${version.split(' ')[1]}",commit="${commit}"} 1`,
    )
    expect(metrics).toContain('japroxy_requests_total{route="prod",code="2xx",auth="ok"} 1')
    serve.child.kill('SIGTERM')
    expect(await serve.child.exited).toBe(0)
  }, 20_000)
})

describe.skipIf(!canRunX64)('the linux-x64 binary', () => {
  test('--version prints the version and the commit', () => {
    const result = cli(['--version'], { binary: x64 })
    expect(result.stdout).toMatch(versionLine)
  })
})
