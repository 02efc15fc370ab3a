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
  const db = new BetterSqlite3(join(opts.dataDir, DB_FILE))
  // WAL lets the API read while ingest writes; busy_timeout covers the CLI writing beside a
  // running server (milliseconds).
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${opts.synchronous}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, migrations, opts.log, opts.now)
  return db
}
