// A store server and the relay, both real on real sockets: the store's outbox reaches the relay
// once (an order and receipts, the order first), the store's outbox empties, and a relay that is
// down for a while only delays it.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { startTestServer, waitFor } from '../../edge/test/helpers/server.js'
import { loadRelayConfig } from '../src/config.js'
import { startRelay } from '../src/main.js'
import { SqliteRelayStorage } from '../src/storage/sqlite.js'

t.test('the outbox drains into the relay, each event once, and survives the relay being away', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-e2e-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const config = loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent' } })
  let relay = await startRelay(config)
  const port = relay.port
  const { token } = await relay.storage.registerStore('store-1')
  await relay.close() // away when the store starts writing

  const store = await startTestServer(t, { relayUrl: `http://127.0.0.1:${port}`, relayToken: token, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 200 })
  const rows = new OutboxRows(store.db)
  for (let i = 1; i <= 5; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'FOODS_1_001', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' })
  rows.add({ eventId: 'order:1', type: 'order', sku: 'FOODS_1_001', payload: { qty: 24 }, occurredAt: '2016-03-01T10:00:00.000Z' })
  await waitFor(() => store.sender.status().failures >= 1, 5000)
  t.equal(rows.after(0, 100).length, 6, 'kept while the relay is away')

  relay = await startRelay({ ...config, httpPort: port })
  t.teardown(() => relay.close())
  await waitFor(() => rows.after(0, 100).length === 0, 10_000)
  const stats = await relay.storage.stats('store-1')
  t.match(stats, { storedCount: 6, highestSeq: 6 })
  await relay.close()
  const again = new SqliteRelayStorage({ file: join(dir, 'relay.db') })
  const claim = await again.claimNext('w1', 100)
  t.same(claim?.events.map((e) => e.eventId), ['receipt:1', 'receipt:2', 'receipt:3', 'receipt:4', 'receipt:5', 'order:1'], 'each once, forwarded in the store\'s seq order')
  await again.close()
})

t.test('the store reports in every heartbeat; the fleet view shows it and flags a store gone quiet', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-fleet-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const relay = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent', adminToken: 'relay-admin-token-0123456789', staleAfterS: 10 } }))
  t.teardown(() => relay.close())
  const { token } = await relay.storage.registerStore('store-1', 'Main Street')
  await relay.storage.registerStore('store-2')
  const store = await startTestServer(t, { relayUrl: `http://127.0.0.1:${relay.port}`, relayToken: token, outboxHeartbeatS: 1 })
  await waitFor(() => store.heartbeat.status().sent >= 1, 5000)
  const res = await fetch(`http://127.0.0.1:${relay.port}/v1/fleet`, { headers: { authorization: 'Bearer relay-admin-token-0123456789' } })
  const view = await res.json() as { stores: Array<Record<string, any>>, alerts: number }
  const one = view.stores.find((s) => s.storeId === 'store-1')!
  t.match(one, { name: 'Main Street', alerts: [], reported: { versions: { server: String }, queue: { urgent: { rows: 0 } }, devices: { registered: Number }, disk: { dbBytes: Number }, sender: { state: String } } })
  t.ok(one.heartbeatAgeS <= 2)
  t.same(view.stores.find((s) => s.storeId === 'store-2')!.alerts, ['never_heard'], 'a store never heard from is flagged')
  t.equal(view.alerts, 1)
  const box = (await store.app.inject({ url: '/api/v1/outbox' })).json()
  t.match(box.heartbeat, { lastOk: true, lastStatus: 200 })
})

t.test('the daily reconciliation proves the relay holds exactly what the store sent, and catches a loss', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-recon-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const relay = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent' } }))
  t.teardown(() => relay.close())
  const { token } = await relay.storage.registerStore('store-1')
  const store = await startTestServer(t, { relayUrl: `http://127.0.0.1:${relay.port}`, relayToken: token, outboxHeartbeatS: 1, outboxBatchMax: 3 })
  const rows = new OutboxRows(store.db)
  for (let i = 1; i <= 7; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'FOODS_1_001', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' })
  await waitFor(() => rows.after(0, 100).length === 0, 10_000)
  const get = async (): Promise<{ days: Array<Record<string, any>>, allMatch: boolean }> => (await fetch(`http://127.0.0.1:${relay.port}/v1/stores/store-1/reconciliation`)).json() as Promise<{ days: Array<Record<string, any>>, allMatch: boolean }>
  // A heartbeat collected before the last batch was acknowledged may land after it: wait for one that has all seven.
  let ok = await get()
  for (let i = 0; i < 200 && ok.days[0]?.store.rows !== 7; i++) { await new Promise((resolve) => setTimeout(resolve, 50)); ok = await get() }
  t.equal(ok.days.length, 1, 'one day written')
  t.match(ok.days[0], { store: { rows: 7 }, relay: { rows: 7 }, match: true })
  t.equal(ok.allMatch, true)
  // Lose one event at the relay behind its back: the next reconciliation says so.
  const raw = new (await import('better-sqlite3')).default(join(dir, 'relay.db'))
  raw.prepare("DELETE FROM relay_events WHERE event_id = 'receipt:4'").run()
  raw.close()
  const lost = await get()
  t.match(lost.days[0], { store: { rows: 7 }, relay: { rows: 6 }, match: false })
  t.equal(lost.allMatch, false)
})

t.test('a refused token keeps the rows and is alarmed on health and /metrics; with the right token after a restart they go, once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-refused-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const relay = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: join(dir, 'relay'), logLevel: 'silent' } }))
  t.teardown(() => relay.close())
  const { token } = await relay.storage.registerStore('store-1')
  const storeDir = join(dir, 'store')
  const cfg = { relayUrl: `http://127.0.0.1:${relay.port}`, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 200, outboxLingerMs: 0 }
  const wrong = await startTestServer(t, { ...cfg, relayToken: 'a-token-someone-mistyped-0123456789' }, { dataDir: storeDir, keepData: true })
  const rows = new OutboxRows(wrong.db)
  for (let i = 1; i <= 4; i++) rows.add({ eventId: `adj:${i}`, type: 'inventory_adjustment', sku: 'FOODS_1_001', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' })
  await waitFor(() => wrong.sender.status().state === 'refused', 5000)
  const health = (await wrong.app.inject({ url: '/api/v1/health' })).json()
  t.match(health.outbox, { sender: 'refused', sendFailures: Number, lastError: /401/ }, 'health says the relay refuses the store')
  const metrics = (await wrong.app.inject({ url: '/metrics' })).body
  t.match(metrics, /edge_outbox_sender_state\{state="refused"\} 1/)
  t.match(metrics, /edge_outbox_send_failures [1-9]/)
  t.match(metrics, /edge_outbox_last_error_timestamp_seconds [1-9]/)
  t.equal(rows.after(0, 10).length, 4, 'every row kept')
  t.equal((await relay.storage.stats('store-1'))?.storedCount, 0, 'nothing stored at the relay')
  await wrong.close()

  const fixed = await startTestServer(t, { ...cfg, relayToken: token }, { dataDir: storeDir })
  const again = new OutboxRows(fixed.db)
  await waitFor(() => again.after(0, 10).length === 0, 10_000)
  t.match(await relay.storage.stats('store-1'), { storedCount: 4, highestSeq: 4 })
  const after = (await fixed.app.inject({ url: '/metrics' })).body
  t.match(after, /edge_outbox_last_acked_seq 4/)
  t.match(after, /edge_outbox_sender_state\{state="refused"\} 0/)
  t.match((await fixed.app.inject({ url: '/api/v1/health' })).json().outbox, { sendFailures: 0, lastError: null })
})
