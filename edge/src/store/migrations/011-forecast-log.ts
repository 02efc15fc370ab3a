// The forecast of every item each proposal run looked at (issue 6): kept for 120 days so the
// forecast's error is tracked against what then sold, by demand class and method, not only in the
// backtest made at the time.

export const version = 11
export const name = 'forecast-log'
export const sql = `
CREATE TABLE forecast_log (
  sku TEXT NOT NULL,
  made_day TEXT NOT NULL, -- the run's day; daily[0] is that day, daily[k] the k-th day after
  demand_class TEXT NOT NULL,
  method TEXT NOT NULL,
  daily TEXT NOT NULL, -- JSON: units per day from made_day, at most 14 days
  sigma_day REAL NOT NULL, -- the backtest's std dev of a day's error, units
  confidence REAL NOT NULL,
  PRIMARY KEY (sku, made_day)
) WITHOUT ROWID;
CREATE INDEX forecast_log_day ON forecast_log (made_day);
`
