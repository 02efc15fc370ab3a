// The outbox sender against a relay on a real socket (a small HTTP server speaking the relay's batch
// protocol, until cloud-relay/ has its own): urgent rows first, gzip and the store's token on the
// wire, rows deleted only once the relay says it has every one, kept through failures and refusals,
// and sent once the link is back.

import t from 'tap'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { silentLog } from '../../src/core/log.js'
import { backoffMs } from '../../src/outbox/backoff.js'
import { Bandwidth } from '../../src/outbox/bandwidth.js'
import { OutboxSender } from '../../src/outbox/sender.js'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { startTestServer, waitFor } from '../helpers/server.js'

interface Relay {
  url: string
  batches: Array<{ auth: string | undefined, encoding: string | undefined, events: Array<{ seq: number, eventId: string, lane: string }> }>
  /** What the next posts answer: 'ok', a status code, or 'partial' (accounts for one row fewer). */
  mode: 'ok' | 'partial' | number
  /** Milliseconds each batch's answer is held back (a relay at work). */
  delayMs: number
  close (): Promise<void>
}

async function relay (port = 0): Promise<Relay> {
  const seen = new Set<string>()
  const r: Relay = { url: '', batches: [], mode: 'ok', delayMs: 0, close: async () => {} }
  const body = (req: IncomingMessage): Promise<Buffer> => new Promise((resolve) => { const c: Buffer[] = []; req.on('data', (x: Buffer) => c.push(x)); req.on('end', () => resolve(Buffer.concat(c))) })
  const server: Server = createServer((req, res) => {
    void body(req).then(async (raw) => {
      // Heartbeats are taken and not counted: these tests are about batches.
      if (req.url?.endsWith('/heartbeat') === true) { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); return }
      const json = JSON.parse(gunzipSync(raw).toString('utf8')) as { events: Relay['batches'][number]['events'] }
      r.batches.push({ auth: req.headers.authorization, encoding: req.headers['content-encoding'], events: json.events })
      if (r.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, r.delayMs))
      if (typeof r.mode === 'number') {
        res.writeHead(r.mode, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: r.mode === 401 ? 'RELAY_ERR_UNAUTHORIZED' : 'RELAY_ERR_INTERNAL', message: 'test relay says no' } }))
        return
      }
      let stored = 0
      let duplicates = 0
      for (const e of json.events) { if (seen.has(e.eventId)) duplicates++; else { seen.add(e.eventId); stored++ } }
      if (r.mode === 'partial') stored--
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stored, duplicates, highestSeq: Math.max(...json.events.map((e) => e.seq)) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  r.close = () => new Promise((resolve) => server.close(() => resolve()))
  return r
}

const row = (rows: OutboxRows, id: string, type: 'order' | 'receipt'): void => {
  rows.add({ eventId: id, type, sku: 'FOODS_1_001', payload: { id }, occurredAt: '2016-03-01T10:00:00.000Z' })
}

t.test('urgent rows go first, compressed and with the store token; the relay has each once and the outbox empties', async (t) => {
  const r = await relay()
  t.teardown(() => r.close())
  // The relay is down at start: rows pile up, receipts first, then an order.
  r.mode = 503
  const server = await startTestServer(t, { relayUrl: r.url, relayToken: 'store-1-token-0123456789', outboxBatchMax: 2, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 80 })
  const rows = new OutboxRows(server.db)
  row(rows, 'receipt:1', 'receipt')
  row(rows, 'receipt:2', 'receipt')
  row(rows, 'receipt:3', 'receipt')
  row(rows, 'order:1', 'order')
  await waitFor(() => server.sender.status().failures >= 2)
  t.match(server.sender.status(), { state: 'backoff', lastError: { status: 503, code: 'RELAY_ERR_INTERNAL' } })
  t.equal(rows.after(0, 10).length, 4, 'nothing deleted while the relay is down')
  t.ok(r.batches.every((b) => b.events[0].lane === 'urgent'), 'while it fails, the order is what it keeps trying first')

  r.batches.length = 0
  r.mode = 'ok'
  await waitFor(() => rows.after(0, 10).length === 0, 5000)
  t.same(r.batches.map((b) => b.events.map((e) => e.eventId)), [['order:1'], ['receipt:1', 'receipt:2'], ['receipt:3']], 'the order first, then receipts in batches of 2 in seq order')
  t.ok(r.batches.every((b) => b.auth === 'Bearer store-1-token-0123456789' && b.encoding === 'gzip'))
  t.match(server.sender.status(), { failures: 0, sentRows: 4, lastAck: { batchRows: 1 } })
  const box = (await server.app.inject({ url: '/api/v1/outbox' })).json()
  t.match(box, { total: 0, sender: { state: 'idle', sentBatches: 3 } })
})

t.test('a refusal keeps the rows and says why; an answer that does not cover the batch deletes nothing', async (t) => {
  const r = await relay()
  t.teardown(() => r.close())
  r.mode = 401
  const server = await startTestServer(t, { relayUrl: r.url, relayToken: 'wrong-token-0123456789', outboxBackoffMinMs: 20, outboxBackoffMaxMs: 150 })
  const rows = new OutboxRows(server.db)
  row(rows, 'order:7', 'order')
  await waitFor(() => server.sender.status().state === 'refused')
  t.match(server.sender.status(), { lastError: { status: 401, code: 'RELAY_ERR_UNAUTHORIZED' } })
  t.equal(rows.after(0, 10).length, 1, 'kept until the cause is fixed')
  r.mode = 'partial'
  await waitFor(() => r.batches.length >= 2, 3000)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(rows.after(0, 10).length, 1, 'one row not accounted for: the batch stays')
  r.mode = 'ok'
  await waitFor(() => rows.after(0, 10).length === 0, 3000)
  t.pass('sent once the relay takes it (it counted the earlier copy as a duplicate)')
})

t.test('without relayUrl the sender is off and the rows wait', async (t) => {
  const server = await startTestServer(t)
  new OutboxRows(server.db).add({ eventId: 'order:1', type: 'order', sku: null, payload: {}, occurredAt: '2016-03-01T10:00:00.000Z' })
  t.match(server.sender.status(), { enabled: false, state: 'off' })
  t.equal((await server.app.inject({ url: '/api/v1/outbox' })).json().total, 1)
})

t.test('backoff: exponential bound, capped, full jitter, never below the minimum', async (t) => {
  t.equal(backoffMs(1, 100, 10_000, () => 1), 100)
  t.equal(backoffMs(4, 100, 10_000, () => 1), 800)
  t.equal(backoffMs(40, 100, 10_000, () => 1), 10_000, 'capped')
  t.equal(backoffMs(4, 100, 10_000, () => 0.5), 400, 'jitter: a share of the bound')
  t.equal(backoffMs(4, 100, 10_000, () => 0), 100, 'never below the minimum')
})

t.test('when the link comes back the backlog goes at once, not at the end of the backoff', async (t) => {
  const first = await relay()
  const port = Number(new URL(first.url).port)
  await first.close() // the link is down: nothing listens there
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  row(rows, 'order:1', 'order')
  const sender = new OutboxSender({
    config: { relayUrl: first.url, relayToken: 't', storeId: 'store-1', outboxBatchMax: 100, outboxBackoffMinMs: 60_000, outboxBackoffMaxMs: 120_000, outboxMaxBytesPerS: 0, outboxSendTimeoutMs: 30_000, outboxLingerMs: 0 },
    rows,
    log: silentLog(),
    probeEveryMs: 50
  })
  sender.start()
  t.teardown(() => sender.stop())
  await waitFor(() => sender.status().failures === 1)
  t.match(sender.status(), { state: 'backoff', lastError: { status: null } })
  const back = await relay(port)
  t.teardown(() => back.close())
  await waitFor(() => rows.after(0, 10).length === 0, 3000)
  t.equal(back.batches.length, 1, 'sent within the probe interval, a minute before the backoff would have')
})

const senderConfig = (url: string, over: { outboxBatchMax: number, outboxLingerMs: number }): ConstructorParameters<typeof OutboxSender>[0]['config'] =>
  ({ relayUrl: url, relayToken: 't', storeId: 'store-1', outboxBackoffMinMs: 20, outboxBackoffMaxMs: 80, outboxMaxBytesPerS: 0, outboxSendTimeoutMs: 30_000, ...over })

t.test('a sender stopped while it watches a down link leaves no timer behind (the process can exit)', async (t) => {
  const gone = await relay()
  await gone.close() // nothing listens there: the send fails and the sender watches the link
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  row(rows, 'order:1', 'order')
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  const before = timers()
  const sender = new OutboxSender({
    config: { relayUrl: gone.url, relayToken: 't', storeId: 'store-1', outboxBatchMax: 100, outboxBackoffMinMs: 60_000, outboxBackoffMaxMs: 120_000, outboxMaxBytesPerS: 0, outboxSendTimeoutMs: 30_000, outboxLingerMs: 0 },
    rows,
    log: silentLog(),
    probeEveryMs: 60_000
  })
  sender.start()
  await waitFor(() => sender.status().failures === 1)
  t.ok(timers() >= before + 2, 'backing off: the backoff and the next link probe wait')
  await sender.stop()
  t.equal(timers(), before, 'stopped: neither is left waiting')
  t.equal(rows.after(0, 10).length, 1, 'the row is kept')
})

t.test('batches go by size and by time: a partial batch lingers, a full one and an urgent row do not', async (t) => {
  const r = await relay()
  t.teardown(() => r.close())
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  // A minute of linger: a partial batch of receipts can only go once it is full.
  const sender = new OutboxSender({ config: senderConfig(r.url, { outboxBatchMax: 3, outboxLingerMs: 60_000 }), rows, log: silentLog(), idleMs: 20 })
  sender.start()
  t.teardown(() => sender.stop())
  row(rows, 'receipt:1', 'receipt')
  row(rows, 'receipt:2', 'receipt')
  row(rows, 'order:1', 'order')
  await waitFor(() => r.batches.length === 1)
  t.same(r.batches[0].events.map((e) => e.eventId), ['order:1'], 'the order went at once, alone')
  row(rows, 'receipt:3', 'receipt')
  await waitFor(() => r.batches.length === 2)
  t.same(r.batches[1].events.map((e) => e.eventId), ['receipt:1', 'receipt:2', 'receipt:3'], 'the receipts went when the batch was full, as one request')
})

t.test('a partial batch goes once it has lingered outboxLingerMs, with what arrived meanwhile', async (t) => {
  const r = await relay()
  t.teardown(() => r.close())
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  const sender = new OutboxSender({ config: senderConfig(r.url, { outboxBatchMax: 100, outboxLingerMs: 300 }), rows, log: silentLog(), idleMs: 20 })
  sender.start()
  t.teardown(() => sender.stop())
  const start = Date.now()
  row(rows, 'receipt:1', 'receipt')
  await new Promise((resolve) => setTimeout(resolve, 100))
  row(rows, 'receipt:2', 'receipt')
  await waitFor(() => r.batches.length === 1)
  t.ok(Date.now() - start >= 250, `waited for the linger (${Date.now() - start} ms)`)
  t.same(r.batches[0].events.map((e) => e.eventId), ['receipt:1', 'receipt:2'], 'one request for both')
  await waitFor(() => rows.after(0, 10).length === 0)
})

t.test('a backlog goes batch after batch, the next one ready when the answer comes; an urgent row still overtakes it', async (t) => {
  const r = await relay()
  t.teardown(() => r.close())
  r.delayMs = 150
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  server.db.transaction(() => { for (let i = 1; i <= 8; i++) row(rows, `receipt:${i}`, 'receipt') })()
  const sender = new OutboxSender({ config: senderConfig(r.url, { outboxBatchMax: 2, outboxLingerMs: 0 }), rows, log: silentLog(), idleMs: 20 })
  sender.start()
  t.teardown(() => sender.stop())
  await waitFor(() => r.batches.length === 1)
  row(rows, 'order:1', 'order') // while the relay holds the first batch and the second is prepared
  await waitFor(() => rows.after(0, 20).length === 0)
  t.same(r.batches.map((b) => b.events.map((e) => e.eventId).join(',')), [
    'receipt:1,receipt:2', 'order:1', 'receipt:3,receipt:4', 'receipt:5,receipt:6', 'receipt:7,receipt:8'
  ], 'the order went second; the receipts in order, each once')
})

t.test('the bandwidth cap spreads a backlog: a second of allowance, then a wait for what is over', async (t) => {
  const b = new Bandwidth(1000)
  t.equal(b.take(600), 0)
  t.equal(b.take(400), 0, 'a second of allowance goes at once')
  const wait = b.take(500)
  t.ok(wait >= 490 && wait <= 500, `500 bytes over: about half a second (${wait} ms)`)
  t.equal(new Bandwidth(0).take(1e9), 0, '0 = no cap')
})
