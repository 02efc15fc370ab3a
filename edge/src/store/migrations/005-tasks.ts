// Associate tasks (issue 5): the people who do them, their sign-in tokens, the tasks with their
// why and lineage, and every handheld action keyed by (device_id, action_id) so an offline batch
// replayed later applies once.

export const version = 5
export const name = 'tasks'
export const sql = `
CREATE TABLE associates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  badge TEXT NOT NULL UNIQUE,
  pin_salt BLOB NOT NULL,
  pin_hash BLOB NOT NULL, -- scrypt(pin, salt): a PIN is guessable, so a slow KDF (store/associates.ts)
  zones TEXT NOT NULL DEFAULT '[]', -- JSON array of location zones; [] = every zone
  skills TEXT NOT NULL DEFAULT '[]', -- JSON array of task kinds; [] = every kind
  shift_start INTEGER, -- minutes after midnight UTC, null = no shift set
  shift_end INTEGER,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE associate_tokens (
  token_hash BLOB PRIMARY KEY, -- sha256 of a 192-bit random token: only the handheld has it in clear
  associate_id TEXT NOT NULL REFERENCES associates (id),
  device_id TEXT NOT NULL, -- a token works only from the device it was issued on
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX associate_tokens_expiry ON associate_tokens (expires_at);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('fill', 'putaway', 'count', 'review')),
  sku TEXT NOT NULL,
  location TEXT NOT NULL, -- where the work ends: the shelf of a fill, the bin of a count
  from_location TEXT, -- where stock is taken from (a fill's backroom bin)
  qty INTEGER, -- units asked for
  value REAL NOT NULL DEFAULT 0, -- expected lost revenue avoided per labor minute (currency/min): the rank
  labor_min REAL NOT NULL DEFAULT 0, -- estimated labor, minutes
  deadline TEXT,
  why TEXT NOT NULL DEFAULT '{}', -- JSON: scores, evidence, rule
  lineage TEXT NOT NULL DEFAULT '[]', -- JSON: event ids it came from
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'started', 'done', 'cancelled')),
  assignee TEXT REFERENCES associates (id),
  claimed_at TEXT,
  started_at TEXT,
  done_at TEXT,
  cancel_reason TEXT,
  result TEXT, -- JSON: what the associate reported (qty moved, found, labor minutes)
  last_action_at TEXT, -- server time of the last action: what the stale-claim sweep reads
  version INTEGER NOT NULL DEFAULT 1, -- bumped on every change
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- One live fill per SKU-location: a new need updates it in place.
CREATE UNIQUE INDEX tasks_one_live_fill ON tasks (sku, location) WHERE kind = 'fill' AND state IN ('open', 'claimed', 'started');
CREATE INDEX tasks_state ON tasks (state, value DESC);
CREATE INDEX tasks_assignee ON tasks (assignee, state);

CREATE TABLE task_actions (
  id INTEGER PRIMARY KEY,
  associate_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  action_id TEXT NOT NULL, -- the handheld's own id for the action
  task_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('claim', 'start', 'complete', 'release')),
  at TEXT, -- when the associate did it, by the handheld's clock
  applied_at TEXT NOT NULL, -- server time
  outcome TEXT NOT NULL, -- JSON: the answer given the first time, given again to a replay
  UNIQUE (device_id, action_id)
);
CREATE INDEX task_actions_task ON task_actions (task_id, id);
`
