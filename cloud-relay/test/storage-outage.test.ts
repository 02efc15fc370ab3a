// What the relay does when its database cannot be reached, in isolation (the whole fault, with a
// real PostgreSQL crashing, is pg-restart.test.ts): which errors count as "unavailable", the 503
// with its stable code a store gets for them (a bug stays a 500), /v1/health saying the database is
// down, and a forwarder that settles its claim once the database answers again instead of dying
// or sending the events twice. The outage is injected into a real SQLite relay with the very error
// node-postgres gives for a refused connection.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { loadRelayConfig } from '../src/config.js'
import { Forwarder } from '../src/forward/forwarder.js'
import type { ErpAdapter } from '../src/forward/adapter.js'
import { startRelay, type RelayServer } from '../src/main.js'
import { RelayErrors, RelayStorageError } from '../src/storage/errors.js'
import { SqliteRelayStorage } from '../src/storage/sqlite.js'
import type { StoredEvent } from '../src/storage/types.js'
import { isStorageUnavailable } from '../src/storage/unavailable.js'

const UNAVAILABLE = RelayErrors.STORAGE_UNAVAILABLE.code

/** The error node-postgres gives when nothing listens where the database should be. */
async function refusedConnection (): Promise<Error> {
  const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)) }) })
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 })
  return await c.connect().then(() => { throw new Error('something listens on a port just freed') }, (err: Error) => err)
}

const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code })

t.test('which errors mean the database is unavailable', async (t) => {
  t.ok(isStorageUnavailable(await refusedConnection()), 'a refused connection')
  t.ok(isStorageUnavailable(new Error('Connection terminated unexpectedly')), 'a connection cut mid-query')
  t.ok(isStorageUnavailable(new Error('timeout exceeded when trying to connect')), 'no connection in time')
  t.ok(isStorageUnavailable(pgError('57P01', 'terminating connection due to administrator command')), 'the server shutting down')
  t.ok(isStorageUnavailable(pgError('57P03', 'the database system is starting up')), 'the server starting up')
  t.ok(isStorageUnavailable(pgError('08006', 'connection failure')), 'SQLSTATE class 08')
  t.notOk(isStorageUnavailable(pgError('23505', 'duplicate key value violates unique constraint')), 'a constraint violation is a bug, not an outage')
  t.notOk(isStorageUnavailable(pgError('42P01', 'relation "relay_events" does not exist')), 'a missing table is not an outage')
  t.notOk(isStorageUnavailable(new TypeError("Cannot read properties of undefined (reading 'seq')")), 'a programming error is not an outage')
  t.notOk(isStorageUnavailable(new RelayStorageError(RelayErrors.STORE_UNKNOWN)), 'a relay error keeps its own code')
})

async function relay (t: { teardown (fn: () => unknown): void }): Promise<RelayServer> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-outage-'))
  const r = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent' } }))
  t.teardown(async () => { await r.close(); rmSync(dir, { recursive: true, force: true }) })
  return r
}

const ev = (seq: number): Record<string, unknown> => ({ seq, eventId: `e${seq}`, type: 'receipt', lane: 'normal', sku: 'S', payload: { seq }, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z' })

t.test('a batch arriving while the database is unreachable: 503 with the code and Retry-After, nothing stored; a bug stays a 500', async (t) => {
  const r = await relay(t)
  const { token } = await r.storage.registerStore('A')
  const storage = r.storage as SqliteRelayStorage
  const real = { storeBatch: storage.storeBatch.bind(storage), ping: storage.ping.bind(storage) }
  const post = async (): Promise<Response> => await fetch(`http://127.0.0.1:${r.port}/v1/stores/A/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [ev(1), ev(2)] }) })

  const down = await refusedConnection()
  storage.storeBatch = async () => { throw down }
  storage.ping = async () => { throw down }
  const res = await post()
  t.equal(res.status, 503)
  t.equal(res.headers.get('retry-after'), '2')
  t.match(await res.json(), { error: { code: UNAVAILABLE, message: /ECONNREFUSED/ } })
  const health = await fetch(`http://127.0.0.1:${r.port}/v1/health`)
  t.equal(health.status, 503, 'health: not ready while the database is down')
  t.match(await health.json(), { status: 'degraded', storage: 'sqlite', database: { state: 'down', code: UNAVAILABLE } })

  storage.storeBatch = async () => { throw new TypeError("Cannot read properties of undefined (reading 'seq')") }
  const bug = await post()
  t.equal(bug.status, 500, 'a bug is not dressed up as an outage')
  t.match(await bug.json(), { error: { code: RelayErrors.INTERNAL.code, message: 'internal error' } })

  storage.storeBatch = real.storeBatch
  storage.ping = real.ping
  const ok = await post()
  t.match({ status: ok.status, body: await ok.json() }, { status: 200, body: { stored: 2, duplicates: 0 } }, 'the same batch is stored once the database is back')
  t.match(await (await fetch(`http://127.0.0.1:${r.port}/v1/health`)).json(), { status: 'ok', database: { state: 'up' } })
})

t.test('a forwarder whose claim cannot be settled (the database went away after the ERP took the events) waits, settles it, and sends nothing twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-outage-fwd-'))
  const storage = new SqliteRelayStorage({ file: join(dir, 'relay.db') })
  t.teardown(async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }) })
  await storage.registerStore('A')
  await storage.storeBatch('A', [1, 2, 3].map((s) => ev(s)) as never)
  await storage.storeBatch('A', [4, 5].map((s) => ev(s)) as never)

  const sent: number[] = []
  const adapter: ErpAdapter = { name: 'fake', send: async (e: StoredEvent) => { sent.push(e.seq) } }
  const realComplete = storage.complete.bind(storage)
  let refused = 0
  storage.complete = async (claim, ids) => {
    if (refused < 3) { refused++; throw new Error('Connection terminated unexpectedly') }
    return await realComplete(claim, ids)
  }
  const lines: Array<{ level: string, msg: string }> = []
  const log = { info: (_o: unknown, msg: string) => { lines.push({ level: 'info', msg }) }, warn: (_o: unknown, msg: string) => { lines.push({ level: 'warn', msg }) }, error: (_o: unknown, msg: string) => { lines.push({ level: 'error', msg }) } }
  const f = new Forwarder({ storage, adapter, workerId: 'w1', log: log as never, batch: 3, idleMs: 20 })
  f.start()
  t.teardown(() => f.stop())
  for (let i = 0; i < 500 && (await storage.stats('A'))?.pendingCount !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.match(await storage.stats('A'), { forwardedCount: 5, pendingCount: 0 }, 'every event marked forwarded')
  t.same(sent, [1, 2, 3, 4, 5], 'each event sent once, in seq order: the held claim was settled, not left to expire and resent')
  t.equal(refused, 3)
  t.same(lines.filter((l) => l.level !== 'info').map((l) => l.msg), ['relay database unavailable: forwarding waits and retries'], 'one warning for the outage, not one per retry, and no error')
  t.ok(lines.some((l) => l.msg === 'relay database reachable again: forwarding goes on'), 'and a line when it is back')
})

t.test('a claim committed as the connection broke (its answer lost) does not keep the store for the whole lease', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-outage-claim-'))
  const storage = new SqliteRelayStorage({ file: join(dir, 'relay.db') }) // lease: the default minute
  t.teardown(async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }) })
  await storage.registerStore('A')
  await storage.storeBatch('A', [1, 2, 3].map((s) => ev(s)) as never)
  const realClaim = storage.claimNext.bind(storage)
  let lostAnswers = 0
  storage.claimNext = async (workerId, limit) => {
    const claim = await realClaim(workerId, limit)
    if (claim !== null && lostAnswers === 0) { lostAnswers++; throw new Error('Connection terminated unexpectedly') }
    return claim
  }
  const sent: number[] = []
  const adapter: ErpAdapter = { name: 'fake', send: async (e: StoredEvent) => { sent.push(e.seq) } }
  const log = { info: () => {}, warn: () => {}, error: () => {} }
  const f = new Forwarder({ storage, adapter, workerId: 'w1', log, idleMs: 20 })
  f.start()
  t.teardown(() => f.stop())
  const started = Date.now()
  for (let i = 0; i < 500 && (await storage.stats('A'))?.pendingCount !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(lostAnswers, 1)
  t.match(await storage.stats('A'), { forwardedCount: 3, pendingCount: 0 }, `forwarded after ${Date.now() - started} ms, not after the lease`)
  t.same(sent, [1, 2, 3], 'each event once, in order')
})
