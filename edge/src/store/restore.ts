// Puts a backup in place of the data dir's database. The caller holds the data dir's lock
// (data-dir-lock.ts), so no server runs meanwhile. The backup is first copied beside the database
// and checked there (SQLite, intact, a schema this program knows); the database it replaces is kept
// as store.db.pre-restore-<stamp>; the swap itself is one rename, so at every moment store.db is
// either the old database or the restored one, never missing or half-written.

import BetterSqlite3 from 'better-sqlite3'
import { constants, copyFileSync, existsSync, linkSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { EdgeError, Errors } from '../core/errors.js'
import { backupStamp, sidecarOf, type BackupSidecar } from './backup.js'
import { DB_FILE, dbPath } from './db.js'
import { fsyncPath, integrityProblems, looksLikeSqlite, rowCounts, sha256File } from './db-file.js'
import { schemaVersionOf } from './migrate.js'

/** Staged copies are named this plus the restoring process's pid. */
const STAGING = `.${DB_FILE}.restore-`

export interface RestorePlan {
  /** The backup as given. */
  file: string
  /** Its checked copy beside the database, renamed into place by applyRestore. */
  staged: string
  target: string
  schemaVersion: number
  /** Row counts of the key tables in the backup. */
  rows: Record<string, number>
  sidecar: BackupSidecar | null
  /** The database being replaced, or null when the data dir has none. */
  current: { schemaVersion: number | null, rows: Record<string, number> | null, keepAs: string } | null
}

export interface RestoreCheck {
  dataDir: string
  storeId: string
  /** The newest schema version this program knows. */
  latest: number
  now?: Date
}

/** Checks a backup and stages it; throws EDGE_ERR_RESTORE_INVALID saying what is wrong with it. */
export async function prepareRestore (file: string, opts: RestoreCheck): Promise<RestorePlan> {
  if (!existsSync(file) || !statSync(file).isFile()) throw invalid(`${file}: no such file`)
  if (!looksLikeSqlite(file)) throw invalid(`${file} is not an SQLite database`)
  const sidecar = await checkSidecar(file, opts.storeId)
  const target = dbPath(opts.dataDir)
  removeStaleStaging(opts.dataDir)
  const staged = join(opts.dataDir, `${STAGING}${process.pid}`)
  copyFileSync(file, staged)
  try {
    let facts: { schemaVersion: number, rows: Record<string, number> }
    const db = new BetterSqlite3(staged)
    try {
      // One self-contained file; the server switches it to WAL when it opens it.
      db.pragma('journal_mode = DELETE')
      const problems = integrityProblems(db)
      if (problems.length > 0) throw invalid(`${file} fails integrity_check: ${problems.join('; ')}`)
      const version = schemaVersionOf(db)
      if (version === null) throw invalid(`${file} is an SQLite database but not a store-edge one (no schema_migrations table)`)
      if (version > opts.latest) throw invalid(`${file} has schema version ${version}, newer than this store-edge knows (${opts.latest}); restore it with the store-edge that wrote it`)
      facts = { schemaVersion: version, rows: rowCounts(db) }
    } catch (err) {
      if (err instanceof EdgeError) throw err
      throw invalid(`${file} cannot be read as a database: ${(err as Error).message}`)
    } finally {
      db.close()
    }
    fsyncPath(staged)
    return { file, staged, target, ...facts, sidecar, current: describeCurrent(target, opts.now ?? new Date()) }
  } catch (err) {
    discardRestore({ staged })
    throw err
  }
}

/**
 * Staged copies a restore left when it died (a power cut mid-copy): the caller holds the data dir's
 * lock, so no other restore is using one.
 */
function removeStaleStaging (dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith(STAGING)) unlinkSync(join(dataDir, name))
  }
}

/** Removes the staged copy of a restore that will not happen. */
export function discardRestore (plan: Pick<RestorePlan, 'staged'>): void {
  try { unlinkSync(plan.staged) } catch {}
}

/** Keeps the current database aside and renames the staged backup into its place. */
export function applyRestore (plan: RestorePlan): { keptAs: string | null } {
  const { target, current } = plan
  if (current !== null) {
    settle(target)
    // A hard link keeps the old database under its new name while store.db still exists; the
    // rename below then replaces store.db in one step.
    try {
      linkSync(target, current.keepAs)
    } catch (err) {
      // A filesystem without hard links: a copy (COPYFILE_EXCL: never over an earlier kept file).
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err
      copyFileSync(target, current.keepAs, constants.COPYFILE_EXCL)
    }
    // A -wal left beside store.db would be replayed into the restored database and corrupt it: it
    // belongs to the kept one (SQLite finds it by that name).
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(target + suffix)) renameSync(target + suffix, current.keepAs + suffix)
    }
  }
  renameSync(plan.staged, target)
  fsyncPath(dirname(target))
  return { keptAs: current?.keepAs ?? null }
}

/**
 * Everything committed goes into the database file and the WAL is emptied (TRUNCATE), so the kept
 * file is whole on its own; closing the last connection then removes -wal and -shm. A database too
 * broken to open keeps its -wal beside it instead (applyRestore moves both).
 */
function settle (target: string): void {
  try {
    const db = new BetterSqlite3(target, { fileMustExist: true })
    try {
      db.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      db.close()
    }
  } catch {}
}

function describeCurrent (target: string, now: Date): RestorePlan['current'] {
  if (!existsSync(target)) return null
  let keepAs = `${target}.pre-restore-${backupStamp(now)}`
  for (let n = 2; existsSync(keepAs); n++) keepAs = `${target}.pre-restore-${backupStamp(now)}-${n}`
  try {
    const db = new BetterSqlite3(target, { fileMustExist: true })
    try {
      return { schemaVersion: schemaVersionOf(db), rows: rowCounts(db), keepAs }
    } finally {
      db.close()
    }
  } catch {
    return { schemaVersion: null, rows: null, keepAs }
  }
}

/** A sidecar beside the file must match it (a torn or altered copy) and name this store. */
async function checkSidecar (file: string, storeId: string): Promise<BackupSidecar | null> {
  const path = sidecarOf(file)
  if (!existsSync(path)) return null
  let sidecar: BackupSidecar
  try {
    sidecar = JSON.parse(readFileSync(path, 'utf8')) as BackupSidecar
  } catch (err) {
    throw invalid(`${path} is not valid JSON: ${(err as Error).message}`)
  }
  const sha = await sha256File(file)
  if (sidecar.sha256 !== sha) throw invalid(`${file} does not match its sidecar ${path} (sha256 ${sha.slice(0, 12)}, expected ${String(sidecar.sha256).slice(0, 12)}): the copy is damaged or was changed`)
  if (sidecar.storeId !== storeId) throw invalid(`${file} is a backup of store "${sidecar.storeId}", and this is store "${storeId}" (config storeId)`)
  return sidecar
}

function invalid (message: string): EdgeError {
  return new EdgeError(Errors.RESTORE_INVALID, message)
}
