// The checkpointer thread: copies committed WAL pages into the database file on its own
// connection, so the journal writer never stalls on it. Left to SQLite's automatic checkpoint,
// every ~4 MB of WAL the commit that crosses it copies those pages and fsyncs the database file
// inside the ingest path: tens of milliseconds during which no device is acknowledged.
// PASSIVE never blocks the writer; the writer keeps a large automatic checkpoint only as a
// backstop for a WAL that a checkpoint running beside constant writes cannot catch up with.

import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { DB_FILE } from './db.js'

export interface CheckpointData {
  dataDir: string
  /** Milliseconds between checkpoints. */
  everyMs: number
}

const { dataDir, everyMs } = workerData as CheckpointData
const db = new BetterSqlite3(join(dataDir, DB_FILE))
db.pragma('busy_timeout = 1000')
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')

const timer = setInterval(() => {
  try {
    checkpoint.run()
  } catch {
    // A busy database is retried on the next tick; nothing depends on any one checkpoint.
  }
}, everyMs)

parentPort!.on('message', (msg: string) => {
  if (msg !== 'close') return
  clearInterval(timer)
  try { checkpoint.run() } catch {}
  db.close()
  parentPort!.postMessage('closed')
})
parentPort!.postMessage('ready')
