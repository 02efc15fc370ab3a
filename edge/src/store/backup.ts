// An online backup of the store's database (SQLite's backup API) that the running server never
// notices: one consistent snapshot, checked, written under a temporary name and renamed, with a JSON
// sidecar saying what it is. Backups are named store-edge-<storeId>-<UTC yyyymmddThhmmssZ>.db so
// retention can find its own files and touch nothing else.

import BetterSqlite3 from 'better-sqlite3'
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { EdgeError, Errors } from '../core/errors.js'
import { dbPath } from './db.js'
import { fsyncPath, integrityProblems, rowCounts, sha256File } from './db-file.js'
import { schemaVersionOf } from './migrate.js'

/** What the .json beside each backup says. */
export interface BackupSidecar {
  file: string
  storeId: string
  schemaVersion: number | null
  programVersion: string
  sha256: string
  sizeBytes: number
  createdAt: string
  rows: Record<string, number>
}

export interface BackupResult extends BackupSidecar {
  path: string
  sidecarPath: string
  /** Older backups removed by keep. */
  pruned: string[]
}

export interface BackupOptions {
  dataDir: string
  storeId: string
  programVersion: string
  /** Where backups go and retention looks (the default <dataDir>/backups). */
  dir: string
  /** An exact file to write instead of a dated name in dir. */
  out?: string
  /** Keep this many of this store's dated backups in the backup's folder, removing the oldest. */
  keep?: number
  now?: Date
}

/** The backups folder of a data dir. */
export function defaultBackupDir (dataDir: string): string {
  return join(dataDir, 'backups')
}

/** UTC yyyymmddThhmmssZ. */
export function backupStamp (at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}

export function backupName (storeId: string, at: Date): string {
  return `store-edge-${storeId}-${backupStamp(at)}.db`
}

/** The sidecar of a backup file. */
export function sidecarOf (file: string): string {
  return `${file}.json`
}

/** Bytes that must stay free after a backup: the server keeps writing to the same disk (bytes). */
export function reserveBytes (dbBytes: number): number {
  return Math.max(64 * 1024 * 1024, Math.ceil(dbBytes / 10))
}

// backup_step(-1) semantics: every page in one step (one read transaction on the source), so
// commits by the server between steps cannot restart the copy over and over.
const ALL_PAGES = 0x7fffffff

export async function backupDatabase (opts: BackupOptions): Promise<BackupResult> {
  const source = dbPath(opts.dataDir)
  if (!existsSync(source)) throw new EdgeError(Errors.BACKUP_FAILED, `no database to back up at ${source}`)
  const now = opts.now ?? new Date()
  const dest = opts.out ?? join(opts.dir, backupName(opts.storeId, now))
  const destDir = dirname(dest)
  // Backups hold what the database holds (password hashes, device secrets' hashes): owner and group only.
  mkdirSync(destDir, { recursive: true, mode: 0o750 })
  if (existsSync(dest)) throw new EdgeError(Errors.BACKUP_FAILED, `${dest} exists already; not overwritten`)
  checkSpace(source, destDir)

  const tmp = join(destDir, `.${basename(dest)}.tmp-${process.pid}`)
  try {
    const db = new BetterSqlite3(source, { fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000') // milliseconds; the snapshot's read waits out a checkpoint's lock
      await db.backup(tmp, { progress: () => ALL_PAGES })
    } finally {
      db.close()
    }
    const copy = new BetterSqlite3(tmp)
    let facts: { schemaVersion: number | null, rows: Record<string, number> }
    try {
      // The copy carries the source's WAL flag; a backup is one self-contained file.
      copy.pragma('journal_mode = DELETE')
      const problems = integrityProblems(copy)
      if (problems.length > 0) throw new EdgeError(Errors.BACKUP_FAILED, `the copy fails integrity_check: ${problems.join('; ')}`)
      facts = { schemaVersion: schemaVersionOf(copy), rows: rowCounts(copy) }
    } finally {
      copy.close()
    }
    chmodSync(tmp, 0o640)
    fsyncPath(tmp)
    renameSync(tmp, dest)
    fsyncPath(destDir)
    const sidecar: BackupSidecar = {
      file: basename(dest),
      storeId: opts.storeId,
      schemaVersion: facts.schemaVersion,
      programVersion: opts.programVersion,
      sha256: await sha256File(dest),
      sizeBytes: statSync(dest).size,
      createdAt: now.toISOString(),
      rows: facts.rows
    }
    const sidecarPath = sidecarOf(dest)
    const sidecarTmp = join(destDir, `.${basename(sidecarPath)}.tmp-${process.pid}`)
    writeFileSync(sidecarTmp, JSON.stringify(sidecar, null, 2) + '\n', { mode: 0o640 })
    renameSync(sidecarTmp, sidecarPath)
    fsyncPath(destDir)
    const pruned = opts.keep !== undefined ? pruneBackups(destDir, opts.storeId, opts.keep, now) : []
    return { ...sidecar, path: dest, sidecarPath, pruned }
  } catch (err) {
    try { unlinkSync(tmp) } catch {}
    if (err instanceof EdgeError) throw err
    throw new EdgeError(Errors.BACKUP_FAILED, `backup of ${source} to ${dest} failed: ${(err as Error).message}`)
  }
}

/** The copy needs about the database's size, and the disk must keep room for the server after it. */
function checkSpace (source: string, destDir: string): void {
  let dbBytes = 0
  for (const f of [source, `${source}-wal`]) if (existsSync(f)) dbBytes += statSync(f).size
  const fs = statfsSync(destDir)
  const free = fs.bavail * fs.bsize
  const reserve = reserveBytes(dbBytes)
  if (free < dbBytes + reserve) {
    const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`
    throw new EdgeError(Errors.DISK_SPACE,
      `not enough free space in ${destDir}: ${mb(free)} free, the backup needs about ${mb(dbBytes)} and ${mb(reserve)} must stay free for the running store; free some space or back up elsewhere (--dir, --out)`)
  }
}

/** This store's dated backups in dir, newest first. */
export function listBackups (dir: string, storeId: string): Array<{ path: string, stamp: string }> {
  if (!existsSync(dir)) return []
  const ours = new RegExp(`^store-edge-${storeId}-(\\d{8}T\\d{6}Z)\\.db$`)
  return readdirSync(dir)
    .map((name) => ({ name, m: ours.exec(name) }))
    .filter((e) => e.m !== null && statSync(join(dir, e.name)).isFile())
    .map((e) => ({ path: join(dir, e.name), stamp: e.m![1] }))
    .sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0))
}

/**
 * Removes this store's dated backups beyond the newest `keep` (each with its sidecar), and the
 * temporary files of backups that died over a day ago. Nothing else in the folder is touched.
 */
export function pruneBackups (dir: string, storeId: string, keep: number, now = new Date()): string[] {
  const removed: string[] = []
  for (const { path } of listBackups(dir, storeId).slice(keep)) {
    unlinkSync(path)
    removed.push(path)
    if (existsSync(sidecarOf(path))) { unlinkSync(sidecarOf(path)); removed.push(sidecarOf(path)) }
  }
  const stale = new RegExp(`^\\.store-edge-${storeId}-\\d{8}T\\d{6}Z\\.db(\\.json)?\\.tmp-\\d+$`)
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (stale.test(name) && now.getTime() - statSync(p).mtimeMs > 86_400_000) { unlinkSync(p); removed.push(p) }
  }
  return removed
}
