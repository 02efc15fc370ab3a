// The feature book on its own: what it learns from events and what a vector says, in event time.

import t from 'tap'
import { FEATURE_COUNT } from '../../src/scoring/spec.js'
import { DAY, HOUR, MONDAY, ev, features, newBook, rng, sale } from './features-fixture.js'

const f32 = Math.fround

t.test('a steady seller converges to its daily rate, and rate_now follows the hour of the week', async (t) => {
  const book = newBook()
  // 2 units every open hour (8-20 h), every day, for six weeks: 24 a day.
  for (let d = 0; d < 42; d++) for (let h = 8; h < 20; h++) book.apply(sale(MONDAY + d * DAY + h * HOUR + 30 * 60_000, 2))
  const end = MONDAY + 42 * DAY
  const noon = features(book, end + 12 * HOUR)
  t.ok(Math.abs(noon.rate_day - 24) / 24 < 0.05, `rate_day ${noon.rate_day} is within 5% of 24/day`)
  const night = features(book, end + 3 * HOUR)
  t.ok(noon.rate_now > 1.2, `at noon the shelf sells ~2/h (rate_now ${noon.rate_now})`)
  t.ok(night.rate_now < 0.3, `at 3 am it sells almost nothing (rate_now ${night.rate_now})`)
})

t.test('the rate halves over a week of silence and keeps decaying', async (t) => {
  const book = newBook()
  for (let d = 0; d < 28; d++) for (let h = 0; h < 24; h++) book.apply(sale(MONDAY + d * DAY + h * HOUR, 1))
  const last = MONDAY + 28 * DAY - HOUR
  const r0 = features(book, last).rate_day
  const r7 = features(book, last + 7 * DAY).rate_day
  const r14 = features(book, last + 14 * DAY).rate_day
  t.ok(Math.abs(r0 - 24) / 24 < 0.05, `24 a day while selling (${r0})`)
  t.ok(Math.abs(r7 / r0 - 0.5) < 0.03, `half after 7 silent days (${r7 / r0})`)
  t.ok(r14 < r7 && Math.abs(r14 / r0 - 0.25) < 0.03, `a quarter after 14 (${r14 / r0})`)
})

t.test('a new item is not read as a slow one: its first day already gives about its rate', async (t) => {
  const book = newBook()
  for (let h = 0; h < 24; h++) book.apply(sale(MONDAY + h * HOUR, 4))
  const r = features(book, MONDAY + DAY).rate_day
  t.ok(r > 80 && r < 110, `about 96 a day after one day (${r})`)
})

t.test('silence_ratio grows while a fast mover sells nothing, and since_sale_h with it', async (t) => {
  const book = newBook()
  for (let d = 0; d < 14; d++) for (let m = 0; m < 24 * 6; m++) book.apply(sale(MONDAY + d * DAY + m * 10 * 60_000, 1))
  const stop = MONDAY + 14 * DAY + 10 * HOUR // a Monday, mid-morning
  for (let m = 0; m < 60; m++) book.apply(sale(MONDAY + 14 * DAY + m * 10 * 60_000, 1))
  const ratios = [0.25, 1, 2, 4].map((h) => features(book, stop + h * HOUR))
  t.same(ratios.map((f) => Math.round(f.since_sale_h * 100) / 100), [0.42, 1.17, 2.17, 4.17], 'hours since the last sale (at 09:50)')
  for (let i = 1; i < ratios.length; i++) t.ok(ratios[i].silence_ratio > ratios[i - 1].silence_ratio, `${ratios[i].silence_ratio} > ${ratios[i - 1].silence_ratio}`)
  t.ok(ratios[3].silence_ratio > 10, 'four silent hours of an item selling six an hour is many expected gaps')
  t.ok(features(book, stop + 20 * DAY).silence_ratio <= 100, 'capped')
})

t.test('a gap detection is a look at the shelf; a fill after it clears obs_gap', async (t) => {
  const book = newBook()
  book.setPosition('MILK', 'A01-1', 2, 0)
  book.setPosition('MILK', 'BR-01', 24, 0)
  const at = MONDAY + 10 * HOUR
  t.match(features(book, at), { since_obs_h: 720, obs_gap: 0, obs_qty: -1, gaps_24h: 0 }, 'nobody has looked yet')
  book.apply(ev('gap_detected', at))
  book.apply(ev('gap_detected', at + 20 * 60_000))
  t.match(features(book, at + HOUR), { obs_gap: 1, gaps_24h: 2 })
  t.ok(Math.abs(features(book, at + HOUR).since_obs_h - 40 / 60) < 1e-6, 'since the second detection')
  book.apply(ev('pick', at + 2 * HOUR, { qty: 12, from: 'BR-01' }))
  t.equal(features(book, at + 2 * HOUR + 1).obs_gap, 1, 'a pick is not a fill yet')
  book.apply(ev('putaway', at + 3 * HOUR, { qty: 12 }))
  t.match(features(book, at + 3 * HOUR), { obs_gap: 0, obs_qty: 14, since_obs_h: 0, shelf_qty: 14, in_transit_qty: 0, backroom_qty: 12 }, 'the shelf after the fill is what was seen')
  t.equal(features(book, at + 3 * HOUR).gaps_24h, 2, 'the day still remembers the gaps')
  t.equal(features(book, at + 25 * HOUR).gaps_24h, 0, 'and forgets them a day later')
})

t.test('count variances: the mean over the last three counts, signed and absolute', async (t) => {
  const book = newBook()
  book.setPosition('MILK', 'A01-1', 10, 0)
  book.setPosition('MILK', 'BR-01', 30, 0)
  const at = MONDAY + 9 * HOUR
  t.match(features(book, at), { count_var_abs: 0, count_var_signed: 0 }, 'no count yet')
  book.apply(ev('cycle_count', at, { qty: 7 })) // record 10: -3
  t.match(features(book, at), { count_var_abs: 3, count_var_signed: -3, obs_qty: 7, shelf_qty: 7 })
  book.apply(ev('cycle_count', at + HOUR, { location: 'BR-01', qty: 32 })) // backroom record 30: +2
  t.match(features(book, at + HOUR), { count_var_abs: 2.5, count_var_signed: -0.5, obs_qty: 7, backroom_qty: 32 }, 'a backroom count is no look at the shelf')
  book.apply(ev('cycle_count', at + 2 * HOUR, { qty: 7 })) // record 7: 0
  book.apply(ev('cycle_count', at + 3 * HOUR, { qty: 1 })) // record 7: -6, pushes the first out
  t.match(features(book, at + 3 * HOUR), { count_var_abs: f32(8 / 3), count_var_signed: f32(-4 / 3) }, 'vectors are float32')
  book.apply(ev('cycle_count', at + 4 * HOUR, { location: 'RCV', qty: 5 }))
  t.match(features(book, at + 4 * HOUR), { count_var_signed: f32(-4 / 3) }, 'a count at receiving says nothing about the shelf record')
  t.match(features(book, at + 40 * DAY), { count_var_abs: 0, count_var_signed: 0 }, 'counts older than 28 days are forgotten')
})

t.test('hour and dow are of the scoring time, UTC, Sunday = 0', async (t) => {
  const book = newBook()
  t.match(features(book, Date.parse('2026-01-04T15:30:00Z')), { hour: 15, dow: 0 })
  t.match(features(book, Date.parse('2026-01-10T23:59:59Z')), { hour: 23, dow: 6 })
  t.match(features(book, Date.parse('2026-01-05T00:00:00Z')), { hour: 0, dow: 1 })
})

t.test('an item with no history gets finite, neutral values', async (t) => {
  const book = newBook()
  book.setPosition('OATS', 'A01-2', 5, 0)
  const f = features(book, MONDAY, 'OATS', 'A01-2')
  t.match(f, {
    nonFinite: 0, shelf_qty: 5, shelf_fill: 0.25, cover_h: 1000, backroom_qty: 0, rate_now: 0, rate_day: 0, since_sale_h: 720,
    since_obs_h: 720, obs_gap: 0, obs_qty: -1, gaps_24h: 0, count_var_abs: 0, open_tasks: 0, sales_24h_ratio: 0, price_ratio: 1,
    lead_time_d: 3, case_to_shelf: 0.5
  })
  t.ok(f.silence_ratio < 0.01, 'not selling is no silence')
  const bare = features(book, MONDAY, 'BARE', 'A01-2')
  t.match(bare, { nonFinite: 0, shelf_qty: 0, shelf_fill: -1, case_to_shelf: -1, cover_h: 0, lead_time_d: 2, price_ratio: 1 }, 'unknown capacity and lead time')
  const unknown = features(book, MONDAY, 'NOPE', 'Z-9')
  t.equal(unknown.nonFinite, 0, 'even an unknown key is finite')
})

t.test('cover_h: the shelf at the expected rate from now, longer overnight', async (t) => {
  const book = newBook()
  for (let d = 0; d < 21; d++) for (let h = 8; h < 20; h++) book.apply(sale(MONDAY + d * DAY + h * HOUR, 2))
  book.setPosition('MILK', 'A01-1', 12, 0)
  const morning = features(book, MONDAY + 21 * DAY + 8 * HOUR)
  const evening = features(book, MONDAY + 21 * DAY + 19 * HOUR)
  t.ok(morning.cover_h > 4 && morning.cover_h < 9, `12 units at ~2/h from 8 am: ${morning.cover_h} h`)
  t.ok(evening.cover_h > morning.cover_h + 8, `from 7 pm the night is slept through: ${evening.cover_h} h`)
  book.setPosition('MILK', 'A01-1', 0, 0)
  t.equal(features(book, MONDAY + 21 * DAY).cover_h, 0, 'an empty shelf has no cover')
  book.setPosition('MILK', 'A01-1', 5000, 0)
  t.equal(features(book, MONDAY + 21 * DAY).cover_h, 1000, 'capped')
})

t.test('a promotion: the sale price against list, and the day\'s sales against the rate', async (t) => {
  const book = newBook()
  for (let d = 0; d < 21; d++) for (let h = 8; h < 20; h += 2) book.apply(sale(MONDAY + d * DAY + h * HOUR, 1, { price: 1.25 }))
  const normal = features(book, MONDAY + 21 * DAY)
  t.equal(normal.price_ratio, 1)
  t.ok(Math.abs(normal.sales_24h_ratio - 1) < 0.1, `an ordinary day: ${normal.sales_24h_ratio}`)
  for (let h = 8; h < 20; h++) book.apply(sale(MONDAY + 21 * DAY + h * HOUR, 3, { price: 0.99 }))
  const promo = features(book, MONDAY + 21 * DAY + 20 * HOUR)
  t.ok(Math.abs(promo.price_ratio - 0.792) < 1e-3, `0.99 / 1.25 (${promo.price_ratio})`)
  t.ok(promo.sales_24h_ratio > 3, `a spike: ${promo.sales_24h_ratio}`)
})

t.test('the mirror moves as the journal would: pick, putaway, receipt, sale, count, adjust', async (t) => {
  const book = newBook()
  book.setPosition('MILK', 'A01-1', 3, 0)
  book.setPosition('MILK', 'BR-01', 20, 0)
  const at = MONDAY
  book.apply(ev('pick', at, { qty: 6, from: 'BR-01' }))
  t.same(book.record('MILK', 'A01-1'), { onHand: 3, inTransit: 6 })
  t.match(features(book, at), { shelf_qty: 9, in_transit_qty: 6, backroom_qty: 14 }, 'picked units count on the shelf they are bound for')
  book.apply(ev('putaway', at, { qty: 4 }))
  t.same(book.record('MILK', 'A01-1'), { onHand: 7, inTransit: 2 })
  book.apply(ev('receipt', at, { location: 'RCV', qty: 12 }))
  book.apply(ev('putaway', at, { location: 'BR-02', qty: 12, from: 'RCV' }))
  book.apply(ev('sale', at, { qty: 2 }))
  book.apply(ev('adjust', at, { qty: -1 }))
  book.apply(ev('reserve', at, { qty: 1 }))
  t.same(book.positions(), [
    { sku: 'MILK', location: 'A01-1', onHand: 4, inTransit: 2 },
    { sku: 'MILK', location: 'BR-01', onHand: 14, inTransit: 0 },
    { sku: 'MILK', location: 'BR-02', onHand: 12, inTransit: 0 },
    { sku: 'MILK', location: 'RCV', onHand: 0, inTransit: 0 }
  ])
  book.apply(ev('sale', at, { qty: 1 }), { effects: false })
  t.same(book.record('MILK', 'A01-1'), { onHand: 4, inTransit: 2 }, 'with effects off only signals are learned')
})

t.test('keys: every home shelf, plus shelves holding a position, sorted', async (t) => {
  const book = newBook()
  t.same(book.keys(), [{ sku: 'BARE', location: 'A01-2' }, { sku: 'MILK', location: 'A01-1' }, { sku: 'OATS', location: 'A01-2' }])
  t.equal(book.keys(), book.keys(), 'cached')
  book.apply(ev('putaway', MONDAY, { location: 'END-1', qty: 10, from: 'BR-01' }))
  t.same(book.keys().map((k) => `${k.sku}@${k.location}`), ['BARE@A01-2', 'MILK@A01-1', 'MILK@END-1', 'OATS@A01-2'], 'a promotion end cap joins')
  book.apply(ev('receipt', MONDAY, { location: 'BR-02', qty: 10 }))
  t.equal(book.keys().length, 4, 'backroom bins are not scored')
})

t.test('fresh signals: gaps, shelf and backroom counts, fills, fast or spiking sales', async (t) => {
  const book = newBook()
  const at = MONDAY + 10 * HOUR
  t.ok(book.isFresh(ev('gap_detected', at)))
  t.ok(book.isFresh(ev('cycle_count', at, { qty: 3 })))
  t.ok(book.isFresh(ev('cycle_count', at, { location: 'BR-01', qty: 3 })))
  t.notOk(book.isFresh(ev('cycle_count', at, { location: 'RCV', qty: 3 })))
  t.ok(book.isFresh(ev('putaway', at, { qty: 3 })))
  t.notOk(book.isFresh(ev('putaway', at, { location: 'BR-01', qty: 3, from: 'RCV' })), 'a putaway into the backroom is no fill')
  t.notOk(book.isFresh(ev('receipt', at, { location: 'RCV', qty: 3 })))
  // A slow mover: one a day for three weeks.
  for (let d = 0; d < 21; d++) book.apply(sale(MONDAY - 21 * DAY + d * DAY + 12 * HOUR, 1, { sku: 'OATS', location: 'A01-2' }))
  const slow = sale(at, 1, { sku: 'OATS', location: 'A01-2' })
  book.apply(slow)
  t.notOk(book.isFresh(slow), 'an ordinary sale of a slow mover waits for the next pass')
  const burst = [1, 2, 3].map((i) => sale(at + i * 60_000, 2, { sku: 'OATS', location: 'A01-2' }))
  for (const e of burst) book.apply(e)
  t.ok(book.isFresh(burst[2]), 'seven in an hour of an item selling one a day is a spike')
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) book.apply(sale(MONDAY - 7 * DAY + d * DAY + h * HOUR, 3))
  const fast = sale(at, 1)
  book.apply(fast)
  t.ok(book.isFresh(fast), 'every sale of a fast mover')
})

t.test('the same events give the same vectors, bit for bit, whatever the order of scoring', async (t) => {
  const random = rng(7)
  const events = []
  const skus = ['MILK', 'OATS', 'BARE']
  const shelves: Record<string, string> = { MILK: 'A01-1', OATS: 'A01-2', BARE: 'A01-2' }
  let at = MONDAY
  for (let i = 0; i < 5000; i++) {
    at += Math.floor(random() * 20 * 60_000)
    const sku = skus[Math.floor(random() * 3)]
    const r = random()
    const type = r < 0.7 ? 'sale' : r < 0.75 ? 'gap_detected' : r < 0.8 ? 'cycle_count' : r < 0.87 ? 'pick' : r < 0.94 ? 'putaway' : 'receipt'
    const location = type === 'receipt' ? 'BR-01' : shelves[sku]
    events.push(ev(type, at - Math.floor(random() * 2 * HOUR), {
      seq: i + 1, sku, location, qty: 1 + Math.floor(random() * 5), from: type === 'pick' ? 'BR-01' : null, price: type === 'sale' ? 1 + random() : null
    }))
  }
  const a = newBook()
  const b = newBook()
  for (const e of events) a.apply(e)
  for (const e of events) b.apply({ ...e })
  const keys = a.keys()
  t.same(b.keys(), keys)
  const va = new Float32Array(keys.length * FEATURE_COUNT * 3)
  const vb = new Float32Array(keys.length * FEATURE_COUNT * 3)
  const times = [at - DAY, at, at + 5 * HOUR]
  let o = 0
  for (const now of times) for (const k of keys) { a.vector(k.sku, k.location, now, va, o); o += FEATURE_COUNT }
  for (let i = times.length - 1; i >= 0; i--) {
    for (let j = keys.length - 1; j >= 0; j--) b.vector(keys[j].sku, keys[j].location, times[i], vb, (i * keys.length + j) * FEATURE_COUNT)
  }
  t.ok(Buffer.from(va.buffer).equals(Buffer.from(vb.buffer)), 'identical bytes')
})

t.test('vector() for 50,000 SKU-locations (informational)', async (t) => {
  const book = newBook()
  const random = rng(3)
  const keys: Array<[string, string]> = []
  for (let i = 0; i < 50_000; i++) {
    const sku = `S${i}`
    keys.push([sku, 'A01-1'])
    book.setPosition(sku, 'A01-1', Math.floor(random() * 30), 0)
    book.setPosition(sku, 'BR-01', Math.floor(random() * 60), 0)
    const n = Math.floor(random() * 40)
    for (let k = 0; k < n; k++) book.apply(sale(MONDAY + Math.floor(random() * 28 * DAY), 1, { sku, price: 2 }))
  }
  const out = new Float32Array(FEATURE_COUNT)
  const now = MONDAY + 28 * DAY + 15 * HOUR
  let nonFinite = 0
  for (const [sku, loc] of keys) nonFinite += book.vector(sku, loc, now, out) // warm-up
  const started = performance.now()
  for (const [sku, loc] of keys) nonFinite += book.vector(sku, loc, now, out)
  const ms = performance.now() - started
  t.equal(nonFinite, 0)
  t.comment(`vector() x 50,000: ${ms.toFixed(1)} ms (${(ms * 1000 / 50_000).toFixed(2)} us each)`)
})
