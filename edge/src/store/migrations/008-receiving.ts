// Receiving (issue 5): advance shipping notices and their lines, the receipts that name an ASN (a
// projection of the journal, rebuilt from the events table after a crash), the discrepancies found
// when an ASN closes (each with its review task and the associate's decision), and one live
// put-away task per SKU-location.

export const version = 8
export const name = 'receiving'
export const sql = `
CREATE TABLE asns (
  id TEXT PRIMARY KEY, -- the supplier's or the ERP's ASN id
  supplier TEXT,
  expected_at TEXT,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  created_at TEXT NOT NULL, -- server clock
  closed_at TEXT,
  closed_by TEXT -- 'api' or 'auto' (receivingCloseMin after the last receipt)
);
CREATE INDEX asns_state ON asns (state, created_at);

CREATE TABLE asn_lines (
  asn_id TEXT NOT NULL REFERENCES asns (id),
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL, -- units expected
  cases INTEGER, -- cartons announced, informational
  PRIMARY KEY (asn_id, sku)
) WITHOUT ROWID;

-- Receipt events with data.asn, one row per journalled event (duplicates never reach it): the tally
-- of what arrived per (asn, sku). seq is the journal's; the start-up catch-up reads events after the
-- highest seq here.
CREATE TABLE asn_receipts (
  seq INTEGER PRIMARY KEY,
  asn_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  location TEXT,
  qty REAL NOT NULL, -- units
  received_at TEXT NOT NULL, -- server clock at ingest: what the auto-close waits on
  UNIQUE (device_id, event_id)
);
CREATE INDEX asn_receipts_asn ON asn_receipts (asn_id, sku);

CREATE TABLE receiving_discrepancies (
  id INTEGER PRIMARY KEY,
  asn_id TEXT NOT NULL REFERENCES asns (id),
  sku TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('short', 'over', 'wrong_item')),
  expected INTEGER NOT NULL, -- units on the ASN (0 for a wrong item)
  received REAL NOT NULL, -- units scanned in
  task_id INTEGER REFERENCES tasks (id), -- the review task
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  decision TEXT, -- 'accept' | 'recount'
  UNIQUE (asn_id, sku)
);
CREATE INDEX receiving_discrepancies_task ON receiving_discrepancies (task_id);

-- One live put-away per SKU-location (the shelf or the backroom bin it goes to): updated in place.
CREATE UNIQUE INDEX tasks_one_live_putaway ON tasks (sku, location) WHERE kind = 'putaway' AND state IN ('open', 'claimed', 'started');
`
