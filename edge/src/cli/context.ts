// What data commands need: the validated config and an open database in the configured data dir.

import { loadConfig, resolvePaths, type EdgeConfig } from '../core/config.js'
import { silentLog } from '../core/log.js'
import { SHIPPED_PROFILES_DIR } from '../profiles/loader.js'
import { openDatabase, type Database } from '../store/db.js'

export function configFrom (opts: { config?: string }): EdgeConfig {
  return resolvePaths(loadConfig({ file: opts.config ?? null }), SHIPPED_PROFILES_DIR)
}

export function withDatabase<T> (config: EdgeConfig, fn: (db: Database) => T): T {
  const db = openDatabase({ dataDir: config.dataDir, synchronous: config.dbSynchronous, log: silentLog(), now: () => new Date().toISOString() })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}
