import t from 'tap'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { CanonicalEvent } from '../../src/core/event.js'
import { silentLog } from '../../src/core/log.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { importMasterData } from '../../src/store/import/index.js'
import { Journal } from '../../src/store/journal.js'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { Queries } from '../../src/store/queries.js'
import { FIXTURES, tempDir } from '../helpers/server.js'

const NOW = '2026-11-26T10:00:00.000Z'

function setup (t: { teardown (fn: () => void): void }): { db: Database, journal: Journal, q: Queries } {
  const dir = tempDir()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => NOW })
  importMasterData(db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, NOW)
  t.teardown(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  return { db, journal: new Journal(db), q: new Queries(db) }
}

let n = 0
function ev (partial: Partial<CanonicalEvent> & Pick<CanonicalEvent, 'type'>): CanonicalEvent {
  return { id: `e${++n}`, storeId: 'store-1', deviceId: 'hh-1', occurredAt: NOW, receivedAt: NOW, data: {}, source: { transport: 'http' }, ...partial }
}

const onHand = (q: Queries, sku: string, loc: string): Record<string, number> => {
  const p = q.positions(sku).find((x) => x.location === loc)
  return p ? { onHand: p.onHand, inTransit: p.inTransit, reserved: p.reserved } : { onHand: 0, inTransit: 0, reserved: 0 }
}

t.test('a sale takes stock off the shelf; the ledger says which event did it', async (t) => {
  const { journal, q } = setup(t)
  const [o] = journal.write([{ kind: 'event', event: ev({ type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 3 }) }])
  t.equal(o.kind, 'accepted')
  t.same(onHand(q, 'FOODS_1_001', 'A01-1'), { onHand: 7, inTransit: 0, reserved: 0 })
  const [last] = q.ledger('FOODS_1_001', 1)
  t.match(last, { eventSeq: (o as { seq: number }).seq, delta: -3, balance: 7, reason: 'sale' })
})

t.test('a shelf fill: pick from the backroom puts stock in transit, putaway lands it on the shelf', async (t) => {
  const { journal, q } = setup(t)
  journal.write([{ kind: 'event', event: ev({ type: 'pick', sku: 'FOODS_1_001', location: 'A01-1', qty: 12, data: { from: 'BR-01' } }) }])
  t.same(onHand(q, 'FOODS_1_001', 'BR-01'), { onHand: 12, inTransit: 0, reserved: 0 })
  t.same(onHand(q, 'FOODS_1_001', 'A01-1'), { onHand: 10, inTransit: 12, reserved: 0 })
  journal.write([{ kind: 'event', event: ev({ type: 'putaway', sku: 'FOODS_1_001', location: 'A01-1', qty: 12 }) }])
  t.same(onHand(q, 'FOODS_1_001', 'A01-1'), { onHand: 22, inTransit: 0, reserved: 0 })
})

t.test('a putaway without a pick never drives in-transit below zero', async (t) => {
  const { journal, q } = setup(t)
  journal.write([{ kind: 'event', event: ev({ type: 'putaway', sku: 'FOODS_1_002', location: 'A01-2', qty: 5 }) }])
  t.same(onHand(q, 'FOODS_1_002', 'A01-2'), { onHand: 13, inTransit: 0, reserved: 0 })
})

t.test('receipt, putaway from receiving, count, reserve, release, return and adjust', async (t) => {
  const { journal, q } = setup(t)
  const sku = 'DAIRY_1_001'
  journal.write([
    { kind: 'event', event: ev({ type: 'receipt', sku, location: 'RCV', qty: 12 }) },
    { kind: 'event', event: ev({ type: 'putaway', sku, location: 'BR-02', qty: 12, data: { from: 'RCV' } }) },
    { kind: 'event', event: ev({ type: 'cycle_count', sku, location: 'COOL-1', qty: 17 }) },
    { kind: 'event', event: ev({ type: 'reserve', sku, location: 'COOL-1', qty: 2 }) },
    { kind: 'event', event: ev({ type: 'release', sku, location: 'COOL-1', qty: 5 }) },
    { kind: 'event', event: ev({ type: 'return', sku, location: 'COOL-1', qty: 1 }) },
    { kind: 'event', event: ev({ type: 'adjust', sku, location: 'COOL-1', qty: -2, data: { reason: 'damage' } }) }
  ])
  t.same(onHand(q, sku, 'RCV'), { onHand: 0, inTransit: 0, reserved: 0 })
  t.same(onHand(q, sku, 'BR-02'), { onHand: 12, inTransit: 0, reserved: 0 })
  t.same(onHand(q, sku, 'COOL-1'), { onHand: 16, inTransit: 0, reserved: 0 }, 'count set 17, return +1, damage -2; release never below zero')
  t.same(q.ledger(sku, 20).map((l) => `${l.reason}@${l.location}:${l.delta}`), [
    'adjust:damage@COOL-1:-2', 'return@COOL-1:1', 'release@COOL-1:-2', 'reserve@COOL-1:2', 'count@COOL-1:-3',
    'putaway@BR-02:12', 'putaway@RCV:-12', 'receipt@RCV:12', 'snapshot@COOL-1:20'
  ], 'every change is in the ledger, newest first')
})

t.test('the same (device, id) twice is applied once, even inside one batch', async (t) => {
  const { journal, q, db } = setup(t)
  const e = ev({ type: 'sale', sku: 'FOODS_1_002', location: 'A01-2', qty: 1 })
  const out = journal.write([{ kind: 'event', event: e }, { kind: 'event', event: { ...e } }])
  t.same(out.map((o) => o.kind), ['accepted', 'duplicate'])
  t.same(journal.write([{ kind: 'event', event: { ...e, qty: 5 } }]).map((o) => o.kind), ['duplicate'])
  t.equal(onHand(q, 'FOODS_1_002', 'A01-2').onHand, 7)
  // Another device may use the same id: the key is (device, id).
  t.same(journal.write([{ kind: 'event', event: { ...e, deviceId: 'hh-2' } }]).map((o) => o.kind), ['accepted'])
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 2)
})

t.test('observations are journalled but move no stock', async (t) => {
  const { journal, q } = setup(t)
  journal.write([
    { kind: 'event', event: ev({ type: 'gap_detected', sku: 'FOODS_1_001', location: 'A01-1', data: { gapRatio: 0.8 } }) },
    { kind: 'event', event: ev({ type: 'shelf_weight', sku: 'FOODS_1_001', location: 'A01-1', qty: 2 }) }
  ])
  t.equal(onHand(q, 'FOODS_1_001', 'A01-1').onHand, 10)
  t.equal(q.events({ limit: 10 }).length, 2)
})

t.test('a dead letter commits with the batch and keeps its raw bytes', async (t) => {
  const { journal, q } = setup(t)
  journal.write([{ kind: 'dead', dead: { receivedAt: NOW, deviceId: 'cam-1', transport: 'mqtt', channel: 'stores/store-1/devices/cam-1/gap', reason: 'EDGE_ERR_MALFORMED_PAYLOAD', detail: 'bad json', raw: Buffer.from([0xff, 0x00, 0x41]) } }])
  const [d] = q.deadLetters({ limit: 10 })
  t.match(d, { reason: 'EDGE_ERR_MALFORMED_PAYLOAD', rawEncoding: 'base64', raw: Buffer.from([0xff, 0x00, 0x41]).toString('base64') })
})

t.test('a failing batch commits nothing', async (t) => {
  const { journal, q, db } = setup(t)
  db.exec('CREATE TRIGGER boom BEFORE INSERT ON ledger WHEN NEW.delta = -99 BEGIN SELECT RAISE(ABORT, \'disk says no\'); END')
  t.throws(() => journal.write([
    { kind: 'event', event: ev({ type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 1 }) },
    { kind: 'event', event: ev({ type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 99 }) }
  ]), /disk says no/)
  t.equal(q.events({ limit: 10 }).length, 0)
  t.equal(onHand(q, 'FOODS_1_001', 'A01-1').onHand, 10)
})

t.test('what the ERP books goes to the outbox in the same transaction: counted corrections, adjustments, receipts', async (t) => {
  const { db, journal } = setup(t)
  const outbox = new OutboxRows(db)
  journal.write([
    { kind: 'event', event: ev({ id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 6 }) },
    { kind: 'event', event: ev({ id: 'c2', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 6 }) },
    { kind: 'event', event: ev({ id: 's1', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 1 }) },
    { kind: 'event', event: ev({ id: 'a1', type: 'adjust', sku: 'FOODS_1_001', location: 'A01-1', qty: -2, data: { reason: 'damage' } }) },
    { kind: 'event', event: ev({ id: 'r1', type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 24, data: { asn: 'ASN-9' } }) }
  ])
  // A replayed count is a duplicate in the journal and adds nothing to the outbox.
  journal.write([{ kind: 'event', event: ev({ id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 6 }) }])
  const rows = outbox.after(0, 10)
  t.same(rows.map((r) => [r.type, r.lane, r.eventId]), [
    ['inventory_adjustment', 'urgent', 'adj:hh-1:c1'],
    ['inventory_adjustment', 'urgent', 'adj:hh-1:a1'],
    ['receipt', 'normal', 'rcpt:hh-1:r1']
  ], 'the second count changed nothing and the sale is not the ERP\'s')
  t.match(rows[0].payload, { sku: 'FOODS_1_001', location: 'A01-1', delta: -4, balance: 6, reason: 'count', deviceId: 'hh-1', eventId: 'c1' })
  t.match(rows[1].payload, { delta: -2, balance: 3, reason: 'adjust:damage' })
  t.match(rows[2].payload, { qty: 24, location: 'RCV', asn: 'ASN-9' })
  t.ok(rows[0].seq < rows[1].seq && rows[1].seq < rows[2].seq, 'sequence numbers increase')
})
