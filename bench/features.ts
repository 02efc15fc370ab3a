// `node --import tsx bench/features.ts [--skus 25000] [--events 1200000] [--days 28] [--keep]`: the feature
// book's two costs that grow with the store. Builds a journal of --events events over --days days
// for --skus SKUs (each with a home shelf and an end-cap position: 2 x skus scored keys) through the
// real Journal (so the ledger and positions are as in a store), then times loadFeatureBook (the
// start-up replay) and one vector() per scored key. Prints figures; asserts nothing.

import { rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { silentLog } from '../edge/src/core/log.js'
import { FEATURE_COUNT } from '../edge/src/scoring/spec.js'
import { loadFeatureBook } from '../edge/src/scoring/features/bootstrap.js'
import { Catalog } from '../edge/src/store/catalog.js'
import { openDatabase } from '../edge/src/store/db.js'
import { importMasterData } from '../edge/src/store/import/index.js'
import { Journal, type BatchEntry, type EventRow } from '../edge/src/store/journal.js'
import type { EventType } from '../edge/src/core/event.js'
import { tempDir } from '../edge/test/helpers/server.js'

function flag (name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const skus = flag('skus', 25_000)
const total = flag('events', 1_200_000)
const days = flag('days', 28)
const DAY = 86_400_000
const now = Date.parse('2026-03-02T06:00:00.000Z')

let seed = 12345
const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }

const dir = tempDir('features-bench-')
const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date(now).toISOString() })
const bays = Math.ceil(skus / 8)
const sku = (i: number): string => `SKU-${String(i).padStart(6, '0')}`
const master = {
  locations: [
    ...Array.from({ length: bays }, (_, b) => ({ id: `S-${b}`, kind: 'shelf' })),
    ...Array.from({ length: 200 }, (_, b) => ({ id: `END-${b}`, kind: 'shelf' })),
    ...Array.from({ length: 500 }, (_, b) => ({ id: `BR-${b}`, kind: 'backroom' })),
    { id: 'RCV', kind: 'receiving' }
  ],
  items: Array.from({ length: skus }, (_, i) => ({ sku: sku(i), description: `item ${i}`, category: `CAT_${i % 12}`, case_pack: 12, unit_price: 2.5, shelf_capacity: 24, home_location: `S-${Math.floor(i / 8)}`, lead_time_days: 2 })),
  onHand: Array.from({ length: skus }, (_, i) => [
    { sku: sku(i), location: `S-${Math.floor(i / 8)}`, qty: 12 },
    { sku: sku(i), location: `END-${i % 200}`, qty: 6 },
    { sku: sku(i), location: `BR-${i % 500}`, qty: 48 }
  ]).flat()
}
let t0 = performance.now()
importMasterData(db, { format: 'json', text: JSON.stringify(master) }, new Date(now).toISOString())
const catalog = new Catalog(db)
console.log(`master data: ${skus} SKUs, ${master.onHand.length} positions (${Math.round(performance.now() - t0)} ms)`)

// Sales skewed to a few fast movers (a Zipf-like draw), the rest of a store's day around them.
t0 = performance.now()
const journal = new Journal(db)
const start = now - days * DAY
let batch: BatchEntry[] = []
for (let n = 0; n < total; n++) {
  const at = new Date(start + Math.floor((n / total) * days * DAY)).toISOString()
  const i = Math.min(skus - 1, Math.floor(skus * Math.pow(random(), 3)))
  const home = `S-${Math.floor(i / 8)}`
  const r = random()
  let type: EventType = 'sale'
  let location: string | null = home
  let qty: number | null = 1
  let data = '{"price":2.29}'
  let from: string | null = null
  if (r < 0.03) { type = 'gap_detected'; qty = null; data = '{}' }
  else if (r < 0.05) { type = 'cycle_count'; qty = Math.floor(random() * 20); data = '{}' }
  else if (r < 0.09) { type = 'pick'; qty = 6; from = `BR-${i % 500}`; data = `{"from":"${from}"}` }
  else if (r < 0.13) { type = 'putaway'; qty = 6; data = '{}' }
  else if (r < 0.15) { type = 'receipt'; location = 'RCV'; qty = 24; data = '{}' }
  const row: EventRow = ['dev-1', `e${n}`, type, 'store-1', at, at, sku(i), null, location, qty, data, '{"transport":"http"}', from, null]
  batch.push({ kind: 'row', row })
  if (batch.length === 5000) { journal.write(batch); batch = [] }
}
if (batch.length > 0) journal.write(batch)
console.log(`journal: ${total} events over ${days} days (${Math.round(performance.now() - t0)} ms to write)`)

for (let run = 1; run <= 3; run++) {
  t0 = performance.now()
  const book = loadFeatureBook(db, { item: (s) => catalog.item(s), kindOf: (id) => catalog.location(id)?.kind, nowMs: now, log: silentLog() })
  const loadMs = performance.now() - t0
  const keys = book.keys()
  const out = new Float32Array(FEATURE_COUNT)
  t0 = performance.now()
  let nonFinite = 0
  for (const k of keys) nonFinite += book.vector(k.sku, k.location, now, out)
  const vecMs = performance.now() - t0
  const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6)
  console.log(`run ${run}: loadFeatureBook ${Math.round(loadMs)} ms (${(total / loadMs / 1000).toFixed(2)} M events/s); ${keys.length} vectors ${vecMs.toFixed(1)} ms (${(vecMs * 1000 / keys.length).toFixed(2)} us each, ${nonFinite} non-finite); heap ${heapMb} MB`)
}
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}`)
db.close()
// --keep leaves the database for profiling the load on its own (its path is printed).
if (process.argv.includes('--keep')) console.log(`kept ${dir}`)
else rmSync(dir, { recursive: true, force: true })
