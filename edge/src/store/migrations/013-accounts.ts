// Panel accounts (issue 8): store managers and viewers who sign in to the LAN panel, and their
// sessions. Times are wall-clock epoch milliseconds, not the server clock: a simulated clock may
// run at 600x, and a session must not expire in seconds because of it.

export const version = 13
export const name = 'accounts'
export const sql = `
CREATE TABLE accounts (
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('manager', 'viewer')),
  password_salt BLOB NOT NULL,
  password_hash BLOB NOT NULL, -- scrypt(password, salt): store/accounts.ts
  active INTEGER NOT NULL DEFAULT 1,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0, -- in a row; reset by a good one
  locked_until INTEGER, -- epoch ms: after too many failures in a row
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY, -- sha256 of the cookie's token: a stolen database holds no live session
  username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, -- absolute end (sessionMaxHours after sign-in)
  user_agent TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (username);
`
