import t from 'tap'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { importMasterData } from '../../src/store/import/index.js'
import { Queries } from '../../src/store/queries.js'
import { FIXTURES, tempDir } from '../helpers/server.js'

const NOW = '2026-11-26T10:00:00.000Z'

function freshDb (t: Tap.Test): Database {
  const dir = tempDir()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => NOW })
  t.teardown(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  return db
}
declare namespace Tap { type Test = { teardown (fn: () => void): void } }

const count = (db: Database, table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

t.test('a JSON file with locations, items and on-hand imports in one go', async (t) => {
  const db = freshDb(t)
  const summary = importMasterData(db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, NOW)
  t.same(summary, { locations: 6, items: 3, onHand: 4 })
  const q = new Queries(db)
  t.same(q.positions('FOODS_1_001').map((p) => [p.location, p.kind, p.onHand]), [['A01-1', 'shelf', 10], ['BR-01', 'backroom', 24]])
  const item = q.items({ limit: 10, offset: 0, q: 'Corn' }).items[0]
  t.same(item.gtins.sort(), ['00000096385074', '05901234123457'], 'GTINs are kept as 14 digits')
  t.equal(q.ledger('FOODS_1_001', 10).length, 2, 'the snapshot is in the ledger')
})

t.test('CSV items import with column names in any common spelling', async (t) => {
  const db = freshDb(t)
  importMasterData(db, { format: 'csv', kind: 'locations', text: 'id,kind\nA1,shelf\nB1,backroom\n' }, NOW)
  const csv = [
    'SKU,Description,GTINs,Category,Case Pack,unit_cost,unitPrice,unit_weight_g,shelf_capacity,facings,home_location,lead_time_days',
    'S1,"Tea, green 20 bags",4006381333931|96385074,FOODS,12,1.1,2.5,40,30,3,A1,2',
    'S2,"Say ""cheese""",,DAIRY,6,,,,,,,'
  ].join('\r\n')
  t.same(importMasterData(db, { format: 'csv', kind: 'items', text: csv }, NOW), { locations: 0, items: 2, onHand: 0 })
  const q = new Queries(db)
  const s1 = q.items({ limit: 10, offset: 0 }).items.find((i) => i.sku === 'S1')!
  t.equal(s1.description, 'Tea, green 20 bags')
  t.equal(s1.casePack, 12)
  t.equal(s1.homeLocation, 'A1')
  t.equal(q.items({ limit: 10, offset: 0 }).items.find((i) => i.sku === 'S2')!.description, 'Say "cheese"')
})

t.test('row errors name their line, and nothing half-imported is left behind', async (t) => {
  const db = freshDb(t)
  importMasterData(db, { format: 'csv', kind: 'locations', text: 'id,kind\nA1,shelf\n' }, NOW)
  const csv = [
    'sku,description,gtins,case_pack,home_location,unit_price',
    'GOOD1,Fine item,,6,A1,1.00',
    'BAD1,Bad check digit,4006381333932,6,A1,1.00',
    ',No SKU,,6,A1,1.00',
    'BAD3,Negative pack,,-2,A1,1.00',
    'BAD4,Unknown shelf,,6,Z9,1.00',
    'BAD5,Price is text,,6,A1,cheap'
  ].join('\n')
  const err = t.throws(() => importMasterData(db, { format: 'csv', kind: 'items', text: csv }, NOW)) as unknown as { code: string, details: { problems: Array<{ line: number, field: string, message: string }> } }
  t.equal(err.code, 'EDGE_ERR_IMPORT_INVALID')
  const lines = err.details.problems.map((p) => [p.line, p.field])
  t.same(lines, [[3, 'gtins'], [4, 'sku'], [5, 'case_pack'], [7, 'unit_price']], 'row-level problems come first, each with its line')
  t.equal(count(db, 'items'), 0, 'the good row was not imported either')

  // Once the row problems are fixed, references are checked.
  const refs = 'sku,description,home_location\nGOOD1,Fine,A1\nBAD4,Unknown shelf,Z9\n'
  const e2 = t.throws(() => importMasterData(db, { format: 'csv', kind: 'items', text: refs }, NOW)) as unknown as { details: { problems: Array<{ line: number, message: string }> } }
  t.match(e2.details.problems, [{ line: 3, field: 'home_location', message: /"Z9" is not known/ }])
  t.equal(count(db, 'items'), 0)
})

t.test('malformed files get a clear answer', async (t) => {
  const db = freshDb(t)
  t.throws(() => importMasterData(db, { format: 'csv', kind: 'items', text: 'sku,description\n"unterminated,x\n' }, NOW), { code: 'EDGE_ERR_IMPORT_INVALID', message: /line 2: quoted field is not closed/ })
  t.throws(() => importMasterData(db, { format: 'csv', kind: 'items', text: 'sku,description\nA,B,C\n' }, NOW), { message: /line 2: 3 fields where the header has 2/ })
  t.throws(() => importMasterData(db, { format: 'csv', text: 'sku,description\n' }, NOW), { code: 'EDGE_ERR_IMPORT_FORMAT' })
  t.throws(() => importMasterData(db, { format: 'json', text: '{"items": [' }, NOW), { code: 'EDGE_ERR_IMPORT_FORMAT' })
  t.throws(() => importMasterData(db, { format: 'json', text: '{"widgets": []}' }, NOW), { code: 'EDGE_ERR_IMPORT_FORMAT', message: /widgets/ })
  t.throws(() => importMasterData(db, { format: 'json', text: '{"items": [1]}' }, NOW), { code: 'EDGE_ERR_IMPORT_INVALID' })
})

t.test('a GTIN cannot belong to two items', async (t) => {
  const db = freshDb(t)
  importMasterData(db, { format: 'json', text: JSON.stringify({ items: [{ sku: 'A', description: 'a', gtins: ['96385074'] }] }) }, NOW)
  t.throws(() => importMasterData(db, { format: 'json', text: JSON.stringify({ items: [{ sku: 'B', description: 'b', gtins: ['96385074'] }] }) }, NOW),
    { message: /GTIN 00000096385074 belongs to A/ })
  // Moving it is fine when the old owner is re-imported without it.
  importMasterData(db, { format: 'json', text: JSON.stringify({ items: [{ sku: 'A', description: 'a' }, { sku: 'B', description: 'b', gtins: ['96385074'] }] }) }, NOW)
  t.same(db.prepare('SELECT sku FROM item_gtins').all(), [{ sku: 'B' }])
})

t.test('on-hand rows must name known items and locations; duplicates are refused', async (t) => {
  const db = freshDb(t)
  const e = t.throws(() => importMasterData(db, { format: 'csv', kind: 'onHand', text: 'sku,location,qty\nX,Y,3\nX,Y,4\nQ,R,-1\n' }, NOW)) as unknown as { details: { problems: Array<{ line: number, message: string }> } }
  t.match(e.details.problems, [{ line: 3, message: /appears again/ }, { line: 4, field: 'qty' }])
})

t.test('item search text is literal, not a LIKE pattern', async (t) => {
  const db = freshDb(t)
  importMasterData(db, { format: 'json', text: JSON.stringify({ items: [{ sku: 'FOODS_1_001', description: 'a' }, { sku: 'FOODSX1Y001', description: '100% juice' }] }) }, NOW)
  const q = new Queries(db)
  t.same(q.items({ limit: 10, offset: 0, q: 'FOODS_1' }).items.map((i) => i.sku), ['FOODS_1_001'])
  t.same(q.items({ limit: 10, offset: 0, q: '100%' }).items.map((i) => i.sku), ['FOODSX1Y001'])
})
