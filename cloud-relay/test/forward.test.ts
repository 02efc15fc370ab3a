// Forwarding to the ERP through the generic webhook, against a fake ERP on a real socket (the one
// part that cannot run here): every event once, in seq order per store, its idempotency key on the
// wire; an ERP answering 500 holds that store's stream where it is and it resumes in order; two
// relays sharing one database never send the same event.

import t from 'tap'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadRelayConfig } from '../src/config.js'
import { startRelay, type RelayServer } from '../src/main.js'

interface FakeErp { url: string, got: Array<{ key: string, storeId: string, seq: number }>, mode: 'ok' | 500, refuse: Set<string>, close (): Promise<void> }

async function fakeErp (): Promise<FakeErp> {
  const erp: FakeErp = { url: '', got: [], mode: 'ok', refuse: new Set(), close: async () => {} }
  const seen = new Set<string>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (erp.mode === 500) { res.writeHead(500).end('ERP down'); return }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { storeId: string, seq: number }
      const key = String(req.headers['idempotency-key'])
      if (erp.refuse.has(key)) { res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unknown item"}'); return }
      // A real ERP ignores a repeated idempotency key; the test records every call to catch repeats.
      if (!seen.has(key)) { seen.add(key); erp.got.push({ key, storeId: body.storeId, seq: body.seq }) } else erp.got.push({ key: `${key} (repeat)`, storeId: body.storeId, seq: body.seq })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  erp.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/erp`
  erp.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  return erp
}

const ev = (seq: number): Record<string, unknown> => ({ seq, eventId: `e${seq}`, type: 'order', lane: 'urgent', sku: 'S', payload: { seq }, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z' })

async function post (r: RelayServer, storeId: string, token: string, seqs: number[]): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${r.port}/v1/stores/${storeId}/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: new Uint8Array(gzipSync(JSON.stringify({ events: seqs.map(ev) })))
  })
  return res.status
}

async function until (cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

t.test('every event reaches the ERP once, in order per store, through an ERP answering 500, with two relays on one database', async (t) => {
  const erp = await fakeErp()
  t.teardown(() => erp.close())
  const dir = mkdtempSync(join(tmpdir(), 'relay-fwd-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const base = { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent', forwardUrl: erp.url, forwardWorkers: 2 }
  // Two relay processes' worth of workers on one SQLite file.
  const r1 = await startRelay(loadRelayConfig({ env: {}, overrides: base }))
  const r2 = await startRelay(loadRelayConfig({ env: {}, overrides: base }))
  t.teardown(async () => { await r1.close(); await r2.close() })
  const tokens: Record<string, string> = {}
  for (const s of ['A', 'B', 'C']) tokens[s] = (await r1.storage.registerStore(s)).token

  erp.mode = 500
  t.equal(await post(r1, 'A', tokens.A, [1, 2, 3]), 200)
  await until(() => [...r1.forwarders, ...r2.forwarders].some((f) => f.stats.failures > 0))
  t.equal(erp.got.length, 0, 'nothing taken while the ERP answers 500')
  t.match(await r1.storage.stats('A'), { forwardedCount: 0, lastError: /500/ })

  erp.mode = 'ok'
  // Twice and overlapping, to both relays, from three stores.
  t.equal(await post(r1, 'B', tokens.B, [1, 2, 3]), 200)
  t.equal(await post(r2, 'B', tokens.B, [2, 3, 4, 5]), 200)
  t.equal(await post(r2, 'A', tokens.A, [1, 2, 3, 4]), 200)
  t.equal(await post(r1, 'C', tokens.C, [1]), 200)
  await until(() => erp.got.length >= 10, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(erp.got.filter((g) => g.key.endsWith('(repeat)')), [], 'no event sent twice')
  for (const s of ['A', 'B', 'C']) {
    const seqs = erp.got.filter((g) => g.storeId === s).map((g) => g.seq)
    t.same(seqs, [...seqs].sort((a, b) => a - b), `store ${s} in seq order`)
  }
  t.same(erp.got.map((g) => g.key).sort(), ['A:e1', 'A:e2', 'A:e3', 'A:e4', 'B:e1', 'B:e2', 'B:e3', 'B:e4', 'B:e5', 'C:e1'], 'each event once, with its idempotency key')
  t.match(await r1.storage.stats('A'), { forwardedCount: 4, pendingCount: 0 })
})

t.test('an event the ERP refuses is dead-lettered with the reason; the rest go on; replayed after the fix it arrives once', async (t) => {
  const erp = await fakeErp()
  t.teardown(() => erp.close())
  const dir = mkdtempSync(join(tmpdir(), 'relay-dlq-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const admin = 'relay-admin-token-0123456789'
  const r = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent', forwardUrl: erp.url, forwardWorkers: 1, adminToken: admin } }))
  t.teardown(() => r.close())
  const { token } = await r.storage.registerStore('A')
  erp.refuse.add('A:e2')
  t.equal(await post(r, 'A', token, [1, 2, 3]), 200)
  await until(() => erp.got.length === 2)
  t.same(erp.got.map((g) => g.seq), [1, 3], 'e2 refused, e3 went on')
  const list = await (await fetch(`http://127.0.0.1:${r.port}/v1/dead-letters?storeId=A`, { headers: { authorization: `Bearer ${admin}` } })).json() as { deadLetters: Array<{ eventId: string, reason: string }> }
  t.match(list.deadLetters, [{ eventId: 'e2', reason: /422/ }])
  erp.refuse.clear() // the mapping is fixed at the ERP
  const replay = await fetch(`http://127.0.0.1:${r.port}/v1/stores/A/dead-letters/replay`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{}' })
  t.same(await replay.json(), { storeId: 'A', replayed: 1 })
  await until(() => erp.got.length === 3)
  t.same(erp.got.map((g) => g.key), ['A:e1', 'A:e3', 'A:e2'], 'the replayed event arrives once')
  // The ERP answers before the worker marks the claim done: wait for that commit.
  for (let i = 0; i < 200 && (await r.storage.stats('A'))?.pendingCount !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  t.match(await r.storage.stats('A'), { forwardedCount: 3, deadCount: 0, pendingCount: 0 })
})
