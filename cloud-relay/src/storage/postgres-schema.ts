// The relay's PostgreSQL schema, as versioned migrations (applied by migratePostgres in one
// transaction under an advisory lock, so relay processes starting together do not race).
// Times are epoch milliseconds (BIGINT) from the relay's clock. Add migrations, never edit one.

import type { RelayMigration } from './sqlite-schema.js'

export const POSTGRES_MIGRATIONS: readonly RelayMigration[] = [{
  version: 1,
  name: 'stores and events',
  sql: `
CREATE TABLE relay_stores (
  store_id TEXT PRIMARY KEY,
  name TEXT,
  registered_at BIGINT NOT NULL,
  token_hash TEXT NOT NULL,          -- salt:sha256(salt + token), hex
  prev_token_hash TEXT,              -- the token before the last rotation ...
  prev_valid_until BIGINT,           -- ... valid until then (grace, default 24 h)
  revoked_at BIGINT,
  stored_count BIGINT NOT NULL DEFAULT 0,
  forwarded_count BIGINT NOT NULL DEFAULT 0,
  highest_seq BIGINT NOT NULL DEFAULT 0, -- what the store may delete up to
  lease_owner TEXT,                  -- worker id holding the store for forwarding
  lease_token TEXT,                  -- random per claim; complete/fail must present it
  lease_until BIGINT,                -- after this another worker may take the store
  last_claimed_at BIGINT,            -- least recently claimed goes first
  retry_at BIGINT,                   -- after a failed forward, not claimed before this
  last_error TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE relay_events (
  store_id TEXT NOT NULL REFERENCES relay_stores (store_id),
  seq BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  lane TEXT NOT NULL,
  sku TEXT,
  payload JSONB NOT NULL,
  occurred_at TEXT NOT NULL,         -- the store's ISO 8601, verbatim
  created_at TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  forwarded_at BIGINT,
  PRIMARY KEY (store_id, seq),
  UNIQUE (store_id, event_id)
);
CREATE INDEX relay_events_unforwarded ON relay_events (store_id, seq) WHERE forwarded_at IS NULL;
`
}, {
  version: 2,
  name: 'heartbeats',
  sql: `
ALTER TABLE relay_stores ADD COLUMN last_heartbeat_at BIGINT; -- relay clock, epoch ms
ALTER TABLE relay_stores ADD COLUMN last_heartbeat TEXT; -- JSON: what the store said (versions, queue, devices, disk)
`
}, {
  version: 3,
  name: 'dead letters',
  sql: `
ALTER TABLE relay_events ADD COLUMN dead_at BIGINT; -- the ERP refused it as it is: parked, skipped, replayable
ALTER TABLE relay_events ADD COLUMN dead_reason TEXT;
ALTER TABLE relay_stores ADD COLUMN dead_count INTEGER NOT NULL DEFAULT 0;
`
}, {
  version: 4,
  name: 'events without the per-row store key check',
  // The foreign key ran a trigger per inserted event (a KEY SHARE lookup of the store's row): 25-30 %
  // of a 500-event batch insert (EXPLAIN ANALYZE, bench:relay). It checked nothing the code does not:
  // every write locks the store's row first (lockStore, RELAY_ERR_STORE_UNKNOWN) and stores are never
  // deleted, only revoked. The SQLite schema keeps its key (a cheap lookup there, and SQLite cannot
  // drop one without rebuilding the table).
  sql: `
ALTER TABLE relay_events DROP CONSTRAINT IF EXISTS relay_events_store_id_fkey;
`
}]
