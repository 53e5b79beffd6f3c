/**
 * Abuse limits: failed-key lockout per client IP and per-key token buckets. Both answer 429
 * with `Retry-After` and the rate-limit headers Jira Data Center sends itself, so clients that
 * back off on Jira's limits back off on japroxy's too.
 */
import { ProxyError } from './errors.ts'

const maxTracked = 100_000

/** What a 429 carries. */
export interface RateLimitInfo {
  limit: number
  fillRate: number
  intervalSeconds: number
  retryAfterSeconds: number
}

/** A 429 with the rate-limit headers attached. */
export class TooManyRequests extends ProxyError {
  readonly info: RateLimitInfo
  constructor(message: string, reason: 'locked_out' | 'rate_limited', info: RateLimitInfo) {
    super(429, message, reason)
    this.info = info
  }
}

/** The headers of a 429 (Jira DC's names). */
export function rateLimitHeaders(info: RateLimitInfo): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(info.retryAfterSeconds))),
    'x-ratelimit-limit': String(info.limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-fillrate': String(info.fillRate),
    'x-ratelimit-interval-seconds': String(info.intervalSeconds),
  }
}

/** Lockout settings. */
export interface LockoutSettings {
  threshold: number
  windowMs: number
  durationMs: number
}

interface Failures {
  count: number
  windowStart: number
  lockedUntil: number
}

/** Counts failed keys per client IP and locks an IP out after too many. */
export class Lockout {
  private readonly byIp = new Map<string, Failures>()
  /** Lockouts started since the process began. */
  lockouts = 0

  constructor(private settings: LockoutSettings) {}

  /** Applies new settings (kept counts stay; turning the lockout off, 0, lifts every lockout). */
  configure(settings: LockoutSettings): void {
    this.settings = settings
    if (settings.threshold === 0) this.byIp.clear()
  }

  /** Throws 429 when `clientIp` is locked out. */
  check(clientIp: string, now: number): void {
    const entry = this.byIp.get(clientIp)
    if (!entry || entry.lockedUntil <= now) return
    const { threshold, windowMs, durationMs } = this.settings
    throw new TooManyRequests('Too many failed API key attempts; try again later.', 'locked_out', {
      limit: threshold,
      fillRate: threshold,
      intervalSeconds: Math.round(windowMs / 1000),
      retryAfterSeconds: (entry.lockedUntil - now) / 1000 || durationMs / 1000,
    })
  }

  /** Counts one failed key from `clientIp`; locks it out at the threshold. */
  fail(clientIp: string, now: number): void {
    const { threshold, windowMs, durationMs } = this.settings
    if (threshold === 0) return
    let entry = this.byIp.get(clientIp)
    if (!entry || now - entry.windowStart > windowMs) {
      if (!entry && this.byIp.size >= maxTracked) this.evict(now)
      entry = { count: 0, windowStart: now, lockedUntil: 0 }
      this.byIp.set(clientIp, entry)
    }
    entry.count++
    if (entry.count >= threshold && entry.lockedUntil <= now) {
      entry.lockedUntil = now + durationMs
      this.lockouts++
    }
  }

  private evict(now: number): void {
    for (const [ip, entry] of this.byIp) {
      if (entry.lockedUntil <= now && now - entry.windowStart > this.settings.windowMs)
        this.byIp.delete(ip)
    }
    // Still full: drop the oldest (Map keeps insertion order).
    const excess = this.byIp.size - maxTracked + 1
    if (excess > 0) {
      let dropped = 0
      for (const ip of this.byIp.keys()) {
        if (dropped++ >= excess) break
        this.byIp.delete(ip)
      }
    }
  }
}

interface Bucket {
  tokens: number
  updatedAt: number
}

/** Token buckets per keyId: `perMinute` refill, `burst` capacity. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  /** Takes one token for `keyId` or throws 429. */
  take(keyId: string, perMinute: number, burst: number, now: number): void {
    let bucket = this.buckets.get(keyId)
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now }
      this.buckets.set(keyId, bucket)
    }
    const perMs = perMinute / 60_000
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) * perMs)
    bucket.updatedAt = now
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return
    }
    throw new TooManyRequests('Rate limit for this API key reached; slow down.', 'rate_limited', {
      limit: burst,
      fillRate: perMinute,
      intervalSeconds: 60,
      retryAfterSeconds: (1 - bucket.tokens) / perMs / 1000,
    })
  }
}
