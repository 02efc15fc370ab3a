// Who may change a data dir's database wholesale. The running server, `store-edge restore` and
// `store-edge migrate` (when it has work) each hold an open write transaction on
// <dataDir>/store-edge.lock for as long as they work; a second one gets SQLITE_BUSY at once and is
// refused, naming the holder. The kernel drops the lock (a POSIX record lock SQLite takes) when the
// holder's process ends, even by SIGKILL or a power cut, so a stale file never locks anyone out and a
// reused pid never looks alive: the file's presence means nothing, only the lock on it does. The file
// is therefore never deleted (deleting it while another process opens it would let two hold "it").
// SQLite also keeps the lock right between connections of one process (tests run the server and the
// CLI in one process).

import BetterSqlite3, { type Database } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { EdgeError, Errors } from '../core/errors.js'

export const LOCK_FILE = 'store-edge.lock'

export interface LockHolder {
  pid: number
  /** What holds it: 'serve', 'restore', 'migrate'. */
  command: string
  host: string
  /** ISO 8601, when it took the lock. */
  since: string
}

export interface DataDirLock {
  readonly file: string
  /** Gives the data dir back (idempotent). */
  release (): void
}

/** Takes the data dir for `command`, or throws EDGE_ERR_DATA_DIR_IN_USE naming who has it. */
export function lockDataDir (dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, LOCK_FILE)
  let db: Database
  try {
    // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting for it.
    db = new BetterSqlite3(file, { timeout: 0 })
  } catch (err) {
    throw unusable(file, err)
  }
  try {
    busyMeansInUse(db, dataDir, () => db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, command TEXT NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)'))
    busyMeansInUse(db, dataDir, () => db.exec('BEGIN IMMEDIATE'))
    // Who we are, committed so a refused process can read it; then the lock is taken for good.
    db.prepare('DELETE FROM holder').run()
    db.prepare('INSERT INTO holder (pid, command, host, since) VALUES (?, ?, ?, ?)').run(process.pid, command, hostname(), new Date().toISOString())
    db.exec('COMMIT')
    busyMeansInUse(db, dataDir, () => db.exec('BEGIN IMMEDIATE'))
  } catch (err) {
    db.close()
    throw err instanceof EdgeError ? err : unusable(file, err)
  }
  let released = false
  return {
    file,
    release: () => {
      if (released) return
      released = true
      // Closing ends the open transaction (nothing was written in it), which drops the lock.
      db.close()
    }
  }
}

/**
 * BEGIN IMMEDIATE takes SQLite's RESERVED lock: readers may still read who holds it, writers (the
 * next BEGIN IMMEDIATE) get SQLITE_BUSY.
 */
function busyMeansInUse (db: Database, dataDir: string, fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    const holder = readHolder(db)
    throw new EdgeError(Errors.DATA_DIR_IN_USE, `${describe(holder)} is using the data dir ${dataDir}; stop it first (systemctl stop store-edge)`, { holder })
  }
}

function readHolder (db: Database): LockHolder | null {
  try {
    return (db.prepare('SELECT pid, command, host, since FROM holder').get() as LockHolder | undefined) ?? null
  } catch {
    return null
  }
}

function describe (h: LockHolder | null): string {
  if (h === null) return 'another store-edge process'
  return `store-edge ${h.command} (pid ${h.pid} on ${h.host}, since ${h.since})`
}

/** The lock file cannot be written at all: most often it (or the data dir) belongs to another user. */
function unusable (file: string, err: unknown): EdgeError {
  return new EdgeError(Errors.CONFIG_INVALID,
    `config key "dataDir": cannot lock ${file}: ${(err as Error).message}; the data dir and its files must be writable by the user running store-edge`)
}
