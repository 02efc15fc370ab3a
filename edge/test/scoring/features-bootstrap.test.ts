// Start-up: the book read back from the database (positions, then the last 28 days of the journal
// replayed) is the book that was fed commit by commit, and what is older than the look-back is left
// out. A real SQLite file and the real journal; no server.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import type { EventType } from '../../src/core/event.js'
import { FEATURE_COUNT } from '../../src/scoring/spec.js'
import { loadFeatureBook } from '../../src/scoring/features/bootstrap.js'
import type { FeatureBook } from '../../src/scoring/features/book.js'
import { commitFeed } from '../../src/scoring/features/commit-feed.js'
import { Catalog } from '../../src/store/catalog.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { importMasterData } from '../../src/store/import/index.js'
import { Journal, type BatchEntry, type EventRow } from '../../src/store/journal.js'
import { FIXTURES, rmrf, tempDir } from '../helpers/server.js'
import { DAY, HOUR, features, rng } from './features-fixture.js'

const NOW = Date.parse('2026-03-02T18:00:00.000Z')

interface Store { db: Database, catalog: Catalog, journal: Journal, load: (nowMs?: number) => FeatureBook }

function store (t: Tap): Store {
  const dir = tempDir()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date(NOW).toISOString() })
  t.teardown(() => { db.close(); rmrf(dir) })
  importMasterData(db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, new Date(NOW).toISOString())
  const catalog = new Catalog(db)
  const load = (nowMs = NOW): FeatureBook => loadFeatureBook(db, {
    item: (sku) => catalog.item(sku), kindOf: (id) => catalog.location(id)?.kind, nowMs, log: silentLog(), refreshCatalog: () => catalog.refreshIfChanged()
  })
  return { db, catalog, journal: new Journal(db), load }
}
interface Tap { teardown (fn: () => unknown): void }

let n = 0
function row (type: EventType, sku: string, atMs: number, f: { location?: string, qty?: number, from?: string, price?: number } = {}): EventRow {
  const at = new Date(atMs).toISOString()
  const data = JSON.stringify({ ...(f.from ? { from: f.from } : {}), ...(f.price !== undefined ? { price: f.price } : {}) })
  return ['dev-1', `e${++n}`, type, 'store-1', at, at, sku, null, f.location ?? null, f.qty ?? null, data, '{"transport":"http"}', f.from ?? null, null]
}

/** Commits rows as the journal thread would and hands the accepted ones to the book's feed. */
function commit (s: Store, book: FeatureBook, rows: EventRow[]): void {
  const entries: BatchEntry[] = rows.map((r) => ({ kind: 'row', row: r }))
  const outcomes = s.journal.write(entries)
  commitFeed(book)(outcomes.flatMap((o, i) => o.kind === 'accepted' ? [{ seq: o.seq, entry: entries[i] }] : []))
}

function vectors (book: FeatureBook, nowMs: number): Buffer {
  const keys = book.keys()
  const out = new Float32Array(keys.length * FEATURE_COUNT)
  keys.forEach((k, i) => book.vector(k.sku, k.location, nowMs, out, i * FEATURE_COUNT))
  return Buffer.from(out.buffer)
}

t.test('the replayed book equals the book fed commit by commit', async (t) => {
  const s = store(t)
  const live = s.load()
  const random = rng(9)
  const skus = ['FOODS_1_001', 'FOODS_1_002', 'DAIRY_1_001']
  const home: Record<string, string> = { FOODS_1_001: 'A01-1', FOODS_1_002: 'A01-2', DAIRY_1_001: 'COOL-1' }
  for (let b = 0; b < 40; b++) {
    const rows: EventRow[] = []
    for (let i = 0; i < 50; i++) {
      const sku = skus[Math.floor(random() * 3)]
      const at = NOW - 20 * DAY + Math.floor(random() * 20 * DAY)
      const r = random()
      if (r < 0.6) rows.push(row('sale', sku, at, { location: home[sku], qty: 1 + Math.floor(random() * 3), price: random() < 0.9 ? 1 + Math.floor(random() * 300) / 100 : undefined }))
      else if (r < 0.7) rows.push(row('cycle_count', sku, at, { location: random() < 0.5 ? home[sku] : 'BR-01', qty: Math.floor(random() * 25) }))
      else if (r < 0.78) rows.push(row('pick', sku, at, { location: home[sku], qty: 4, from: 'BR-01' }))
      else if (r < 0.86) rows.push(row('putaway', sku, at, { location: home[sku], qty: 4 }))
      else if (r < 0.92) rows.push(row('gap_detected', sku, at, { location: home[sku] }))
      else rows.push(row('receipt', sku, at, { location: 'BR-01', qty: 12 }))
    }
    commit(s, live, rows)
  }
  const replayed = s.load()
  t.same(replayed.positions(), live.positions(), 'the same record')
  t.same(replayed.keys(), live.keys())
  for (const now of [NOW, NOW + 3 * HOUR, NOW + 4 * DAY]) t.ok(vectors(replayed, now).equals(vectors(live, now)), `identical vectors at +${(now - NOW) / HOUR} h`)
})

t.test('events older than the look-back are not replayed; the positions they moved stay', async (t) => {
  const s = store(t)
  const book = s.load()
  commit(s, book, [
    row('sale', 'FOODS_1_001', NOW - 40 * DAY, { location: 'A01-1', qty: 4, price: 1 }),
    row('cycle_count', 'FOODS_1_001', NOW - 35 * DAY, { location: 'A01-1', qty: 3 }),
    row('sale', 'FOODS_1_002', NOW - 2 * DAY, { location: 'A01-2', qty: 1, price: 2.5 })
  ])
  const replayed = s.load()
  t.match(features(replayed, NOW, 'FOODS_1_001', 'A01-1'), { shelf_qty: 3, rate_day: 0, since_sale_h: 720, count_var_abs: 0 },
    'the count still set the shelf to 3, but no rate, sale or count variance is remembered')
  t.match(features(replayed, NOW, 'FOODS_1_002', 'A01-2'), { since_sale_h: 48, price_ratio: Math.fround(2.5 / 2.99) }, 'the recent sale is, with its price')
  const longer = loadFeatureBook(s.db, { item: (sku) => s.catalog.item(sku), kindOf: (id) => s.catalog.location(id)?.kind, nowMs: NOW, lookbackDays: 60, log: silentLog() })
  const old = features(longer, NOW, 'FOODS_1_001', 'A01-1')
  t.equal(old.since_sale_h, 720, 'a longer look-back reads the old sale (40 days ago: capped at 720 h)')
  t.ok(old.rate_day > 0, 'and learns a rate from it')
})

t.test('loading logs what it read and how long it took', async (t) => {
  const s = store(t)
  commit(s, s.load(), [row('sale', 'DAIRY_1_001', NOW - HOUR, { location: 'COOL-1', qty: 2 })])
  const lines: Array<Record<string, unknown>> = []
  const log = silentLog()
  log.info = ((obj: Record<string, unknown>, msg: string) => { lines.push({ ...obj, msg }) }) as typeof log.info
  loadFeatureBook(s.db, { item: (sku) => s.catalog.item(sku), kindOf: (id) => s.catalog.location(id)?.kind, nowMs: NOW, log })
  t.match(lines, [{ msg: 'feature book loaded', positions: 4, skus: 3, events: 1, lookbackDays: 28, ms: Number }])
})
