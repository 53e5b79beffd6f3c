/** Hardening (#4): per-key rate limits, the service-credential breaker, upstream pins. */
export const hardening = `
ALTER TABLE api_keys ADD COLUMN rate_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN rate_burst INTEGER;
ALTER TABLE routes ADD COLUMN upstream_pin TEXT;
ALTER TABLE routes ADD COLUMN is_plain_http_allowed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE route_breakers (
  route_id INTEGER PRIMARY KEY REFERENCES routes(id) ON DELETE CASCADE,
  tripped_at INTEGER NOT NULL,
  reason TEXT NOT NULL
);
`
