// The relay's HTTP API on a real socket with SQLite: a store registered by the operator posts
// gzip-compressed batches with its token and each (storeId, eventId) is stored once, out of order
// and twice included; bad tokens, another store's batch, malformed, oversized, backwards and
// unknown-type batches get a 4xx with a code and store nothing.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadRelayConfig } from '../src/config.js'
import { startRelay, type RelayServer } from '../src/main.js'

const ADMIN = 'relay-admin-token-0123456789'

async function relay (t: Tap, overrides: Record<string, unknown> = {}): Promise<RelayServer> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-http-'))
  const r = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, adminToken: ADMIN, logLevel: 'silent', ...overrides } }))
  t.teardown(async () => { await r.close(); rmSync(dir, { recursive: true, force: true }) })
  return r
}
type Tap = { teardown (fn: () => unknown): void }

async function call (r: RelayServer, method: string, path: string, opts: { token?: string, body?: unknown, gzip?: boolean, raw?: Buffer } = {}): Promise<{ status: number, body: any }> {
  const headers: Record<string, string> = {}
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body: Buffer | undefined
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = opts.raw ?? Buffer.from(JSON.stringify(opts.body))
    if (opts.gzip !== false && opts.raw === undefined) { body = gzipSync(body); headers['content-encoding'] = 'gzip' }
  }
  const res = await fetch(`http://127.0.0.1:${r.port}${path}`, { method, headers, body: body === undefined ? undefined : new Uint8Array(body) })
  return { status: res.status, body: await res.json() }
}

const ev = (seq: number, id = `e${seq}`, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ seq, eventId: id, type: 'order', lane: 'urgent', sku: 'FOODS_1_001', payload: { qty: seq }, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:01.000Z', ...extra })

t.test('a registered store posts batches; each event is stored once, whatever comes twice or out of order', async (t) => {
  const r = await relay(t)
  const reg = await call(r, 'POST', '/v1/stores', { token: ADMIN, body: { storeId: 'CA_1', name: 'Store CA 1' }, gzip: false })
  t.equal(reg.status, 201)
  const token: string = reg.body.token
  t.same((await call(r, 'POST', '/v1/stores/CA_1/batches', { token, body: { storeId: 'CA_1', events: [ev(3), ev(4)] } })).body, { storeId: 'CA_1', stored: 2, duplicates: 0, highestSeq: 4 })
  t.same((await call(r, 'POST', '/v1/stores/CA_1/batches', { token, body: { events: [ev(1), ev(2)] } })).body, { storeId: 'CA_1', stored: 2, duplicates: 0, highestSeq: 4 }, 'older seqs after newer ones (lanes) are fine')
  t.same((await call(r, 'POST', '/v1/stores/CA_1/batches', { token, body: { events: [ev(3), ev(4), ev(5)] } })).body, { storeId: 'CA_1', stored: 1, duplicates: 2, highestSeq: 5 }, 'a batch sent again counts its duplicates')
  t.match((await call(r, 'GET', '/v1/stores/CA_1', { token: ADMIN })).body, { storedCount: 5, pendingCount: 5, highestSeq: 5 })
  t.match((await call(r, 'GET', '/v1/health')).body, { status: 'ok', storage: 'sqlite' })
})

t.test('bad tokens, another store, malformed, oversized, backwards and unknown types: a 4xx with a code, nothing stored', async (t) => {
  const r = await relay(t, { maxBatchEvents: 3, maxBatchBytes: 4096 })
  const a = (await call(r, 'POST', '/v1/stores', { token: ADMIN, body: { storeId: 'A' }, gzip: false })).body.token
  const b = (await call(r, 'POST', '/v1/stores', { token: ADMIN, body: { storeId: 'B' }, gzip: false })).body.token
  const post = (token: string | undefined, events: unknown, store = 'A'): Promise<{ status: number, body: any }> => call(r, 'POST', `/v1/stores/${store}/batches`, { token, body: { events } })
  const cases: Array<[string, Promise<{ status: number, body: any }>, number, string]> = [
    ['no token', post(undefined, [ev(1)]), 401, 'RELAY_ERR_UNAUTHORIZED'],
    ['a wrong token', post('nope', [ev(1)]), 401, 'RELAY_ERR_UNAUTHORIZED'],
    ["another store's token", post(b, [ev(1)]), 401, 'RELAY_ERR_UNAUTHORIZED'],
    ['an unknown type', post(a, [ev(1), ev(2, 'e2', { type: 'price_change' })]), 400, 'RELAY_ERR_VALIDATION'],
    ['seqs going backwards', post(a, [ev(2), ev(1)]), 400, 'RELAY_ERR_SEQ_ORDER'],
    ['too many events', post(a, [ev(1), ev(2), ev(3), ev(4)]), 400, 'RELAY_ERR_VALIDATION'],
    ['an event without its eventId', post(a, [{ ...ev(1), eventId: undefined }]), 400, 'RELAY_ERR_VALIDATION'],
    ['a batch naming another store', call(r, 'POST', '/v1/stores/A/batches', { token: a, body: { storeId: 'B', events: [ev(1)] } }), 400, 'RELAY_ERR_VALIDATION'],
    ['not gzip though it says so', call(r, 'POST', '/v1/stores/A/batches', { token: a, raw: Buffer.from('{"events":[]}') }).then(async () => {
      const res = await fetch(`http://127.0.0.1:${r.port}/v1/stores/A/batches`, { method: 'POST', headers: { authorization: `Bearer ${a as string}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' })
      return { status: res.status, body: await res.json() }
    }), 400, 'RELAY_ERR_BAD_BODY'],
    ['not JSON', call(r, 'POST', '/v1/stores/A/batches', { token: a, raw: Buffer.from('{events: oops') }), 400, 'RELAY_ERR_BAD_BODY'],
    ['oversized once decompressed', post(a, [ev(1, 'e1', { payload: { pad: 'x'.repeat(10_000) } })]), 413, 'RELAY_ERR_TOO_LARGE'],
    ['an unknown store', post(a, [ev(1)], 'Z'), 401, 'RELAY_ERR_UNAUTHORIZED'],
    ['registering without the admin token', call(r, 'POST', '/v1/stores', { token: a, body: { storeId: 'C' }, gzip: false }), 401, 'RELAY_ERR_ADMIN_ONLY']
  ]
  for (const [why, p, status, code] of cases) {
    const res = await p
    t.equal(res.status, status, why)
    t.equal(res.body.error?.code, code, why)
  }
  t.match((await call(r, 'GET', '/v1/stores/A', { token: ADMIN })).body, { storedCount: 0 }, 'nothing stored by any of them')
  await call(r, 'POST', '/v1/stores/A/revoke', { token: ADMIN })
  t.equal((await post(a, [ev(1)])).body.error.code, 'RELAY_ERR_STORE_REVOKED', 'a revoked store keeps its events until a fix')
})

t.test('a rotated token works at once and the old one for the grace period', async (t) => {
  const r = await relay(t)
  const old = (await call(r, 'POST', '/v1/stores', { token: ADMIN, body: { storeId: 'A' }, gzip: false })).body.token
  const rotated = (await call(r, 'POST', '/v1/stores/A/token', { token: ADMIN })).body.token
  t.not(rotated, old)
  t.equal((await call(r, 'POST', '/v1/stores/A/batches', { token: rotated, body: { events: [ev(1)] } })).status, 200)
  t.equal((await call(r, 'POST', '/v1/stores/A/batches', { token: old, body: { events: [ev(2)] } })).status, 200, 'the old token still works during the grace period')
})
