/**
 * The stdout sink against a real pipe: a reader that stops reading costs a bounded backlog, the
 * lines beyond it are dropped and counted in a warning once the reader is back, and every line
 * that does arrive is whole.
 */
import { expect, test } from 'bun:test'
import { join } from 'node:path'

const writerScript = `
import { stdoutSink } from ${JSON.stringify(join(import.meta.dir, '..', '..', 'src', 'log', 'logger.ts'))}
const sink = stdoutSink(200_000)
const total = Number(process.env.LINES)
for (let i = 0; i < total; i++) {
  sink.write(JSON.stringify({ msg: 'request', i, pad: 'x'.repeat(200) }) + '\\n')
  if (i % 500 === 0) await Bun.sleep(5)
}
// Stay until the reader is back and has taken what was held (and the warning).
await Bun.sleep(2500)
sink.flush()
await Bun.sleep(500)
`

test('a stalled reader costs a bounded backlog; dropped lines are counted, the rest arrive whole', async () => {
  const total = 40_000
  // The reader (a shell pipeline) does not read for a while: the pipe fills and the sink's
  // backlog reaches its bound. Bun itself would read a child's pipe as it comes.
  const writer = [process.execPath, '-e', writerScript]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ')
  const child = Bun.spawn(['sh', '-c', `${writer} | (sleep 1.5; cat)`], {
    env: { ...process.env, LINES: String(total) },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const text = await new Response(child.stdout).text()
  expect(await child.exited).toBe(0)
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const requests = lines.filter((l) => l.msg === 'request')
  const warnings = lines.filter((l) => l.msg === 'log lines dropped: stdout was not read')
  const dropped = warnings.reduce((n, w) => n + w.dropped, 0)
  expect(dropped).toBeGreaterThan(0)
  expect(requests.length + dropped).toBe(total)
  expect(warnings.every((w) => w.level === 'warn')).toBe(true)
}, 30_000)
