// Each SKU-location's shelf-risk score over time, for the item timeline's chart (issue 8): a row
// when a written score moved by RISK_HISTORY_STEP or more since the last row kept (or the scorer
// changed), so a steady shelf costs no rows; rows older than riskHistoryDays are pruned.

export const version = 14
export const name = 'risk-history'
export const sql = `
CREATE TABLE risk_history (
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  score REAL NOT NULL, -- probability 0-1 of an empty shelf within 4 hours
  scorer TEXT NOT NULL CHECK (scorer IN ('model', 'rules')),
  PRIMARY KEY (sku, location, scored_at)
) WITHOUT ROWID;
CREATE INDEX risk_history_scored ON risk_history (scored_at);
`
