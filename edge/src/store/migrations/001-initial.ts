// The first schema: devices, master data, the event journal, the inventory ledger and positions,
// dead letters. Quantities are units (REAL so a load cell estimate or a weighed item can be partial).

export const version = 1
export const name = 'initial'
export const sql = `
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  profile_id TEXT NOT NULL,
  name TEXT,
  -- the secret is shown once at registration; only a salted hash is kept
  secret_salt BLOB NOT NULL,
  secret_hash BLOB NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_seen_at TEXT,
  status TEXT NOT NULL DEFAULT 'never_seen' CHECK (status IN ('never_seen', 'online', 'offline'))
);

CREATE TABLE locations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('shelf', 'backroom', 'receiving', 'other')),
  description TEXT,
  zone TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE items (
  sku TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  category TEXT,
  case_pack INTEGER NOT NULL DEFAULT 1,
  unit_cost REAL,
  unit_price REAL,
  unit_weight_g REAL,
  shelf_capacity INTEGER,
  facings INTEGER,
  home_location TEXT,
  lead_time_days REAL,
  updated_at TEXT NOT NULL
);

CREATE TABLE item_gtins (
  gtin TEXT PRIMARY KEY,
  sku TEXT NOT NULL REFERENCES items (sku) ON DELETE CASCADE
);
CREATE INDEX item_gtins_sku ON item_gtins (sku);

-- The event journal: every accepted event, once. seq is the store's order of acceptance.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  store_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  sku TEXT,
  gtin TEXT,
  location TEXT,
  qty REAL,
  data TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (device_id, event_id)
);
CREATE INDEX events_sku ON events (sku, seq);
CREATE INDEX events_type ON events (type, seq);
CREATE INDEX events_occurred ON events (occurred_at);

-- Perpetual inventory per SKU and location, in three buckets.
CREATE TABLE positions (
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  on_hand REAL NOT NULL DEFAULT 0,
  in_transit REAL NOT NULL DEFAULT 0, -- picked from the backroom, on its way to this shelf
  reserved REAL NOT NULL DEFAULT 0, -- set aside here for online orders
  updated_seq INTEGER,
  updated_at TEXT,
  PRIMARY KEY (sku, location)
) WITHOUT ROWID;

-- Every change to a position, with the event that caused it (lineage). event_seq is null for
-- on-hand snapshot imports.
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  event_seq INTEGER REFERENCES events (seq),
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  bucket TEXT NOT NULL CHECK (bucket IN ('on_hand', 'in_transit', 'reserved')),
  delta REAL NOT NULL,
  balance REAL NOT NULL,
  reason TEXT NOT NULL,
  occurred_at TEXT NOT NULL
);
CREATE INDEX ledger_sku ON ledger (sku, id);

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  device_id TEXT,
  transport TEXT NOT NULL,
  channel TEXT,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  gtin TEXT,
  raw BLOB
);
CREATE INDEX dead_letters_reason ON dead_letters (reason, id);
CREATE INDEX dead_letters_gtin ON dead_letters (gtin) WHERE gtin IS NOT NULL;
`
