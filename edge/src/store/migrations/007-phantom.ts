// Count tasks and their precision (issue 5, phantom inventory): one live count per SKU-location
// (a short fill's count merges into a live one instead of sending a second associate), and one row
// per count task raised, whoever raised it, with the probability the record was wrong at raise time
// and, at completion, whether the count changed the record and by how many units.
//
// Triggers write count_checks in the transaction that inserts or finishes the task, so no creator
// (the phantom detector, a short fill's completer, a count made by hand) can raise a count that is
// not tracked, and the record cannot disagree with the task table.

export const version = 7
export const name = 'phantom'
export const sql = `
CREATE UNIQUE INDEX tasks_one_live_count ON tasks (sku, location) WHERE kind = 'count' AND state IN ('open', 'claimed', 'started');

CREATE TABLE count_checks (
  task_id INTEGER PRIMARY KEY REFERENCES tasks (id),
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('detector', 'short_fill', 'manual')), -- who raised it
  probability REAL, -- P(record wrong) at raise time (the detector's why.probability); null when not estimated
  raised_at TEXT NOT NULL, -- server clock: the detector's daily budget counts these
  done_at TEXT, -- when the count was completed (event time of the completion)
  discrepancy INTEGER CHECK (discrepancy IN (0, 1)), -- 1 when the count changed the record
  delta_units INTEGER, -- net change of the record, units (negative = the record ran high)
  abs_units INTEGER, -- sum of |change| over the locations counted, units
  cancelled_at TEXT,
  cancel_reason TEXT
);
CREATE INDEX count_checks_raised ON count_checks (source, raised_at);
CREATE INDEX count_checks_done ON count_checks (done_at);

CREATE TRIGGER count_checks_raise AFTER INSERT ON tasks WHEN NEW.kind = 'count'
BEGIN
  INSERT OR IGNORE INTO count_checks (task_id, sku, location, source, probability, raised_at)
  VALUES (NEW.id, NEW.sku, NEW.location,
    CASE WHEN json_extract(NEW.why, '$.detector') = 'phantom' THEN 'detector'
         WHEN json_extract(NEW.why, '$.rule') = 'short_fill' THEN 'short_fill'
         ELSE 'manual' END,
    json_extract(NEW.why, '$.probability'), NEW.created_at);
END;

CREATE TRIGGER count_checks_done AFTER UPDATE OF state ON tasks
  WHEN NEW.kind = 'count' AND NEW.state = 'done' AND OLD.state <> 'done'
BEGIN
  UPDATE count_checks SET done_at = NEW.done_at,
    discrepancy = json_extract(NEW.result, '$.discrepancy'),
    delta_units = json_extract(NEW.result, '$.delta'),
    abs_units = json_extract(NEW.result, '$.absDelta')
  WHERE task_id = NEW.id;
END;

CREATE TRIGGER count_checks_cancel AFTER UPDATE OF state ON tasks
  WHEN NEW.kind = 'count' AND NEW.state = 'cancelled' AND OLD.state <> 'cancelled'
BEGIN
  UPDATE count_checks SET cancelled_at = NEW.updated_at, cancel_reason = NEW.cancel_reason WHERE task_id = NEW.id;
END;
`
