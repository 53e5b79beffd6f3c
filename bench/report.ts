/**
 * Turns what `bench/run.sh` measured (its working directory) into bench/RESULTS.md: the machine,
 * the headline ratios against nginx and HAProxy, the harness's own tables, and the large-body,
 * growth, reload and startup figures. Ratios pair japroxy with each reference round by round
 * (the harness interleaves them), then take the median, so slow drift on a noisy machine hits
 * both sides of each ratio alike. Run with `npx bun bench/report.ts WORKDIR`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const work = process.argv[2] ?? '.'
const read = (name: string): string | undefined => {
  const path = join(work, name)
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

function readEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of (read(name) ?? '').split('\n')) {
    const at = line.indexOf('=')
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1)
  }
  return env
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN
}

const fixed = (value: number, digits = 2): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-'

/** One harness result row (results.tsv, see summarize() in bench.sh). */
interface HarnessRow {
  name: string
  round: number
  rps: number
  p50: number
  p99: number
  proxyCpu: number
  errors: number
}

function harnessRows(name: string): HarnessRow[] {
  const text = read(name) ?? ''
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const f = line.split('\t')
      return {
        name: f[1]!,
        round: Number(f[2]),
        rps: Number(f[3]),
        p50: Number(f[4]),
        p99: Number(f[5]),
        proxyCpu: Number(f[13]),
        errors: Number(f[8]) + Number(f[9]),
      }
    })
}

/** Median over rounds of japroxy's figure divided by the reference's, paired per round. */
function pairedRatio(
  rows: HarnessRow[],
  reference: string,
  figure: (row: HarnessRow, direct: HarnessRow | undefined) => number,
): number {
  const rounds = [...new Set(rows.map((r) => r.round))]
  return median(
    rounds.map((round) => {
      const inRound = rows.filter((r) => r.round === round)
      const direct = inRound.find((r) => r.name === 'direct')
      const ours = inRound.find((r) => r.name === 'japroxy')
      const theirs = inRound.find((r) => r.name === reference)
      return ours && theirs ? figure(ours, direct) / figure(theirs, direct) : Number.NaN
    }),
  )
}

function medianOf(rows: HarnessRow[], name: string, figure: (row: HarnessRow) => number): number {
  return median(rows.filter((r) => r.name === name).map(figure))
}

/** Numbers per line of a file written by run.sh (space-separated). */
function columns(name: string): number[][] {
  return (read(name) ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/).map(Number))
}

const machine = readEnv('machine.env')
const out: string[] = []
const say = (line = '') => out.push(line)

say('# japroxy benchmark results')
say()
say(
  `Written by \`npm run bench\` (bench/run.sh) on ${machine.date}: ${machine.nproc} vCPUs ` +
    `(${machine.cpu}), ${machine.kernel}, Bun ${machine.bun}, japroxy at ${machine.commit}; ` +
    `${machine.repeat} interleaved rounds of ${machine.duration} s. The machine is shared and ` +
    'noisy: compare the ratios (japroxy against a reference in the same round), not the raw ' +
    'figures between runs. How to read each table: ../shared/bench/README.md; where the time ' +
    'goes and what each change bought: bench/NOTES.md.',
)

const throughput = harnessRows('h-throughput/results.tsv')
const latency = harnessRows('h-latency/results.tsv')
if (throughput.length) {
  const main = readEnv('main.env')
  const rssMb = Number(main.rss_peak_kib) / 1024
  const addedP50 = (row: HarnessRow, direct: HarnessRow | undefined) =>
    row.p50 - (direct?.p50 ?? Number.NaN)
  const refs = ['nginx', 'haproxy'].filter((ref) => throughput.some((r) => r.name === ref))
  say()
  say('## Headline: one japroxy process against the references (issue 6 targets)')
  say()
  say(`| figure | japroxy | ${refs.map((r) => `japroxy / ${r}`).join(' | ')} | target |`)
  say(`|---|---:|${refs.map(() => '---:|').join('')}---|`)
  const line = (label: string, own: string, ratios: number[], target: string) =>
    say(`| ${label} | ${own} | ${ratios.map((r) => fixed(r)).join(' | ')} | ${target} |`)
  line(
    'req/s at 50 connections',
    fixed(
      medianOf(throughput, 'japroxy', (r) => r.rps),
      0,
    ),
    refs.map((ref) => pairedRatio(throughput, ref, (r) => r.rps)),
    '≥ 0.6 × nginx',
  )
  line(
    'proxy CPU per request (µs)',
    fixed(
      medianOf(throughput, 'japroxy', (r) => r.proxyCpu),
      1,
    ),
    refs.map((ref) => pairedRatio(throughput, ref, (r) => r.proxyCpu)),
    '≤ 2.0 × nginx',
  )
  line(
    'p99 at 50 connections (µs)',
    fixed(
      medianOf(throughput, 'japroxy', (r) => r.p99),
      0,
    ),
    refs.map((ref) => pairedRatio(throughput, ref, (r) => r.p99)),
    '≤ 1.0 × nginx',
  )
  if (latency.length) {
    line(
      'added p50 at 1 connection, all on CPU 0 (µs)',
      fixed(median(latencyAdded(latency)), 0),
      refs.map((ref) => pairedRatio(latency, ref, addedP50)),
      '≤ 2.5 × nginx',
    )
  }
  say(`| peak RSS under load (MB) | ${fixed(rssMb, 1)} |${refs.map(() => ' |').join('')} ≤ 80 MB |`)
  const errors = throughput.concat(latency).filter((r) => r.name === 'japroxy' && r.errors > 0)
  say()
  say(
    errors.length
      ? '**japroxy had errors in some runs: those figures are not comparable.**'
      : 'japroxy passed every harness check and had no errors in any timed run.',
  )
  say()
  say('## Harness output, throughput (unpinned)')
  say()
  say(stripTitle(read('throughput.md') ?? ''))
  if (latency.length) {
    say()
    say('## Harness output, low load (everything pinned to CPU 0, japroxy too)')
    say()
    say(stripTitle(read('latency.md') ?? ''))
  }
}

function latencyAdded(rows: HarnessRow[]): number[] {
  return [...new Set(rows.map((r) => r.round))].map((round) => {
    const direct = rows.find((r) => r.round === round && r.name === 'direct')
    const ours = rows.find((r) => r.round === round && r.name === 'japroxy')
    return ours && direct ? ours.p50 - direct.p50 : Number.NaN
  })
}

/** The harness's markdown without its own first heading (this file has its own). */
function stripTitle(markdown: string): string {
  return markdown
    .replace(/^## japroxy bench.*\n/, '')
    .replace(/^### /gm, '#### ')
    .trim()
}

// Large bodies: "bytes_down bytes_up seconds" per transfer.
const mbPerSecond = (name: string, index: 0 | 1) =>
  median(columns(name).map((c) => c[index]! / c[2]! / 1024 ** 2))
if (read('large-down-via.txt')) {
  const large = readEnv('large.env')
  const mb = (kib: string | undefined) => fixed(Number(kib) / 1024, 1)
  const down = [mbPerSecond('large-down-direct.txt', 0), mbPerSecond('large-down-via.txt', 0)]
  const up = [mbPerSecond('large-up-direct.txt', 1), mbPerSecond('large-up-via.txt', 1)]
  say()
  say('## Large bodies (50 MB, curl, median of 5 each way; target ≥ 0.8 × direct)')
  say()
  say('| transfer | direct (MB/s) | through japroxy (MB/s) | japroxy / direct |')
  say('|---|---:|---:|---:|')
  say(
    `| download | ${fixed(down[0]!, 0)} | ${fixed(down[1]!, 0)} | ${fixed(down[1]! / down[0]!)} |`,
  )
  say(`| upload | ${fixed(up[0]!, 0)} | ${fixed(up[1]!, 0)} | ${fixed(up[1]! / up[0]!)} |`)
  say()
  say(
    `japroxy RSS: ${mb(large.rss_idle_kib)} MB idle, peak ${mb(large.rss_after_50m_kib)} MB ` +
      `after the 50 MB transfers, peak ${mb(large.rss_after_200m_kib)} MB after one 200 MB ` +
      'download and upload (flat in body size: bodies stream).',
  )
}

// Growth: "req_per_s p99_us cpu_us_per_req errors" per round, rounds interleaved across stores.
if (read('growth-small.txt')) {
  const rounds = (store: string) => columns(`growth-${store}.txt`)
  const figure = (store: string, index: number) => median(rounds(store).map((c) => c[index]!))
  // Each round's figure over the small store's in the same round, then the median.
  const paired = (store: string, index: number) => {
    const small = rounds('small')
    return median(
      rounds(store).map((c, round) => c[index]! / (small[round]?.[index] ?? Number.NaN)),
    )
  }
  const rss = (store: string) => fixed(Number(readEnv(`growth-${store}.env`).rss_kib) / 1024, 1)
  say()
  say('## Growth (wrk -t2 -c50, interleaved rounds; target: req/s within 5%)')
  say()
  say(
    'Medians over the rounds; the two ratio columns pair each round with the 10-entry store in ' +
      'the same round.',
  )
  say()
  say('| store | req/s | CPU/request (µs) | p99 (µs) | peak RSS (MB) | req/s vs 10 | CPU vs 10 |')
  say('|---|---:|---:|---:|---:|---:|---:|')
  const labels: Record<string, string> = {
    small: '10 keys, 10 allow-list entries',
    keys100k: '100,000 keys, 10 allow-list entries',
    allow100k: '10 keys, 100,000 allow-list entries (IPv4 + IPv6)',
  }
  for (const store of ['small', 'keys100k', 'allow100k']) {
    say(
      `| ${labels[store]} | ${fixed(figure(store, 0), 0)} | ${fixed(figure(store, 2), 1)} | ` +
        `${fixed(figure(store, 1), 0)} | ${rss(store)} | ` +
        `${fixed(paired(store, 0))} | ${fixed(paired(store, 2))} |`,
    )
  }
}

if (read('reload-quiet.txt')) {
  const quiet = columns('reload-quiet.txt')
  const busy = columns('reload-busy.txt')
  const p99 = (rows: number[][]) => median(rows.map((c) => c[1]!))
  const errors = (rows: number[][]) => rows.reduce((n, c) => n + c[3]!, 0)
  const reloads = columns('reload-count.txt').map((c) => c[0]!)
  say()
  say('## Reload under load (100,000 keys; target: p99 during reloads ≤ 2 × without)')
  say()
  say(
    `A \`japroxy key create\` every second during each measured run (${reloads.join(', ')} ` +
      'reloads per run), against runs with no change; 3 rounds each.',
  )
  say()
  say('| run | req/s | p99 (µs) | errors |')
  say('|---|---:|---:|---:|')
  say(
    `| no change | ${fixed(median(quiet.map((c) => c[0]!)), 0)} | ${fixed(p99(quiet), 0)} | ${errors(quiet)} |`,
  )
  say(
    `| a change every second | ${fixed(median(busy.map((c) => c[0]!)), 0)} | ${fixed(p99(busy), 0)} | ${errors(busy)} |`,
  )
  say()
  say(`p99 during reloads / without: ${fixed(p99(busy) / p99(quiet))}.`)
}

const startups = ['small', 'keys100k'].filter((store) => read(`startup-${store}.txt`))
if (startups.length) {
  say()
  say('## Start to listening (spawn until the port accepts; target ≤ 100 ms with 100,000 keys)')
  say()
  say('| store | median (ms) | min–max (ms) |')
  say('|---|---:|---:|')
  for (const store of startups) {
    const text = read(`startup-${store}.txt`) ?? ''
    const match = (name: string) => new RegExp(`${name}=([\\d.]+)`).exec(text)?.[1] ?? '-'
    const label = store === 'small' ? '10 keys' : '100,000 keys'
    say(`| ${label} | ${match('median')} | ${match('min')}–${match('max')} |`)
  }
}

// Workers: "req_per_s p99_us cpu_us_per_req errors" per round, one process then two.
if (read('workers-1.txt') && read('workers-2.txt')) {
  const one = columns('workers-1.txt')
  const two = columns('workers-2.txt')
  const figure = (rows: number[][], index: number) => median(rows.map((c) => c[index]!))
  const paired = (index: number) =>
    median(two.map((c, round) => c[index]! / (one[round]?.[index] ?? Number.NaN)))
  const rss = (name: string) => fixed(Number(readEnv(name).rss_kib) / 1024, 1)
  say()
  say('## serve --workers (wrk -t2 -c50, interleaved rounds; target: 2 not slower than 1)')
  say()
  say(
    'The same 10-key store served by one process and by `--workers 2`; CPU counts every ' +
      'process. Ratios pair each round of two with the round of one just before it.',
  )
  say()
  say('| processes | req/s | CPU/request (µs) | p99 (µs) | errors | peak RSS, all (MB) |')
  say('|---|---:|---:|---:|---:|---:|')
  for (const [label, rows, env] of [
    ['1', one, 'workers-1.env'],
    ['2 (--workers 2)', two, 'workers-2.env'],
  ] as const) {
    const errors = rows.reduce((n, c) => n + c[3]!, 0)
    say(
      `| ${label} | ${fixed(figure(rows, 0), 0)} | ${fixed(figure(rows, 2), 1)} | ` +
        `${fixed(figure(rows, 1), 0)} | ${errors} | ${rss(env)} |`,
    )
  }
  say()
  say(
    `--workers 2 / one process: req/s ${fixed(paired(0))}, CPU per request ${fixed(paired(2))}, ` +
      `p99 ${fixed(paired(1))}.`,
  )
}

console.log(out.join('\n'))
