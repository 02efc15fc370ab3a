// Shelf-risk scoring: the current score of every SKU-location, the confirmations scores are judged
// by, the models the store has run, and an audit log of operator decisions (later issues add their
// own actions to it: task overrides, order approvals).

export const version = 4
export const name = 'shelf-risk'
export const sql = `
-- One row per SKU-location: the score that acts now. Written from memory after each full rescoring.
CREATE TABLE risk_scores (
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  score REAL NOT NULL, -- probability 0-1 that the shelf is empty within 4 hours
  scorer TEXT NOT NULL CHECK (scorer IN ('model', 'rules')),
  version TEXT NOT NULL, -- of the scorer that acted: the model's card version, or rules@N
  model_version TEXT, -- the active model's version (also when rules acted), null without one
  reason TEXT, -- why rules acted: model_missing, model_failed_to_load, non_finite_input, out_of_training_range, calibration_drift, model_run_failed
  reason_detail TEXT,
  top_features TEXT NOT NULL, -- JSON [{feature, value, contribution}]
  features BLOB, -- the vector scored: FEATURE_COUNT float32, little-endian
  model_score REAL, -- the active model's own probability, kept when rules acted
  rules_score REAL NOT NULL,
  candidate_score REAL, -- a candidate model's probability in shadow; never acts
  candidate_version TEXT,
  tier TEXT NOT NULL CHECK (tier IN ('fast', 'slow')),
  scored_at TEXT NOT NULL,
  PRIMARY KEY (sku, location)
) WITHOUT ROWID;

-- A confirmation (count, gap, shelf check, fill of an empty shelf) paired with the score made
-- within the 4 hours before it: what monitoring judges scorers by.
CREATE TABLE risk_outcomes (
  id INTEGER PRIMARY KEY,
  observed_at TEXT NOT NULL,
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  category TEXT,
  empty INTEGER NOT NULL CHECK (empty IN (0, 1)),
  source TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  score REAL NOT NULL,
  scorer TEXT NOT NULL,
  scores TEXT NOT NULL -- JSON {model sha256 | "rules": probability}
);
CREATE INDEX risk_outcomes_observed ON risk_outcomes (observed_at);

CREATE TABLE model_registry (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT 'shelf-risk',
  role TEXT NOT NULL CHECK (role IN ('active', 'candidate', 'retired')),
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  origin TEXT NOT NULL, -- config (riskModelPath), path or upload (a candidate given over the API)
  loaded_at TEXT NOT NULL,
  activated_at TEXT,
  retired_at TEXT,
  metrics TEXT NOT NULL DEFAULT '{}' -- JSON: the card's held-out metrics, monitoring when it left a role
);
CREATE INDEX model_registry_role ON model_registry (name, role);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL, -- admin (token holder), cli, system
  action TEXT NOT NULL, -- e.g. model.candidate, model.promote, model.rollback
  subject TEXT, -- what it acted on, e.g. model:<sha256>
  detail TEXT NOT NULL DEFAULT '{}' -- JSON
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
`
