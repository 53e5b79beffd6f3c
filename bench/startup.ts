/**
 * Start to listening: spawns `japroxy serve` and connects to its port every millisecond until
 * it accepts; prints the median and range over several starts. Each start is stopped with
 * SIGTERM and waited for. Run with
 * `npx bun bench/startup.ts BINARY DB PORT [RUNS]`.
 */
import { connect } from 'node:net'

const [binary, db, portText, runsText] = process.argv.slice(2)
if (!binary || !db || !portText) {
  console.error('usage: bun bench/startup.ts BINARY DB PORT [RUNS]')
  process.exit(1)
}
const port = Number(portText)
const runs = Number(runsText ?? 5)
const giveUpMs = 10_000

/** Whether something accepts a TCP connection on the port now. */
function accepts(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Milliseconds from spawn until the port accepts. */
async function timeOneStart(): Promise<number> {
  const started = performance.now()
  const child = Bun.spawn(
    [binary!, 'serve', '--db', db!, '--listen', `127.0.0.1:${port}`, '--admin-listen', 'off'],
    { stdout: 'ignore', stderr: 'ignore' },
  )
  try {
    while (performance.now() - started < giveUpMs) {
      if (await accepts()) return performance.now() - started
      if (child.exitCode !== null) throw new Error(`japroxy exited with ${child.exitCode}`)
      await Bun.sleep(1)
    }
    throw new Error(`japroxy did not listen within ${giveUpMs} ms`)
  } finally {
    child.kill('SIGTERM')
    await child.exited
  }
}

const times: number[] = []
for (let i = 0; i < runs; i++) times.push(await timeOneStart())
times.sort((a, b) => a - b)
const median = times[Math.floor(times.length / 2)]!
console.log(
  `startup_ms median=${median.toFixed(1)} min=${times[0]!.toFixed(1)} max=${times.at(-1)!.toFixed(1)} runs=${runs}`,
)
