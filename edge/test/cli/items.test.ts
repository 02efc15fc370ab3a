// `store-edge items import FILE`: master data from JSON or CSV into the data dir, all rows or none.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { openDatabase } from '../../src/store/db.js'
import { Queries } from '../../src/store/queries.js'
import { FIXTURES } from '../helpers/server.js'
import { run, storeDir } from './run.js'

/** Reads the data dir the way the server would. */
function inspect<T> (dataDir: string, fn: (q: Queries, count: (table: string) => number) => T): T {
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  try {
    return fn(new Queries(db), (table) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n)
  } finally {
    db.close()
  }
}

t.test('a JSON file with locations, items and on-hand imports in one go', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const res = await run('items', 'import', join(FIXTURES, 'store-small.json'), ...cfg)
  t.equal(res.code, 0)
  t.same(res.lines, ['imported 6 location(s), 3 item(s), 4 on-hand row(s)'])
  inspect(dataDir, (q) => {
    t.same(q.positions('FOODS_1_001').map((p) => [p.location, p.onHand]), [['A01-1', 10], ['BR-01', 24]])
    t.equal(q.items({ limit: 10, offset: 0 }).total, 3)
  })
  const json = await run('items', 'import', join(FIXTURES, 'store-small.json'), '--json', ...cfg)
  t.same(JSON.parse(json.lines[0]), { locations: 6, items: 3, onHand: 4 }, 'importing again updates in place')
})

t.test('CSV files with --kind locations, items and on-hand', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  const file = (name: string, lines: string[]): string => {
    const path = join(dir, name)
    writeFileSync(path, lines.join('\n') + '\n')
    return path
  }
  const locations = file('locations.csv', ['id,kind,description', 'S1,shelf,Aisle 1', 'B1,backroom,Bin 1'])
  const items = file('items.csv', ['sku,description,gtins,case_pack,home_location', 'TEA_1,"Tea, green",4006381333931,12,S1'])
  const onHand = file('on-hand.csv', ['sku,location,qty', 'TEA_1,S1,4', 'TEA_1,B1,24'])

  t.same((await run('items', 'import', locations, '--kind', 'locations', ...cfg)).lines, ['imported 2 location(s), 0 item(s), 0 on-hand row(s)'])
  t.same((await run('items', 'import', items, '--kind', 'items', ...cfg)).lines, ['imported 0 location(s), 1 item(s), 0 on-hand row(s)'])
  t.same((await run('items', 'import', onHand, '--kind', 'on-hand', ...cfg)).lines, ['imported 0 location(s), 0 item(s), 2 on-hand row(s)'])
  inspect(dataDir, (q) => {
    t.match(q.items({ limit: 10, offset: 0 }).items, [{ sku: 'TEA_1', description: 'Tea, green', casePack: 12, gtins: ['04006381333931'] }])
    t.same(q.positions('TEA_1').map((p) => [p.location, p.kind, p.onHand]), [['B1', 'backroom', 24], ['S1', 'shelf', 4]])
  })
})

t.test('a CSV with bad rows exits 1 printing each problem with its line, and imports nothing', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  t.equal((await run('items', 'import', join(FIXTURES, 'store-small.json'), ...cfg)).code, 0)
  const path = join(dir, 'items.csv')
  writeFileSync(path, [
    'sku,description,gtins,case_pack,home_location,unit_price',
    'NEW_1,Fine item,,6,A01-1,1.00',
    'NEW_2,Bad check digit,4006381333932,6,A01-1,1.00',
    ',No SKU,,6,A01-1,1.00',
    'NEW_4,Price is text,,6,A01-1,cheap'
  ].join('\n'))
  const res = await run('items', 'import', path, '--kind', 'items', ...cfg)
  t.equal(res.code, 1)
  t.same(res.lines, [], 'nothing claims success')
  t.match(res.errors[0], /3 problem\(s\), nothing was imported.*\[EDGE_ERR_IMPORT_INVALID\]/)
  t.same(res.errors.slice(1), [
    '  line 3 gtins: GTIN 4006381333932 has a wrong check digit',
    '  line 4 sku: is required',
    '  line 5 unit_price: "cheap" is not a number'
  ])
  t.equal(inspect(dataDir, (_q, count) => count('items')), 3, 'the item master is as before, without NEW_1')
})

t.test('unreadable or ambiguous imports are refused with a message', async (t) => {
  const { dir, cfg } = storeDir(t)
  const csv = join(dir, 'items.csv')
  writeFileSync(csv, 'sku,description\nX,Y\n')
  const noKind = await run('items', 'import', csv, ...cfg)
  t.equal(noKind.code, 1)
  t.match(noKind.errors.join('\n'), /needs its kind.*EDGE_ERR_IMPORT_FORMAT/)
  const badKind = await run('items', 'import', csv, '--kind', 'prices', ...cfg)
  t.equal(badKind.code, 1)
  t.match(badKind.errors.join('\n'), /--kind "prices": use items, locations or on-hand/)
  const missing = await run('items', 'import', join(dir, 'nope.json'), ...cfg)
  t.equal(missing.code, 1)
  t.match(missing.errors.join('\n'), /nope\.json cannot be read/)
  const xlsx = await run('items', 'import', join(dir, 'items.xlsx'), ...cfg)
  t.equal(xlsx.code, 1)
  t.match(xlsx.errors.join('\n'), /use a \.csv or \.json file/)
  const usage = await run('items', 'import', ...cfg)
  t.equal(usage.code, 2)
  t.match(usage.errors.join('\n'), /usage: store-edge items import FILE/)
})
