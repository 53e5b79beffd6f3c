/**
 * A Prometheus histogram with fixed buckets, kept in one typed array so that observing a value
 * allocates nothing: the per-request cost is a short loop and three additions.
 */

/** Upper bounds, in seconds, of the latency buckets (Jira searches can take a minute). */
export const latencyBucketsSeconds: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]

/** Counts of observations per bucket (not cumulative; the renderer sums them), plus sum. */
export class Histogram {
  /** One slot per bound plus the last one for `+Inf`. */
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor(readonly bounds: readonly number[] = latencyBucketsSeconds) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  /** Adds one observation. */
  observe(value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }

  /** Cumulative counts per bound and `+Inf`, as Prometheus wants them. */
  cumulative(): number[] {
    const result: number[] = []
    let total = 0
    for (const n of this.counts) {
      total += n
      result.push(total)
    }
    return result
  }
}
