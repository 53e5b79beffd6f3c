/**
 * Summarises a `.cpuprofile` written by `bun --cpu-prof`: the functions with the most self time
 * and the most total (self + callees) time, as shares of the sampled time. Run with
 * `npx bun bench/profile-summary.ts FILE [--top N]`.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** A function's label: name and where it lives (file name and line). */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url ? url.slice(url.lastIndexOf('/') + 1) : ''
  return `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`
}

/** Microseconds of self time per node id. */
function selfTimes(profile: Profile): Map<number, number> {
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  return self
}

/** Total time per label: a node's self time counted once for every distinct label above it. */
function totalTimes(profile: Profile, self: Map<number, number>): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const totals = new Map<string, number>()
  const walk = (id: number, stack: Set<string>): number => {
    const node = byId.get(id)!
    let sum = self.get(id) ?? 0
    const name = label(node)
    const isOuter = !stack.has(name)
    if (isOuter) stack.add(name)
    for (const child of node.children ?? []) sum += walk(child, stack)
    if (isOuter) {
      stack.delete(name)
      totals.set(name, (totals.get(name) ?? 0) + sum)
    }
    return sum
  }
  walk(profile.nodes[0]!.id, new Set())
  return totals
}

function printTop(title: string, entries: Map<string, number>, whole: number, top: number): void {
  console.log(`\n${title}`)
  const sorted = [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [name, us] of sorted) {
    console.log(`${((100 * us) / whole).toFixed(1).padStart(6)}%  ${name}`)
  }
}

const file = process.argv[2]
if (!file) {
  console.error('usage: bun bench/profile-summary.ts FILE.cpuprofile [--top N]')
  process.exit(1)
}
const topIndex = process.argv.indexOf('--top')
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 30
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const self = selfTimes(profile)
const byLabel = new Map<string, number>()
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0
  byLabel.set(label(node), (byLabel.get(label(node)) ?? 0) + us)
}
const whole = [...self.values()].reduce((a, b) => a + b, 0)
const idle = [...byLabel].filter(([name]) => /^\(idle\)|^\(program\)/.test(name))
console.log(
  `sampled ${(whole / 1e6).toFixed(2)} s; ${idle.map(([n, t]) => `${n} ${((100 * t) / whole).toFixed(1)}%`).join(', ')}`,
)
printTop('self time', byLabel, whole, top)
printTop('total time (self + callees)', totalTimes(profile, self), whole, top)
