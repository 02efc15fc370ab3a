// Opens the store's SQLite file with the settings the journal relies on.

import BetterSqlite3, { type Database } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Log } from '../core/log.js'
import { migrate } from './migrate.js'
import { migrations } from './migrations/index.js'

export type { Database }

export interface OpenOptions {
  dataDir: string
  /** FULL: a commit survives power loss. NORMAL: survives a process crash only. */
  synchronous: 'FULL' | 'NORMAL'
  log: Log
  now: () => string
}

export const DB_FILE = 'store.db'

export function openDatabase (opts: OpenOptions): Database {
  mkdirSync(opts.dataDir, { recursive: true })
  const db = openConnection(dbPath(opts.dataDir), opts.synchronous)
  migrate(db, migrations, opts.log, opts.now)
  return db
}

/** The database file of a data dir. */
export function dbPath (dataDir: string): string {
  return join(dataDir, DB_FILE)
}

/** One connection with the journal's settings and no migration (`store-edge migrate` reports them itself). */
export function openConnection (file: string, synchronous: 'FULL' | 'NORMAL'): Database {
  const db = new BetterSqlite3(file)
  // WAL lets the API read while ingest writes; busy_timeout covers the CLI writing beside a
  // running server (milliseconds).
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  return db
}
