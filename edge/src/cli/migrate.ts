// `store-edge migrate`: brings the data dir's database to this program's schema and says from which
// version to which (the upgrade script runs it between its backup and the start). A database from a
// newer store-edge is refused (exit 1). Pending migrations under a running server are refused too:
// that server is an older program and would meet a schema it does not know.

import { existsSync, mkdirSync } from 'node:fs'
import { silentLog } from '../core/log.js'
import { lockDataDir } from '../store/data-dir-lock.js'
import { dbPath, openConnection } from '../store/db.js'
import { latestVersion, migrate, schemaVersionOf } from '../store/migrate.js'
import { migrations as allMigrations, type Migration } from '../store/migrations/index.js'
import { EdgeError, Errors } from '../core/errors.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

export interface MigrateOpts { config?: string, json: boolean }

/** `migrations`: what this program knows (tests pass a shorter list to make an older program). */
export function migrateCommand (opts: MigrateOpts, out: Out, migrations: readonly Migration[] = allMigrations): number {
  const config = configFrom(opts)
  const file = dbPath(config.dataDir)
  const created = !existsSync(file)
  mkdirSync(config.dataDir, { recursive: true })
  const db = openConnection(file, config.dbSynchronous)
  try {
    const from = schemaVersionOf(db) ?? 0
    const latest = latestVersion(migrations)
    if (from > latest) {
      throw new EdgeError(Errors.MIGRATION_FAILED, `${file} has schema version ${from}, newer than this store-edge knows (${latest}); run the store-edge that wrote it, or restore a backup`)
    }
    let to = from
    if (from < latest) {
      const lock = lockDataDir(config.dataDir, 'migrate')
      try {
        to = migrate(db, migrations, silentLog(), () => new Date().toISOString())
      } finally {
        lock.release()
      }
    }
    const applied = migrations.filter((m) => m.version > from && m.version <= to).map((m) => ({ version: m.version, name: m.name }))
    if (opts.json) {
      out.line(JSON.stringify({ database: file, created, from, to, latest, applied }))
    } else if (applied.length === 0) {
      out.line(`${file}: schema version ${to}, up to date`)
    } else {
      out.line(`${file}: schema version ${from} -> ${to}${created ? ' (new database)' : ''}`)
      for (const m of applied) out.line(`  applied ${m.version} ${m.name}`)
    }
    return 0
  } finally {
    db.close()
  }
}
