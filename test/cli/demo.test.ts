/** `japroxy demo`: what a newcomer runs first must show the proxy working (#2). */
import { expect, test } from 'bun:test'
import { cli } from '../support/cli.ts'
import { unusedPort } from '../support/stack.ts'

test('demo --check proves a good key passes and a bad key is refused, then cleans up', () => {
  const result = cli(['demo', '--check', '--listen', '127.0.0.1:0'])
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(result.stdout).toContain('ok   good key → 200, Jira answered as jira-svc')
  expect(result.stdout).toContain('ok   bad key  → 401, refused by japroxy')
  expect(result.stdout).toMatch(
    /ok {3}links in Jira's answer point at japroxy: http:\/\/127\.0\.0\.1:\d+\/jira\/rest\/api\/2\/user/,
  )
  expect(result.stdout).toMatch(/GET \/jira\/rest\/api\/2\/myself → 401 \(key_unknown\)/)
  expect(result.stdout.trimEnd().endsWith('demo check passed')).toBe(true)
})

test('demo falls back to a free port when its port is taken', async () => {
  const port = unusedPort()
  // The port is held by another process: this one blocks while the demo runs.
  const holder = Bun.spawn(
    [
      process.execPath,
      '-e',
      `Bun.serve({ hostname: '127.0.0.1', port: ${port}, fetch: () => new Response('busy') }); console.log('up'); await Bun.sleep(30000)`,
    ],
    { stdout: 'pipe' },
  )
  try {
    await holder.stdout.getReader().read()
    const result = cli(['demo', '--check', '--listen', `127.0.0.1:${port}`])
    expect(result.stderr).toBe(`port ${port} is taken; using a free one instead\n`)
    expect(result.code).toBe(0)
  } finally {
    holder.kill()
    await holder.exited
  }
})

test('demo --jira-only runs the stand-in alone and prints its throwaway service account', async () => {
  const standIn = Bun.spawn(
    [process.execPath, 'src/main.ts', 'demo', '--jira-only', '--listen', '127.0.0.1:0'],
    {
      cwd: `${import.meta.dir}/../..`,
      stdout: 'pipe',
    },
  )
  try {
    const reader = standIn.stdout.getReader()
    let text = ''
    while (!text.includes('credential set demo'))
      text += new TextDecoder().decode((await reader.read()).value)
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!
    const password = /password {2}(demo-\S+)/.exec(text)![1]!
    const auth = `Basic ${btoa(`jira-svc:${password}`)}`
    const response = await fetch(`${url}/rest/api/2/myself`, { headers: { authorization: auth } })
    expect(response.status).toBe(200)
  } finally {
    standIn.kill('SIGINT')
    await standIn.exited
  }
})

test('the stand-in alone on a taken port says so in one line and exits 1', async () => {
  const port = unusedPort()
  const holder = Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })
  try {
    const result = cli(['demo', '--jira-only', '--listen', `127.0.0.1:${port}`])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: cannot listen on 127.0.0.1:${port}: the port is in use\n` +
        '  → stop the other process or choose another --listen\n',
    )
  } finally {
    holder.stop(true)
  }
})
