// The outbox without its UNIQUE index on event_id (issue 7, bench:relay). Event ids are random
// (a handheld's UUIDs), so with a day's backlog that index is a B-tree far larger than the page
// cache: every acknowledged row cost a random page read and write, 63 µs a row against 10 µs
// without it (measured on 300,000 rows), which capped draining a backlog at ~7,000 events/s.
// Nothing needs it: every writer already writes a row once (the journal applies an event once by
// (deviceId, id); an order goes out when its proposal is decided, once; a discrepancy when its ASN
// closes, once), and the relay applies each (storeId, eventId) once whatever arrives twice.
// seq keeps counting from where it was: the relay refuses a seq reused for another event.

export const version = 15
export const name = 'outbox-lean'
export const sql = `
CREATE TABLE outbox_lean (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL, -- the idempotency key the relay applies once per store
  type TEXT NOT NULL,
  lane TEXT NOT NULL CHECK (lane IN ('urgent', 'normal', 'telemetry')),
  sku TEXT,
  payload TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO outbox_lean (seq, event_id, type, lane, sku, payload, occurred_at, created_at)
  SELECT seq, event_id, type, lane, sku, payload, occurred_at, created_at FROM outbox ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'outbox_lean';
INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox_lean', MAX(
  COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
  COALESCE((SELECT MAX(seq) FROM outbox_lean), 0)));
DROP TABLE outbox;
ALTER TABLE outbox_lean RENAME TO outbox;
CREATE INDEX outbox_lane ON outbox (lane, seq);
`
