// The ERP-bound outbox (issue 7 sends it; issues 5 and 6 fill it): one row per event the ERP must
// receive, written in the same transaction as the movement or decision that causes it. seq is the
// store's strictly increasing sequence (AUTOINCREMENT: never reused, even after the rows the relay
// acknowledged are deleted); event_id is the idempotency key the relay applies once per store.

export const version = 6
export const name = 'outbox'
export const sql = `
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL, -- inventory_adjustment | receipt | receiving_discrepancy | ... (store/outbox-rows.ts)
  lane TEXT NOT NULL CHECK (lane IN ('urgent', 'normal', 'telemetry')), -- urgent is sent first
  sku TEXT,
  payload TEXT NOT NULL, -- JSON: what the ERP needs, with the lineage (journal seqs, task ids)
  occurred_at TEXT NOT NULL, -- event time of the cause
  created_at TEXT NOT NULL
);
CREATE INDEX outbox_lane ON outbox (lane, seq);
`
