/**
 * Per-route request counts in fixed time buckets, fed from the tailed request records, for the
 * Overview sparklines. Only the newest buckets are kept, so memory is bounded.
 */
import type { RequestRecord } from '../store/request-records.ts'

/** How long one sparkline bucket covers. */
export const statsBucketMs = 30_000

/** How many buckets a sparkline shows (20 × 30 s = the last 10 minutes). */
export const statsBucketCount = 20

/** The route name used for requests that matched no route. */
export const noRouteName = '(no route)'

interface Bucket {
  count: number
  serverErrors: number
  denied: number
}

/** A route's traffic over the window: per-bucket counts (oldest first) and totals. */
export interface RouteSeries {
  counts: number[]
  total: number
  serverErrors: number
  denied: number
}

/** Counts requests per route and bucket. */
export class RequestStats {
  #routes = new Map<string, Map<number, Bucket>>()

  /** Counts one record. */
  add(record: RequestRecord): void {
    const bucket = this.#bucket(record.route ?? noRouteName, Math.floor(record.ts / statsBucketMs))
    bucket.count++
    if (record.status >= 500) bucket.serverErrors++
    if (record.auth === 'denied') bucket.denied++
  }

  /** Adds counts read from the store in bulk (the window before the TUI started). */
  addCounts(route: string | undefined, slot: number, counts: Bucket): void {
    const bucket = this.#bucket(route ?? noRouteName, slot)
    bucket.count += counts.count
    bucket.serverErrors += counts.serverErrors
    bucket.denied += counts.denied
  }

  #bucket(route: string, slot: number): Bucket {
    let buckets = this.#routes.get(route)
    if (!buckets) {
      buckets = new Map()
      this.#routes.set(route, buckets)
    }
    let bucket = buckets.get(slot)
    if (!bucket) {
      bucket = { count: 0, serverErrors: 0, denied: 0 }
      buckets.set(slot, bucket)
      for (const old of buckets.keys()) if (old <= slot - statsBucketCount) buckets.delete(old)
    }
    return bucket
  }

  /** The route's buckets ending at the one holding `now`. */
  series(route: string, now: number): RouteSeries {
    const last = Math.floor(now / statsBucketMs)
    const buckets = this.#routes.get(route)
    const series: RouteSeries = { counts: [], total: 0, serverErrors: 0, denied: 0 }
    for (let slot = last - statsBucketCount + 1; slot <= last; slot++) {
      const bucket = buckets?.get(slot)
      series.counts.push(bucket?.count ?? 0)
      series.total += bucket?.count ?? 0
      series.serverErrors += bucket?.serverErrors ?? 0
      series.denied += bucket?.denied ?? 0
    }
    return series
  }
}
