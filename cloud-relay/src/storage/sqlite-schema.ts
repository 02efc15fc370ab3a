// The relay's SQLite schema, as versioned migrations (applied in order by migrateSqlite, each in
// its own transaction, recorded in relay_schema_migrations). Add migrations, never edit one.
// Times are epoch milliseconds (INTEGER) from the relay's clock.

export interface RelayMigration { version: number, name: string, sql: string }

export const SQLITE_MIGRATIONS: readonly RelayMigration[] = [{
  version: 1,
  name: 'stores and events',
  sql: `
CREATE TABLE relay_stores (
  store_id TEXT PRIMARY KEY,
  name TEXT,
  registered_at INTEGER NOT NULL,
  token_hash TEXT NOT NULL,          -- salt:sha256(salt + token), hex
  prev_token_hash TEXT,              -- the token before the last rotation ...
  prev_valid_until INTEGER,          -- ... valid until then (grace, default 24 h)
  revoked_at INTEGER,
  stored_count INTEGER NOT NULL DEFAULT 0,
  forwarded_count INTEGER NOT NULL DEFAULT 0,
  highest_seq INTEGER NOT NULL DEFAULT 0, -- what the store may delete up to
  lease_owner TEXT,                  -- worker id holding the store for forwarding
  lease_token TEXT,                  -- random per claim; complete/fail must present it
  lease_until INTEGER,               -- after this another worker may take the store
  last_claimed_at INTEGER,           -- least recently claimed goes first
  retry_at INTEGER,                  -- after a failed forward, not claimed before this
  last_error TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE relay_events (
  store_id TEXT NOT NULL REFERENCES relay_stores (store_id),
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  lane TEXT NOT NULL,
  sku TEXT,
  payload TEXT NOT NULL,             -- JSON
  occurred_at TEXT NOT NULL,         -- the store's ISO 8601
  created_at TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  forwarded_at INTEGER,
  PRIMARY KEY (store_id, seq),
  UNIQUE (store_id, event_id)
) WITHOUT ROWID;
CREATE INDEX relay_events_unforwarded ON relay_events (store_id, seq) WHERE forwarded_at IS NULL;
`
}, {
  version: 2,
  name: 'heartbeats',
  sql: `
ALTER TABLE relay_stores ADD COLUMN last_heartbeat_at INTEGER; -- relay clock, epoch ms
ALTER TABLE relay_stores ADD COLUMN last_heartbeat TEXT; -- JSON: what the store said (versions, queue, devices, disk)
`
}, {
  version: 3,
  name: 'dead letters',
  sql: `
ALTER TABLE relay_events ADD COLUMN dead_at INTEGER; -- the ERP refused it as it is: parked, skipped, replayable
ALTER TABLE relay_events ADD COLUMN dead_reason TEXT;
ALTER TABLE relay_stores ADD COLUMN dead_count INTEGER NOT NULL DEFAULT 0;
`
}]
