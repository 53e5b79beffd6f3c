/**
 * The stdout sink against a real pipe: a reader that stops reading costs a bounded backlog, the
 * lines beyond it are dropped and counted in a warning once the reader is back, every line that
 * does arrive is whole, and `drain` before exit waits for a slow reader to take what is held.
 */
import { expect, test } from 'bun:test'
import { join } from 'node:path'

const logger = JSON.stringify(join(import.meta.dir, '..', '..', 'src', 'log', 'logger.ts'))

/** A script that writes LINES request lines through the sink, then `ending`. */
function writerScript(maxBacklog: number, ending: string): string {
  return `
import { stdoutSink } from ${logger}
const sink = stdoutSink(${maxBacklog})
const total = Number(process.env.LINES)
for (let i = 0; i < total; i++) {
  sink.write(JSON.stringify({ msg: 'request', i, pad: 'x'.repeat(200) }) + '\\n')
  if (i % 500 === 0) await Bun.sleep(5)
}
${ending}
`
}

/** Runs `script` with its stdout read by a shell pipeline that waits 1.5 s before reading. */
async function runBehindSlowReader(script: string, lines: number) {
  // Bun itself would read a child's pipe as it comes; the shell's does not read meanwhile.
  const writer = [process.execPath, '-e', script]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ')
  const child = Bun.spawn(['sh', '-c', `${writer} | (sleep 1.5; cat)`], {
    env: { ...process.env, LINES: String(lines) },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const text = await new Response(child.stdout).text()
  expect(await child.exited).toBe(0)
  const parsed = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const requests = parsed.filter((l) => l.msg === 'request')
  const warnings = parsed.filter((l) => l.msg === 'log lines dropped: stdout was not read')
  return { requests, warnings, dropped: warnings.reduce((n, w) => n + w.dropped, 0) }
}

test('a stalled reader costs a bounded backlog; dropped lines are counted, the rest arrive whole', async () => {
  const total = 40_000
  // Stay until the reader is back and has taken what was held (and the warning).
  const ending = 'await Bun.sleep(2500)\nsink.flush()\nawait Bun.sleep(500)'
  const { requests, warnings, dropped } = await runBehindSlowReader(
    writerScript(200_000, ending),
    total,
  )
  expect(dropped).toBeGreaterThan(0)
  expect(requests.length + dropped).toBe(total)
  expect(warnings.every((w) => w.level === 'warn')).toBe(true)
}, 30_000)

test('drain before exit waits for a slow reader, so the last lines are not lost', async () => {
  const total = 5000
  // Exit as serve does: drain (bounded), then process.exit at once.
  const ending = 'await sink.drain(5000)\nprocess.exit(0)'
  const { requests, dropped } = await runBehindSlowReader(writerScript(1e9, ending), total)
  expect(dropped).toBe(0)
  expect(requests.map((r) => r.i)).toEqual(Array.from({ length: total }, (_, i) => i))
}, 30_000)
