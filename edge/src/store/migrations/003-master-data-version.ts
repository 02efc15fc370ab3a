// A counter every master data import bumps. The item cache used SQLite's data_version to notice
// imports made by another process (the CLI), but since the journal writes on its own connection,
// data_version moves with every commit and the cache reloaded the whole item master each second.

export const version = 3
export const name = 'master-data-version'
export const sql = `
CREATE TABLE master_data_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO master_data_version (id, version) VALUES (1, 0);
`
