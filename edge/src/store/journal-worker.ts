// The journal's writer thread. It owns its own SQLite connection and runs each batch's
// transaction (and its fsync, and WAL checkpoints) off the main thread, so the broker keeps
// parsing and acknowledging while the disk works. The main thread sends a batch and waits for
// the reply before it answers any device for it: acknowledged still means committed.

import { parentPort, workerData } from 'node:worker_threads'
import { silentLog } from '../core/log.js'
import { openDatabase } from './db.js'
import { Journal, type BatchEntry, type EntryOutcome } from './journal.js'

export interface WriterData {
  dataDir: string
  synchronous: 'FULL' | 'NORMAL'
}

export type WriterRequest = { kind: 'write', id: number, entries: BatchEntry[] } | { kind: 'close' }
export type WriterReply =
  | { kind: 'written', id: number, outcomes: EntryOutcome[], commitMs: number }
  | { kind: 'failed', id: number, message: string }
  | { kind: 'closed' }
  | { kind: 'ready' }

const { dataDir, synchronous } = workerData as WriterData
const db = openDatabase({ dataDir, synchronous, log: silentLog(), now: () => new Date().toISOString() })
// The checkpointer thread keeps the WAL short; this writer checkpoints itself only past ~64 MB
// (16,384 pages of 4 KB), a backstop when writes never pause long enough for it to catch up.
db.pragma('wal_autocheckpoint = 16384')
// A larger page cache keeps the hot index pages (the unique key, the SKU index, positions) in
// memory as the journal grows: ~15 % faster commits for 16 MB (negative = KiB).
db.pragma('cache_size = -16384')
const journal = new Journal(db)
const port = parentPort!
port.postMessage({ kind: 'ready' } satisfies WriterReply)

port.on('message', (req: WriterRequest) => {
  if (req.kind === 'close') {
    db.close()
    port.postMessage({ kind: 'closed' } satisfies WriterReply)
    return
  }
  const started = performance.now()
  try {
    const outcomes = journal.write(req.entries)
    port.postMessage({ kind: 'written', id: req.id, outcomes, commitMs: performance.now() - started } satisfies WriterReply)
  } catch (err) {
    port.postMessage({ kind: 'failed', id: req.id, message: (err as Error).message } satisfies WriterReply)
  }
})
