// Disk use of the data dir, for the heartbeat: the database and its WAL, and what the filesystem
// has left.

import { existsSync, statSync, statfsSync } from 'node:fs'
import { join } from 'node:path'
import { DB_FILE } from './db.js'

export function diskUse (dataDir: string): { dbBytes: number, freeBytes: number | null } {
  let dbBytes = 0
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) {
    const p = join(dataDir, f)
    if (existsSync(p)) dbBytes += statSync(p).size
  }
  let freeBytes: number | null = null
  try {
    const s = statfsSync(dataDir)
    freeBytes = s.bavail * s.bsize
  } catch {}
  return { dbBytes, freeBytes }
}
