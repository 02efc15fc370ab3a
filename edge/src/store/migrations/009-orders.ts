// Ordering (issue 6): what the forecast learns from (daily sales per SKU, kept from the journal and
// seeded from the ERP's history at onboarding; the calendar of events, SNAP days and promotions),
// what ordering needs to know of an item (order days, minimum order, backroom space, supplier), and
// the proposals themselves with the decision on each.

export const version = 9
export const name = 'orders'
export const sql = `
ALTER TABLE items ADD COLUMN order_days TEXT; -- 'mon,wed,fri': days the supplier takes orders; NULL = every day
ALTER TABLE items ADD COLUMN min_order_units INTEGER; -- the supplier's minimum order, units
ALTER TABLE items ADD COLUMN backroom_capacity INTEGER; -- units the backroom bin holds; NULL = not limited
ALTER TABLE items ADD COLUMN supplier TEXT;

-- Units sold per SKU and UTC day. units: from the sale events journalled here (a projection of the
-- journal, caught up at start from sales_daily_cursor); imported: from a history import, which wins
-- for the days it covers (the ERP's books are the record for days before the store went live).
CREATE TABLE sales_daily (
  sku TEXT NOT NULL,
  day TEXT NOT NULL,
  units REAL NOT NULL DEFAULT 0,
  imported REAL,
  PRIMARY KEY (sku, day)
) WITHOUT ROWID;
CREATE TABLE sales_daily_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO sales_daily_cursor (id, seq) VALUES (1, 0);

-- The demand calendar, known ahead: holidays and events, SNAP (food-stamp) days, promotions.
CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,
  event TEXT,
  snap INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE promotions (
  sku TEXT NOT NULL,
  from_day TEXT NOT NULL,
  to_day TEXT NOT NULL,
  PRIMARY KEY (sku, from_day)
) WITHOUT ROWID;

-- One proposal per SKU and order day. A re-run the same day updates a pending one in place
-- (version + 1); a decided one is final.
CREATE TABLE order_proposals (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  order_day TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
  qty INTEGER NOT NULL, -- units proposed, whole cases
  case_pack INTEGER NOT NULL,
  min_max_qty INTEGER NOT NULL, -- what static min-max would order today, units
  unit_cost REAL,
  value REAL, -- qty x unit cost
  usual_qty REAL, -- the SKU's usual order, units (median of its last approved orders)
  deviation_pct REAL, -- |qty - usual| / usual, percent; NULL without a usual order
  confidence REAL NOT NULL, -- the forecast's, 0-1
  fallback INTEGER NOT NULL DEFAULT 0, -- 1: inputs stale, the quantity is min-max
  review_reasons TEXT NOT NULL DEFAULT '[]', -- JSON: why a manager must decide ([] = auto-approvable)
  reasoning TEXT NOT NULL, -- JSON: forecast, stock, pipeline, safety stock, rounding, caps
  policy_id TEXT,
  policy_version INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,
  decision_mode TEXT CHECK (decision_mode IN ('auto', 'manager')),
  decision_reason TEXT,
  approved_qty INTEGER, -- units ordered (the proposal's or a manager's), whole cases
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (sku, order_day)
);
CREATE INDEX order_proposals_state ON order_proposals (state, order_day);
CREATE INDEX order_proposals_sku ON order_proposals (sku, order_day);
`
