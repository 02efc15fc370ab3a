// Fault test with real processes: PostgreSQL crashes (pg_ctl stop -m immediate) under load and
// comes back a few seconds later. Two relay processes (their real command line) share it and
// forward to a fake ERP; three stores send backlogs that keep growing through the outage (two real
// store servers, one on each relay, and a raw batch poster that alternates between the relays).
// While the database is down the relays stay up, answer 503 with a stable code (the stores keep
// their rows) and say so on /v1/health; afterwards every event reaches the ERP once, in seq order
// per store, the outboxes empty and the daily reconciliation agrees.
// The database is a throwaway cluster of this test, never the shared one on 5432.

import t from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import { Writable } from 'node:stream'
import { digestOf } from '../../edge/src/core/digest.js'
import { createLog } from '../../edge/src/core/log.js'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { startTestServer, waitFor } from '../../edge/test/helpers/server.js'
import { RelayErrors } from '../src/storage/errors.js'
import { PostgresRelayStorage } from '../src/storage/postgres.js'
import { startPgCluster } from './helpers/pg-cluster.js'
import { startRelayChild, type RelayChild } from './relay-child.js'

const ROWS = 600 // per store
const WRITE_EVERY_MS = 50 // the stores write 15 rows every 50 ms: 2 s of writing, through the outage
const WRITE_ROWS = 15
// The database crashes mid-drain: once the stores have written this many rows each and the ERP has some.
const CRASH_WRITTEN = 240
const CRASH_AT_ERP = 60
const DOWN_AT_LEAST_MS = 2000
const UNAVAILABLE = RelayErrors.STORAGE_UNAVAILABLE.code

/** Polls an async condition (a fetch) until it holds. */
async function until (cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The fake ERP webhook: applies each Idempotency-Key once and records, per store, what arrived first in what order. */
function startFakeErp (): Promise<{ url: string, firsts: Map<string, Array<{ seq: number, eventId: string }>>, repeats: () => number, total: () => number, close: () => Promise<void> }> {
  const seen = new Set<string>()
  const firsts = new Map<string, Array<{ seq: number, eventId: string }>>()
  let repeats = 0
  const body = async (req: IncomingMessage): Promise<string> => { let s = ''; for await (const c of req) s += String(c); return s }
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      const key = req.headers['idempotency-key']
      if (typeof key !== 'string') { res.writeHead(400).end('no idempotency key'); return }
      const e = JSON.parse(text) as { storeId: string, seq: number, eventId: string }
      if (seen.has(key)) repeats++
      else {
        seen.add(key)
        const list = firsts.get(e.storeId) ?? []
        list.push({ seq: e.seq, eventId: e.eventId })
        firsts.set(e.storeId, list)
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/erp`,
    firsts,
    repeats: () => repeats,
    total: () => seen.size,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) })
  })))
}

/** A store's warn/error log lines (pino JSON), to check every failed send was the clear 503. */
function capturedLog (): { log: ReturnType<typeof createLog>, lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l)); done() } })
  return { log: createLog({ level: 'warn', destination: sink }), lines }
}

/** A store without a server: posts batches like the sender (rows kept until acknowledged), alternating between relays. */
function rawStore (storeId: string, token: string, relays: string[]): { add: (n: number) => void, pending: () => number, failures: Array<{ status: number, code: string | null }>, acked: Array<{ eventId: string, createdAt: string }>, stop: () => Promise<void> } {
  const queue: Array<{ seq: number, eventId: string, type: string, lane: string, sku: string, payload: Record<string, unknown>, occurredAt: string, createdAt: string }> = []
  const failures: Array<{ status: number, code: string | null }> = []
  const acked: Array<{ eventId: string, createdAt: string }> = []
  let seq = 0
  let stopped = false
  let n = 0
  const loop = (async () => {
    while (!stopped) {
      const batch = queue.slice(0, 20)
      if (batch.length === 0) { await new Promise((resolve) => setTimeout(resolve, 20)); continue }
      const url = `${relays[n++ % relays.length]}/v1/stores/${storeId}/batches`
      try {
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ storeId, events: batch }) })
        const b = await res.json() as { stored?: number, duplicates?: number, error?: { code?: string } }
        if (res.status === 200 && (b.stored ?? 0) + (b.duplicates ?? 0) === batch.length) {
          queue.splice(0, batch.length)
          acked.push(...batch.map((e) => ({ eventId: e.eventId, createdAt: e.createdAt })))
          continue
        }
        failures.push({ status: res.status, code: b.error?.code ?? null })
      } catch (err) {
        failures.push({ status: 0, code: (err as Error).message })
      }
      await new Promise((resolve) => setTimeout(resolve, 50)) // rows kept; try again shortly
    }
  })()
  return {
    add: (k) => {
      for (let i = 0; i < k; i++) {
        seq++
        queue.push({ seq, eventId: `receipt:${seq}`, type: 'receipt', lane: 'normal', sku: 'FOODS_1_001', payload: { i: seq }, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: new Date().toISOString() })
      }
    },
    pending: () => queue.length,
    failures,
    acked,
    stop: async () => { stopped = true; await loop }
  }
}

t.test('PostgreSQL crashes and restarts under load: the relays stay up, answer 503, and every event reaches the ERP once, in order', async (t) => {
  const pg = await startPgCluster(t)
  const setup = await PostgresRelayStorage.open({ connectionString: pg.url })
  const tokens: Record<string, string> = {}
  for (const id of ['store-a', 'store-b', 'store-c']) tokens[id] = (await setup.registerStore(id)).token
  await setup.close()

  const erp = await startFakeErp()
  t.teardown(() => erp.close())
  const env = { RELAY_DATABASE_URL: pg.url, RELAY_FORWARD_URL: erp.url, RELAY_FORWARD_WORKERS: '2' }
  const relays: RelayChild[] = await Promise.all([startRelayChild(env, 40_000), startRelayChild(env, 40_000)])
  const died: string[] = []
  relays.forEach((r, i) => { void r.exited.then((code) => died.push(`relay ${i} exited (${String(code)}):\n${r.output().slice(-4000)}`)) })
  t.teardown(async () => {
    for (const r of relays) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGTERM')
    const killer = setTimeout(() => { for (const r of relays) r.proc.kill('SIGKILL') }, 10_000)
    await Promise.all(relays.map((r) => r.exited))
    clearTimeout(killer)
  })
  const relayUrl = (i: number): string => `http://127.0.0.1:${relays[i].port}`

  const storeOpts = { outboxBatchMax: 20, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 200, outboxHeartbeatS: 1 }
  const logA = capturedLog()
  const logB = capturedLog()
  // No master data: the stores only send their outboxes here.
  const [a, b] = await Promise.all([
    startTestServer(t, { ...storeOpts, storeId: 'store-a', relayUrl: relayUrl(0), relayToken: tokens['store-a'] }, { log: logA.log, masterData: false }),
    startTestServer(t, { ...storeOpts, storeId: 'store-b', relayUrl: relayUrl(1), relayToken: tokens['store-b'] }, { log: logB.log, masterData: false })
  ])
  const c = rawStore('store-c', tokens['store-c'], [relayUrl(0), relayUrl(1)])
  t.teardown(() => c.stop())
  const outbox = { 'store-a': new OutboxRows(a.db), 'store-b': new OutboxRows(b.db) }
  // A count, not the rows: waitFor polls it every few ms in the process that also runs the stores and the ERP.
  const depth = (rows: OutboxRows): number => rows.depth().reduce((n, l) => n + l.rows, 0)
  const pending = (): number => depth(outbox['store-a']) + depth(outbox['store-b']) + c.pending()

  // The stores write for about 2 s: the first CRASH_WRITTEN rows before the crash, the rest during
  // the outage (the writer waits for the crash there, so a slow machine cannot finish writing first).
  let written = 0
  let crashed: () => void = () => {}
  const crash = new Promise<void>((resolve) => { crashed = resolve })
  const writer = (async () => {
    while (written < ROWS) {
      if (written >= CRASH_WRITTEN) await crash
      const k = Math.min(WRITE_ROWS, ROWS - written)
      for (const rows of Object.values(outbox)) {
        for (let i = written + 1; i <= written + k; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'FOODS_1_001', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' })
      }
      c.add(k)
      written += k
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS))
    }
  })()

  await waitFor(() => written >= CRASH_WRITTEN && erp.total() >= CRASH_AT_ERP, 20_000, `${CRASH_WRITTEN} rows per store written and ${CRASH_AT_ERP} events at the ERP`)
  await pg.stop('immediate')
  const downAt = Date.now()
  crashed()
  t.ok(erp.total() > 0 && erp.total() < 3 * ROWS && written < ROWS, `crashed mid-drain: ${erp.total()} events at the ERP, ${written} of ${ROWS} rows per store written`)

  // While it is down: health says so on both relays, every store is answered 503 with the code, rows stay.
  const health = async (i: number): Promise<{ status: number, body: Record<string, any> }> => {
    const res = await fetch(`${relayUrl(i)}/v1/health`)
    return { status: res.status, body: await res.json() as Record<string, any> }
  }
  for (const i of [0, 1]) {
    await until(async () => (await health(i)).body.database?.state === 'down', 10_000, `relay ${i} health to say the database is down`)
    t.match(await health(i), { status: 503, body: { status: 'degraded', storage: 'postgres', database: { state: 'down', code: UNAVAILABLE } } }, `relay ${i}: /v1/health says the database is down`)
  }
  await waitFor(() => a.sender.status().lastError?.status === 503 && b.sender.status().lastError?.status === 503 && c.failures.length > 0, 10_000, 'every store to be answered 503')
  t.match(a.sender.status().lastError, { status: 503, code: UNAVAILABLE }, 'store-a was answered 503 with a stable code')
  t.match(b.sender.status().lastError, { status: 503, code: UNAVAILABLE }, 'store-b was answered 503 with a stable code')
  await waitFor(() => Date.now() - downAt >= DOWN_AT_LEAST_MS && written >= ROWS, 20_000, 'the outage to last and the stores to finish writing')
  t.ok(pending() > 0, `the stores kept ${pending()} rows while the database was down`)
  t.same(died, [], 'both relay processes are still up while the database is down')

  await pg.start()
  await writer
  await waitFor(() => pending() === 0, 30_000, 'every outbox to empty')
  await waitFor(() => erp.total() === 3 * ROWS, 30_000, `all ${3 * ROWS} events at the ERP`)
  t.same(died, [], 'both relay processes survived the restart')
  for (const i of [0, 1]) t.match(await health(i), { status: 200, body: { status: 'ok', database: { state: 'up' } } }, `relay ${i}: /v1/health says the database is back`)

  const expected = Array.from({ length: ROWS }, (_, k) => `receipt:${k + 1}`)
  for (const id of ['store-a', 'store-b', 'store-c']) {
    const got = erp.firsts.get(id) ?? []
    t.same(got.map((e) => e.eventId), expected, `${id}: all ${ROWS} events at the ERP, each once, in the order written`)
    t.ok(got.every((e, k) => k === 0 || e.seq > got[k - 1].seq), `${id}: in seq order`)
  }
  t.comment(`ERP: ${erp.total()} events, ${erp.repeats()} repeats of an event already applied (the idempotency key drops them)`)

  // Every failed send was the clear 503, never a 500 or a cut connection.
  const notDelivered = [...logA.lines, ...logB.lines].filter((l) => l.msg === 'outbox batch not delivered: rows kept, retrying')
  t.ok(notDelivered.length > 0, `the real stores logged ${notDelivered.length} failed sends`)
  t.same(notDelivered.filter((l) => l.status !== 503 || l.code !== UNAVAILABLE).map((l) => ({ status: l.status, code: l.code, message: l.message })), [], 'every failed send of a store server was a 503 with the code')
  t.same(c.failures.filter((f) => f.status !== 503 || f.code !== UNAVAILABLE), [], `every failed send of the raw store (${c.failures.length}) was a 503 with the code`)

  // The reconciliation: a heartbeat that counts every acknowledged row, then the relay agrees.
  const days = new Map<string, string[]>()
  for (const e of c.acked) days.set(e.createdAt.slice(0, 10), [...(days.get(e.createdAt.slice(0, 10)) ?? []), e.eventId])
  const beat = await fetch(`${relayUrl(1)}/v1/stores/store-c/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens['store-c']}`, 'content-type': 'application/json' },
    body: JSON.stringify({ acked: [...days].map(([day, ids]) => ({ day, rows: ids.length, digest: digestOf(ids) })) })
  })
  t.equal(beat.status, 200, 'store-c reported what was acknowledged')
  type Recon = { days: Array<{ store: { rows: number }, relay: { rows: number }, match: boolean }>, allMatch: boolean }
  for (const id of ['store-a', 'store-b', 'store-c']) {
    let recon: Recon = { days: [], allMatch: false }
    const storeRows = (): number => recon.days.reduce((n, d) => n + d.store.rows, 0)
    // A heartbeat collected before the last batch was acknowledged may land after it: wait for one that has them all.
    await until(async () => {
      recon = await (await fetch(`${relayUrl(0)}/v1/stores/${id}/reconciliation`)).json() as Recon
      return storeRows() === ROWS
    }, 15_000, `a heartbeat of ${id} that counts all ${ROWS} rows`)
    t.equal(recon.days.reduce((n, d) => n + d.relay.rows, 0), ROWS, `${id}: the relay holds ${ROWS} rows`)
    t.equal(recon.allMatch, true, `${id}: the reconciliation matches (count and digest)`)
  }
  t.same(died, [], 'both relay processes are still up at the end')
})
