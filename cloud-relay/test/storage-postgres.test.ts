// The storage contract on a real PostgreSQL (RELAY_TEST_DATABASE_URL, default the local trust-auth
// test database), each storage in its own schema relay_test_<random>_<n>, all dropped at the end so
// test files running in parallel never meet. Plus what only PostgreSQL is for: several relay
// processes (here: separate pools) claiming from one database at once.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { loadRelayConfig } from '../src/config.js'
import { startRelay } from '../src/main.js'
import { PostgresRelayStorage } from '../src/storage/postgres.js'
import type { Claim } from '../src/storage/types.js'
import { ev, storageContract } from './storage-contract.js'

const URL = process.env.RELAY_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const RUN = `relay_test_${randomBytes(4).toString('hex')}`
const schemas: string[] = []
const newSchema = (): string => { const s = `${RUN}_${schemas.length + 1}`; schemas.push(s); return s }

t.teardown(async () => {
  const c = new pg.Client({ connectionString: URL })
  await c.connect()
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
  await c.end()
})

storageContract(t, async (opts) => await PostgresRelayStorage.open({ ...opts, connectionString: URL, schema: newSchema(), maxConnections: 4 }))

t.test('a second relay process opening the same schema finds it migrated and sees the same stores', async (t) => {
  const schema = newSchema()
  const [a, b] = await Promise.all([PostgresRelayStorage.open({ connectionString: URL, schema }), PostgresRelayStorage.open({ connectionString: URL, schema })])
  t.teardown(async () => { await a.close(); await b.close() })
  const { token } = await a.registerStore('A')
  t.equal(await b.authenticate('A', token), 'ok')
  await t.rejects(b.registerStore('A'), { code: 'RELAY_ERR_STORE_EXISTS' })
})

t.test('two relay processes claiming at once while stores keep sending: every event forwarded exactly once, in seq order per store', async (t) => {
  const schema = newSchema()
  const relays = [
    await PostgresRelayStorage.open({ connectionString: URL, schema, maxConnections: 4 }),
    await PostgresRelayStorage.open({ connectionString: URL, schema, maxConnections: 4 })
  ]
  t.teardown(async () => { for (const r of relays) await r.close() })
  const STORES = 12
  const BATCHES = 8
  const PER_BATCH = 10 // 12 stores x 80 events = 960 events
  const storeIds = Array.from({ length: STORES }, (_, i) => `S${String(i).padStart(2, '0')}`)
  for (const id of storeIds) await relays[0].registerStore(id)

  // What the "ERP" received, per store, in the order it was sent; and which stores are held right now.
  const erp = new Map<string, number[]>(storeIds.map((id) => [id, []]))
  const held = new Set<string>()
  let overlaps = 0
  let sending = true

  // Stores post their batches alternately to both relays (seqs increasing per store; gaps allowed).
  const senders = storeIds.map(async (id, i) => {
    for (let b = 0; b < BATCHES; b++) {
      const batch = Array.from({ length: PER_BATCH }, (_, k) => ev(1 + 2 * (b * PER_BATCH + k)))
      await relays[(i + b) % 2].storeBatch(id, batch)
      if (b % 3 === 0) await relays[(i + b + 1) % 2].storeBatch(id, batch) // a retry to the other relay
    }
  })
  const ingest = Promise.all(senders).then(() => { sending = false })

  // Three workers per relay, claiming small slices so stores change hands often.
  async function worker (relay: PostgresRelayStorage, name: string): Promise<void> {
    let idle = 0
    while (sending || idle < 3) {
      const claim: Claim | null = await relay.claimNext(name, 7)
      if (claim === null) { idle = sending ? 0 : idle + 1; await new Promise((resolve) => setTimeout(resolve, 2)); continue }
      idle = 0
      if (held.has(claim.storeId)) overlaps++
      held.add(claim.storeId)
      erp.get(claim.storeId)?.push(...claim.events.map((e) => e.seq))
      await new Promise((resolve) => setImmediate(resolve))
      held.delete(claim.storeId)
      await relay.complete(claim, claim.events.map((e) => e.eventId))
    }
  }
  await Promise.all([ingest, ...relays.flatMap((r, ri) => [0, 1, 2].map(async (w) => await worker(r, `relay${ri}-w${w}`)))])

  t.equal(overlaps, 0, 'no store was ever held by two workers at once')
  const expected = Array.from({ length: BATCHES * PER_BATCH }, (_, k) => 1 + 2 * k)
  for (const id of storeIds) {
    const got = erp.get(id) ?? []
    t.same(got, expected, `${id}: all ${expected.length} events, each once, in seq order`)
    const st = await relays[1].stats(id)
    t.equal(st?.forwardedCount, expected.length); t.equal(st?.pendingCount, 0)
  }
})

t.test('RELAY_DATABASE_SCHEMA puts a relay\'s tables in its own schema; a name that is not a plain identifier stops start-up naming the key', async (t) => {
  const schema = newSchema()
  const dir = mkdtempSync(join(tmpdir(), 'relay-schema-'))
  const relay = await startRelay(loadRelayConfig({ env: { RELAY_DATABASE_URL: URL, RELAY_DATABASE_SCHEMA: schema }, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent' } }))
  t.teardown(async () => { await relay.close(); rmSync(dir, { recursive: true, force: true }) })
  await relay.storage.registerStore('S1')
  const c = new pg.Client({ connectionString: URL })
  await c.connect()
  t.teardown(async () => await c.end())
  const inSchema = await c.query(`SELECT store_id FROM ${schema}.relay_stores`)
  t.same(inSchema.rows, [{ store_id: 'S1' }], 'the store is in the named schema')
  const inPublic = (await c.query("SELECT to_regclass('public.relay_stores') IS NOT NULL AS has")).rows[0].has === true
    ? (await c.query("SELECT store_id FROM public.relay_stores WHERE store_id = 'S1'")).rows
    : []
  t.same(inPublic, [], 'not in public')
  for (const bad of ['Bench', 'a-b', 'x; DROP TABLE y']) {
    t.throws(() => loadRelayConfig({ env: { RELAY_DATABASE_URL: URL, RELAY_DATABASE_SCHEMA: bad } }), { code: 'RELAY_ERR_CONFIG_INVALID', message: /databaseSchema/ }, bad)
  }
})
