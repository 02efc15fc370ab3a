// Whole-file facts about an SQLite database, shared by backup and restore: is it SQLite, is it
// intact, how many rows its key tables hold, and durable renames (the data survives a power cut
// right after the command said it was done).

import { closeSync, createReadStream, fsyncSync, openSync, readSync } from 'node:fs'
import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'

/** Tables whose row counts a backup records and a restore shows: enough to see it holds the store. */
export const KEY_TABLES = ['events', 'ledger', 'positions', 'items', 'locations', 'devices', 'tasks', 'outbox', 'order_proposals', 'audit_log', 'accounts', 'dead_letters'] as const

const MAGIC = 'SQLite format 3\u0000'

/** Whether the file starts with SQLite's 16-byte header string. */
export function looksLikeSqlite (file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(16)
    const n = readSync(fd, buf, 0, 16, 0)
    return n === 16 && buf.toString('latin1') === MAGIC
  } finally {
    closeSync(fd)
  }
}

/** PRAGMA integrity_check: [] when intact, else its first findings. */
export function integrityProblems (db: Database, max = 10): string[] {
  const rows = db.pragma(`integrity_check(${max})`) as Array<{ integrity_check: string }>
  const found = rows.map((r) => r.integrity_check)
  return found.length === 1 && found[0] === 'ok' ? [] : found
}

/** Row counts of the key tables this database has. */
export function rowCounts (db: Database): Record<string, number> {
  const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name))
  const counts: Record<string, number> = {}
  for (const table of KEY_TABLES) {
    if (present.has(table)) counts[table] = (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n
  }
  return counts
}

export function sha256File (file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')))
  })
}

/** Flushes a file's (or a directory's entries') data to the disk. */
export function fsyncPath (path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } catch (err) {
    // Some filesystems refuse fsync on a directory; the rename is still atomic, only less durable.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err
  } finally {
    closeSync(fd)
  }
}
