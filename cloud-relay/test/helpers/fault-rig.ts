// The fault tests' rig, all real on real sockets: a fake ERP webhook, a relay (SQLite in a temp dir,
// or PostgreSQL in a fresh schema dropped at teardown) forwarding to it with short time limits, a
// TCP proxy in front of the relay, and optionally a store server whose relayUrl is the proxy. The
// test writes ERP-bound outbox rows (mixed lanes), applies a fault, heals it, and asks `delivered`
// to check the end state every fault must leave.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import type { EdgeConfig } from '../../../edge/src/core/config.js'
import { OutboxRows, type OutboxLane, type OutboxType } from '../../../edge/src/store/outbox-rows.js'
import { startTestServer, type TestServer } from '../../../edge/test/helpers/server.js'
import { loadRelayConfig, type RelayConfig } from '../../src/config.js'
import { startRelay, type RelayServer } from '../../src/main.js'
import { PostgresRelayStorage } from '../../src/storage/postgres.js'
import { SqliteRelayStorage } from '../../src/storage/sqlite.js'
import type { RelayStorage } from '../../src/storage/types.js'
import { startFakeErp, type FakeErp } from './fake-erp.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

export type StorageKind = 'sqlite' | 'postgres'
export const PG_URL = process.env.RELAY_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

export const STORE_ID = 'store-1'

/** One row the test wrote, with the seq the store gave it. */
export interface Written { seq: number, eventId: string, type: OutboxType, lane: OutboxLane }

type Tap = Test

export interface Rig {
  relay: RelayServer
  erp: FakeErp
  proxy: TcpProxy
  token: string
  /** null with `store: false`. */
  store: TestServer | null
  written: Written[]
  /** Writes `n` rows into the store's outbox in one transaction (orders and adjustments urgent, receipts normal) and wakes the sender. */
  write (n: number): Written[]
  /** Relay stats of the store. */
  stats (): Promise<NonNullable<Awaited<ReturnType<RelayServer['storage']['stats']>>>>
  /**
   * The end state every fault must leave; `expected` defaults to every row written. Cumulative:
   * scenarios that share a rig check everything written so far.
   */
  delivered (t: Tap, expected?: Written[]): Promise<void>
}

/** The type of the i-th row: every fourth an order, every fourth an adjustment (urgent), the rest receipts (normal). */
export function typeOf (i: number): OutboxType {
  return i % 4 === 0 ? 'order' : i % 4 === 1 ? 'inventory_adjustment' : 'receipt'
}

export function payloadOf (i: number, type: OutboxType): Record<string, unknown> {
  return type === 'inventory_adjustment' ? { delta: -(1 + i % 3), i } : { qty: 1 + i % 12, i }
}

/** Polls an async condition (relay storage, HTTP) until it holds. */
export async function eventually (cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export async function startRig (t: Tap, o: { storage: StorageKind, store?: Partial<EdgeConfig> | false, relay?: Partial<RelayConfig>, leaseMs?: number }): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-faults-'))
  const undo: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })]
  // One teardown, in order: the store stops sending before the link and the relay go.
  t.teardown(async () => { for (const f of undo.reverse()) await f() })

  const erp = await startFakeErp()
  undo.push(() => erp.close())
  const config = loadRelayConfig({
    env: {},
    overrides: {
      host: '127.0.0.1',
      httpPort: 0,
      dataDir: dir,
      logLevel: 'silent',
      forwardUrl: erp.url,
      forwardWorkers: 2,
      // A hanging ERP costs 300 ms a call, a failure 20-200 ms of backoff: faults in seconds.
      forwardTimeoutMs: 300,
      forwardRetryMinMs: 20,
      forwardRetryMaxMs: 200,
      ...o.relay
    }
  })
  let opened: { storage: RelayStorage, kind: string } | undefined
  if (o.storage === 'sqlite' && o.leaseMs !== undefined) opened = { storage: new SqliteRelayStorage({ file: join(dir, 'relay.db'), leaseMs: o.leaseMs }), kind: 'sqlite' }
  if (o.storage === 'postgres') {
    const schema = `relay_faults_${randomBytes(5).toString('hex')}`
    undo.push(async () => {
      const c = new pg.Client({ connectionString: PG_URL })
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await c.end()
    })
    opened = { storage: await PostgresRelayStorage.open({ connectionString: PG_URL, schema, maxConnections: 4, leaseMs: o.leaseMs }), kind: 'postgres' }
  }
  const relay = await startRelay(config, opened)
  undo.push(() => relay.close())
  const { token } = await relay.storage.registerStore(STORE_ID)
  const proxy = await startTcpProxy({ port: relay.port })
  undo.push(() => proxy.close())

  let store: TestServer | null = null
  if (o.store !== false) {
    // No master data: the outbox needs none, and a server starts in about 2 s on a loaded machine.
    store = await startTestServer({ teardown: () => {} }, {
      storeId: STORE_ID,
      relayUrl: proxy.url,
      relayToken: token,
      outboxBatchMax: 10,
      outboxLingerMs: 0,
      // A stalled send gives up after 300 ms; retries after 20-200 ms.
      outboxSendTimeoutMs: 300,
      outboxBackoffMinMs: 20,
      outboxBackoffMaxMs: 200,
      outboxHeartbeatS: 1,
      ...o.store
    }, { masterData: false })
    undo.push(() => store!.close())
  }

  const written: Written[] = []
  const rows = store !== null ? new OutboxRows(store.db) : null
  const rig: Rig = {
    relay,
    erp,
    proxy,
    token,
    store,
    written,
    write (n) {
      if (store === null || rows === null) throw new Error('no store server in this rig')
      const from = written.length
      const top = store.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM outbox').pluck().get() as number
      // Synchronous from the insert to the read-back: the sender cannot take rows in between.
      store.db.transaction(() => {
        for (let i = from + 1; i <= from + n; i++) {
          const type = typeOf(i)
          rows.add({ eventId: `${type}:${i}`, type, sku: `FOODS_1_${String(i % 50).padStart(3, '0')}`, payload: payloadOf(i, type), occurredAt: new Date().toISOString() })
        }
      })()
      const added = rows.after(top, n).map((r) => ({ seq: r.seq, eventId: r.eventId, type: r.type, lane: r.lane }))
      if (added.length !== n) throw new Error(`wrote ${n} rows, read back ${added.length}`)
      written.push(...added)
      store.sender.kick()
      return added
    },
    stats: async () => (await relay.storage.stats(STORE_ID))!,
    async delivered (t, expected = written) {
      const n = expected.length
      if (store !== null) {
        await eventually(() => rows!.after(0, 1).length === 0, 20_000, 'the store outbox to empty')
        t.equal(rows!.after(0, 1).length, 0, 'the store outbox is empty')
      }
      await eventually(() => erp.applied.length >= n, 20_000, `the ERP to apply ${n} events`)
      // The worker commits after the ERP answers: wait for the relay to count them forwarded.
      await eventually(async () => (await rig.stats()).forwardedCount >= n, 10_000, 'the relay to mark every event forwarded')
      t.match(await rig.stats(), { storedCount: n, forwardedCount: n, pendingCount: 0, deadCount: 0 }, `the relay holds ${n} events, each once, all forwarded`)

      const want = new Map(expected.map((w) => [w.eventId, w]))
      t.equal(erp.applied.length, n, `the ERP applied ${n} events, no more`)
      t.same(erp.applied.map((a) => a.eventId).sort(), [...want.keys()].sort(), 'every event written, each exactly once')
      t.ok(erp.applied.every((a) => a.storeId === STORE_ID && a.seq === want.get(a.eventId)?.seq), 'under the seq the store gave it')
      const badKeys = erp.calls.filter((c) => c.key !== `${c.storeId}:${c.eventId}`)
      t.same(badKeys, [], 'every call, repeats included, carried the event\'s own idempotency key')
      const repeats = erp.calls.filter((c) => c.repeat).length
      t.equal(new Set(erp.calls.map((c) => c.key)).size, n, `${erp.calls.length} calls for ${n} keys (${repeats} repeats of a key already applied)`)
      // In order per store: each lane in the store's seq order. Lanes may overtake each other (an
      // order written after a day of receipts goes first); within a lane nothing may.
      for (const lane of ['urgent', 'normal'] as const) {
        const seqs = erp.applied.filter((a) => want.get(a.eventId)?.lane === lane).map((a) => a.seq)
        t.same(seqs, [...seqs].sort((a, b) => a - b), `the ${lane} lane reached the ERP in seq order (${seqs.length} events)`)
      }
      if (store !== null) {
        // Every row is acknowledged: a heartbeat now carries them all (not waiting for the next tick).
        await store.heartbeat.beat()
        await reconciled(t, relay, n)
      }
    }
  }
  return rig
}

/** Waits for a heartbeat that counts all `n` acknowledged rows, then checks the reconciliation. */
export async function reconciled (t: Tap, relay: RelayServer, n: number): Promise<void> {
  type Rec = { allMatch: boolean, days: Array<{ day: string, match: boolean, store: { rows: number }, relay: { rows: number } }> }
  let rec: Rec = { allMatch: false, days: [] }
  const get = async (): Promise<Rec> => await (await fetch(`http://127.0.0.1:${relay.port}/v1/stores/${STORE_ID}/reconciliation`)).json() as Rec
  // A heartbeat collected before the last batch was acknowledged may land after it: wait for one with all n.
  await eventually(async () => { rec = await get(); return rec.days.reduce((s, d) => s + d.store.rows, 0) >= n }, 10_000, `a heartbeat counting ${n} acknowledged rows`)
  t.equal(rec.days.reduce((s, d) => s + d.relay.rows, 0), n, `the reconciliation counts ${n} at the relay`)
  t.equal(rec.days.reduce((s, d) => s + d.store.rows, 0), n, `and ${n} acknowledged at the store`)
  t.equal(rec.allMatch, true, 'and says they match (counts and digests)')
}
