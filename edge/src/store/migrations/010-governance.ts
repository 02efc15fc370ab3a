// Governance (issue 6): the versioned policy sets (every accepted YAML text is a new version; the
// current one is the highest), and the audit log of migration 004 grown into the one log of every
// recommendation, decision, override and policy change: why (reason), the versions behind it, and a
// hash chain (hash = sha256(prev_hash + the row's content)) so a row altered outside the server
// (triggers dropped, file edited) is found by GET /api/v1/audit/verify.
//
// The 004 columns keep their names (action is the entry's kind, detail its inputs) so what already
// reads them is unchanged. Rows from before this migration get their hashes when the server starts
// (store/audit.ts seals them, in id order); that one update of a row without a hash is all the
// triggers allow. Every row inserted from here on must carry its hash: nothing bypasses the chain.

export const version = 10
export const name = 'governance'
export const sql = `
CREATE TABLE policy_versions (
  version INTEGER PRIMARY KEY, -- 1, 2, ...; the highest is in force
  yaml TEXT NOT NULL, -- the accepted text, as given
  sha256 TEXT NOT NULL, -- hex of the text's UTF-8 bytes
  actor TEXT NOT NULL, -- who: a manager's name, or 'file:<path>' when read from policiesFile at start
  reason TEXT NOT NULL, -- why
  source TEXT NOT NULL CHECK (source IN ('api', 'file')),
  created_at TEXT NOT NULL -- server clock, ISO 8601 UTC
);
CREATE INDEX policy_versions_actor ON policy_versions (actor, version);
CREATE TRIGGER policy_versions_no_update BEFORE UPDATE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy_versions is append-only'); END;
CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy_versions is append-only'); END;

ALTER TABLE audit_log ADD COLUMN reason TEXT; -- why
ALTER TABLE audit_log ADD COLUMN versions TEXT NOT NULL DEFAULT '{}'; -- JSON: model, policy, forecast method, server
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT; -- hash of the row before (64 zeros for the first)
ALTER TABLE audit_log ADD COLUMN hash TEXT; -- sha256 hex of prev_hash and this row's content
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
BEGIN SELECT RAISE(ABORT, 'audit_log rows are appended with their hash (store/audit.ts)'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
  OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject OR NEW.detail IS NOT OLD.detail
  OR NEW.reason IS NOT OLD.reason OR NEW.versions IS NOT OLD.versions
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`
