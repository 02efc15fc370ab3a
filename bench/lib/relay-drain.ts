// Part (a) of bench:relay: a store's outbox after a day-long outage, drained to the relay. The
// outbox is a real store database (openDatabase runs the store's migrations) filled through
// OutboxRows.add in large transactions before the clock starts; the real OutboxSender (the store
// server's own, constructed with its config) sends it to a real relay process on SQLite.

import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLog } from '../../edge/src/core/log.js'
import { OutboxSender } from '../../edge/src/outbox/sender.js'
import { DB_FILE, openDatabase } from '../../edge/src/store/db.js'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { StoreDay } from './relay-events.js'
import { registerStore, startRelayProc, stopRelayProc, storeStats, type RelayProc } from './relay-proc.js'
import { cpuSecondsOf, memoryOf } from './server.js'
import { MachineWindow } from './machine-load.js'

const DAY_MS = 86_400_000
/** The outage: the 24 hours before this (a Tuesday), events spread evenly through it. */
const OUTAGE_END = Date.parse('2026-03-03T06:00:00Z')

export interface FilledOutbox { dir: string, rows: number, seconds: number, fileMB: number, byType: Record<string, number> }

/** A store database whose outbox holds `events` rows written over a day; the WAL is folded in. */
export function fillOutbox (events: number, log: (m: string) => void): FilledOutbox {
  const t0 = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-outbox-'))
  try {
    const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: createLog({ level: 'warn', destination: process.stderr }), now: () => new Date(OUTAGE_END - DAY_MS).toISOString() })
    const rows = new OutboxRows(db)
    const day = new StoreDay('CA_1', 11, (i) => OUTAGE_END - DAY_MS + Math.floor(i * DAY_MS / events))
    const CHUNK = 50_000 // rows a transaction: one commit per chunk, as fast as SQLite takes them
    for (let done = 0; done < events; done += CHUNK) {
      db.transaction(() => { for (let i = done; i < Math.min(events, done + CHUNK); i++) rows.add(day.next()) })()
      if (done % 250_000 === 0 && done > 0) log(`outbox: ${done} rows written`)
    }
    const byType = rows.byTypeCounts()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const seconds = (performance.now() - t0) / 1000
    return { dir, rows: events, seconds, fileMB: statSync(join(dir, DB_FILE)).size / 1048576, byType }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

export interface DrainResult {
  batchMax: number
  events: number
  seconds: number
  eventsPerS: number
  batches: number
  /** Compressed bytes posted, and per event. */
  bytes: number
  bytesPerEvent: number
  relay: { rssMB: number, peakMB: number, cpuCores: number, problems: number }
  /** CPU of this process (the sender: reading rows, JSON, gzip, deleting) and of the whole machine, cores. */
  benchCpuCores: number
  machineBusyCores: number
  relayStored: number
  outboxLeft: number
}

/** Drains a copy of the filled outbox with outboxBatchMax = batchMax to a fresh relay process. */
export async function drainOutbox (o: { filled: FilledOutbox, batchMax: number, relayEntry: string, adminToken: string, profileDir?: string, log: (m: string) => void, hold: (undo: (() => Promise<void>) | null) => void }): Promise<DrainResult> {
  const storeDir = mkdtempSync(join(tmpdir(), 'bench-relay-store-'))
  const relayDir = mkdtempSync(join(tmpdir(), 'bench-relay-sqlite-'))
  copyFileSync(join(o.filled.dir, DB_FILE), join(storeDir, DB_FILE))
  let relay: RelayProc | null = null
  let sender: OutboxSender | null = null
  let db: ReturnType<typeof openDatabase> | null = null
  const undo = async (): Promise<void> => {
    await sender?.stop()
    if (db?.open === true) db.close()
    if (relay !== null) await stopRelayProc(relay)
    rmSync(storeDir, { recursive: true, force: true })
    rmSync(relayDir, { recursive: true, force: true })
  }
  o.hold(undo)
  try {
    relay = await startRelayProc(o.relayEntry, { RELAY_DATA_DIR: relayDir, RELAY_ADMIN_TOKEN: o.adminToken }, { profileDir: o.profileDir, name: `relay-a-${o.batchMax}` })
    const token = await registerStore(relay.url, o.adminToken, 'CA_1')
    const log = createLog({ level: 'warn', destination: process.stderr })
    db = openDatabase({ dataDir: storeDir, synchronous: 'FULL', log, now: () => new Date().toISOString() })
    const rows = new OutboxRows(db)
    sender = new OutboxSender({
      config: { relayUrl: relay.url, relayToken: token, storeId: 'CA_1', outboxBatchMax: o.batchMax, outboxBackoffMinMs: 1000, outboxBackoffMaxMs: 300_000, outboxMaxBytesPerS: 0, outboxSendTimeoutMs: 30_000, outboxLingerMs: 200 },
      rows,
      log
    })
    const relayCpu0 = cpuSecondsOf(relay.pid)
    const own0 = process.cpuUsage()
    const machine = new MachineWindow()
    let rssMax = 0
    const t0 = performance.now()
    sender.start()
    let lastLog = t0
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const s = sender.status()
      rssMax = Math.max(rssMax, memoryOf(relay.pid).rssMB)
      if (s.sentRows >= o.filled.rows) break
      if (s.state === 'refused' || s.failures > 3) throw new Error(`the sender is failing: ${JSON.stringify(s.lastError)}`)
      if (performance.now() - lastLog > 10_000) { lastLog = performance.now(); o.log(`(a) batch ${o.batchMax}: ${s.sentRows} rows acknowledged`) }
    }
    const seconds = (performance.now() - t0) / 1000
    const own = process.cpuUsage(own0)
    const relayCpu = cpuSecondsOf(relay.pid) - relayCpu0
    const busy = machine.busyCores()
    const mem = memoryOf(relay.pid)
    const st = sender.status()
    await sender.stop()
    sender = null
    const s0 = await storeStats(relay.url, o.adminToken, 'CA_1')
    const left = rows.depth().reduce((n, l) => n + l.rows, 0)
    const problems = relay.problemCount
    await stopRelayProc(relay)
    relay = null
    await undo()
    o.hold(null)
    return {
      batchMax: o.batchMax,
      events: o.filled.rows,
      seconds,
      eventsPerS: o.filled.rows / seconds,
      batches: st.sentBatches,
      bytes: st.sentBytes,
      bytesPerEvent: st.sentBytes / o.filled.rows,
      relay: { rssMB: mem.rssMB, peakMB: Math.max(mem.peakMB, rssMax), cpuCores: relayCpu / seconds, problems },
      benchCpuCores: (own.user + own.system) / 1e6 / seconds,
      machineBusyCores: busy,
      relayStored: s0.storedCount,
      outboxLeft: left
    }
  } catch (err) {
    await undo()
    o.hold(null)
    throw err
  }
}
