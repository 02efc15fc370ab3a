// What the relay has acknowledged, per UTC day the rows were written (issue 7): a count and an
// order-independent digest of the event ids, kept after the rows themselves are deleted, so the
// daily reconciliation with the relay can prove nothing was lost or doubled.

export const version = 12
export const name = 'outbox-acked'
export const sql = `
CREATE TABLE outbox_acked (
  day TEXT PRIMARY KEY, -- UTC day of the rows' created_at
  rows INTEGER NOT NULL,
  digest TEXT NOT NULL -- sum of the first 8 bytes of sha256(event id) mod 2^64, hex (core/digest.ts)
) WITHOUT ROWID;
`
