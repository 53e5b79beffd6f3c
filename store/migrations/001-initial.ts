/** The first schema: every kind of record DESIGN.md names. */
export const initial = `
CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE routes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  base_path TEXT NOT NULL UNIQUE,
  upstream_url TEXT NOT NULL,
  public_url TEXT,
  upstream_ca_file TEXT,
  header_timeout_ms INTEGER NOT NULL,
  anonymous_paths TEXT NOT NULL,
  endpoint_policy TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE credentials (
  route_id INTEGER PRIMARY KEY REFERENCES routes(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('basic', 'bearer')),
  sealed BLOB NOT NULL,
  set_at INTEGER NOT NULL,
  set_by TEXT NOT NULL
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
);

CREATE TABLE api_key_routes (
  api_key_id INTEGER NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  route_id INTEGER NOT NULL REFERENCES routes(id) ON DELETE CASCADE,
  PRIMARY KEY (api_key_id, route_id)
);

CREATE TABLE allow_list (
  id INTEGER PRIMARY KEY,
  cidr TEXT NOT NULL,
  route_id INTEGER REFERENCES routes(id) ON DELETE CASCADE,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX allow_list_unique ON allow_list (cidr, ifnull(route_id, 0));

CREATE TABLE trusted_proxies (
  id INTEGER PRIMARY KEY,
  cidr TEXT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE request_records (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  route TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  upstream_status INTEGER,
  duration_ms REAL NOT NULL,
  client_ip TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  key_id TEXT,
  auth TEXT NOT NULL,
  reason TEXT,
  bytes_in INTEGER NOT NULL DEFAULT 0,
  bytes_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_records_ts ON request_records (ts);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
`
