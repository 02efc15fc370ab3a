// Upgrades a data dir's database in place: each pending migration in its own transaction, recorded
// in schema_migrations. A database from a newer store-edge is refused rather than guessed at.

import type { Database } from 'better-sqlite3'
import { EdgeError, Errors } from '../core/errors.js'
import type { Log } from '../core/log.js'
import type { Migration } from './migrations/index.js'

export function currentVersion (db: Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  return schemaVersionOf(db) ?? 0
}

/**
 * The schema version without creating anything (a file under inspection, opened read-only): null
 * when it has no schema_migrations table, so it is no store-edge database at all.
 */
export function schemaVersionOf (db: Database): number | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  if (table === undefined) return null
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

/** The version the last of these migrations brings a database to. */
export function latestVersion (migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version
}

export function migrate (db: Database, migrations: readonly Migration[], log: Log, now: () => string): number {
  const from = currentVersion(db)
  const latest = latestVersion(migrations)
  if (from > latest) {
    throw new EdgeError(Errors.MIGRATION_FAILED,
      `database schema version ${from} is newer than this store-edge knows (${latest}); upgrade store-edge`)
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const m of migrations) {
    if (m.version <= from) continue
    try {
      db.transaction(() => {
        db.exec(m.sql)
        record.run(m.version, m.name, now())
      }).immediate()
    } catch (err) {
      throw new EdgeError(Errors.MIGRATION_FAILED,
        `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`)
    }
    log.info({ version: m.version, migration: m.name }, 'database migrated')
  }
  return currentVersion(db)
}
