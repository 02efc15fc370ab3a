import t from 'tap'
import { KpiRecorder, type KpiSku, type Kpis, type TruthView } from '../src/kpi/recorder.js'
import { KPI_META } from '../src/kpi/kpis.js'
import { buildReport, formatTable, type RunResult } from '../src/kpi/report.js'
import { mean, pairedDifference, quantile, sd, tQuantile975 } from '../src/kpi/stats.js'

const MIN = 60_000 // ms
const OPEN = Date.UTC(2016, 0, 4, 8) // a Monday, 08:00, when the store opens
const at = (minutes: number): number => OPEN + minutes * MIN

const sku = (id: string, o: Partial<KpiSku> = {}): KpiSku => ({ sku: id, unitPrice: 2.5, meanDaily: 4, ...o })
const truth = (id: string, shelf: number, o: Partial<TruthView> = {}): TruthView =>
  ({ sku: id, shelf, backroom: 0, misplaced: 0, receiving: 0, ...o })
const recorder = (...ids: string[]): KpiRecorder => new KpiRecorder({ skus: ids.map((id) => sku(id)), tickMinutes: 5 })

/** One open tick every 5 minutes from opening, with these shelf counts for SKU A. */
function shelfTicks (k: KpiRecorder, shelves: number[], fromMin = 0): void {
  shelves.forEach((shelf, n) => k.openTick(at(fromMin + n * 5), [truth('A', shelf)]))
}

t.test('a SKU empty for 3 of 10 open ticks is available 70% of the time', async (t) => {
  const k = recorder('A')
  shelfTicks(k, [4, 3, 0, 0, 0, 2, 2, 1, 1, 1])
  t.equal(k.result().osaPct, 70)
  t.equal(k.result().lostSalesUnits, 0, 'an empty shelf alone loses nothing: lost sales come from sale()')
})

t.test('a SKU-day counts as a stockout when the shelf was empty at any open tick that day', async (t) => {
  const k = recorder('A', 'B')
  k.openTick(at(0), [truth('A', 0), truth('B', 3)])
  k.openTick(at(5), [truth('A', 2), truth('B', 3)])
  k.dayEnd(0, [truth('A', 2), truth('B', 3)])
  k.openTick(at(24 * 60), [truth('A', 2), truth('B', 3)])
  k.dayEnd(1, [truth('A', 2), truth('B', 3)])
  const r = k.result()
  t.equal(r.stockoutRatePct, 25, '1 of 4 SKU-days')
  t.equal(r.osaPct, 5 / 6 * 100)
  t.same(k.series().osaPct, [75, 100])
})

t.test('a store stockout is a SKU-day with none of it findable anywhere in the store, not just an empty shelf', async (t) => {
  const k = recorder('A', 'B', 'C')
  // A: shelf empty with stock in the backroom (a fill's job); B: nothing anywhere (the order's);
  // C: only misplaced units (in the store, but nobody can sell them).
  k.openTick(at(0), [truth('A', 0, { backroom: 6 }), truth('B', 0), truth('C', 0, { misplaced: 4 })])
  k.openTick(at(5), [truth('A', 0, { receiving: 6 }), truth('B', 0), truth('C', 0, { misplaced: 4 })])
  k.dayEnd(0, [truth('A', 2), truth('B', 0), truth('C', 0)])
  k.openTick(at(24 * 60), [truth('A', 2), truth('B', 3), truth('C', 1)])
  k.dayEnd(1, [truth('A', 2), truth('B', 3), truth('C', 1)])
  const r = k.result()
  t.equal(r.stockoutRatePct, 50, 'three shelves empty on day 0, of 6 SKU-days')
  t.equal(r.storeStockoutRatePct, 2 / 6 * 100, 'B and C had nothing to sell anywhere: 2 of 6')
})

t.test('lost sales are what customers wanted and did not get, priced per SKU', async (t) => {
  const k = new KpiRecorder({ skus: [sku('A', { unitPrice: 2.5 }), sku('B', { unitPrice: 10 })], tickMinutes: 5 })
  k.sale(at(1), 'A', 3, 2)
  k.sale(at(2), 'B', 2, 0)
  k.sale(at(3), 'A', 3, 3)
  const r = k.result()
  t.match(r, { salesUnits: 5, lostSalesUnits: 3, lostSalesRevenue: 22.5, lostSalesPct: 3 / 8 * 100 })
  t.throws(() => k.sale(at(4), 'A', 1, 2), /A: sold 2 of 1 wanted/)
  t.throws(() => k.sale(at(4), 'Z', 1, 1), /unknown SKU Z/)
})

t.test('a phantom episode runs from the first snapshot with record but no stock to the first without', async (t) => {
  const k = recorder('A', 'B')
  const record = (a: number, b: number) => (s: string) => ({ shelf: 0, backroom: s === 'A' ? a : b, receiving: 0 })
  k.recordSnapshot(at(0), [truth('A', 5), truth('B', 2)], record(5, 2))
  k.recordSnapshot(at(60), [truth('A', 0), truth('B', 2)], record(5, 2)) // A shrunk unseen: opens
  k.recordSnapshot(at(120), [truth('A', 0), truth('B', 0)], record(5, 2)) // B opens too
  k.recordSnapshot(at(180), [truth('A', 0), truth('B', 0)], record(0, 2)) // A counted to 0: closes after 2 h
  k.recordSnapshot(at(240), [truth('A', 0), truth('B', 0)], record(0, 2))
  const r = k.result()
  t.equal(r.phantomIncidents, 2)
  t.equal(r.phantomOpenAtEnd, 1)
  t.equal(r.phantomHoursMean, 2, 'A closed after 2 h; B still open, 2 h to the last snapshot')
})

t.test('misplaced stock counts as truth for record accuracy, but not against phantom inventory', async (t) => {
  const k = recorder('A', 'B')
  const record = (s: string) => s === 'A' ? { shelf: 0, backroom: 4, receiving: 0 } : { shelf: 3, backroom: 0, receiving: 0 }
  k.recordSnapshot(at(0), [truth('A', 0, { misplaced: 4 }), truth('B', 3)], record)
  let r = k.result()
  t.equal(r.recordAccuracyPct, 100, 'the record is right: the 4 units are in the store')
  t.equal(r.phantomIncidents, 1, 'and phantom: nobody can find them to sell or fill')
  k.recordSnapshot(at(60), [truth('A', 0, { misplaced: 4 }), truth('B', 2)], record)
  r = k.result()
  t.equal(r.recordAccuracyPct, 75, 'mean of 100% and 50%')
  t.equal(r.recordAccuracyEndPct, 50)
  t.same(k.series().recordAccuracyPct, [75], 'a day in progress is in the series')
})

t.test('a SKU with no record is believed to have none', async (t) => {
  const k = recorder('A')
  k.recordSnapshot(at(0), [truth('A', 0)], () => undefined)
  t.match(k.result(), { recordAccuracyPct: 100, phantomIncidents: 0 })
})

t.test('an exception resolves at the first snapshot at or after it where record equals truth', async (t) => {
  const k = recorder('A')
  const snap = (min: number, shelf: number, recorded: number) =>
    k.recordSnapshot(at(min), [truth('A', shelf)], () => ({ shelf: recorded, backroom: 0, receiving: 0 }))
  snap(0, 5, 5)
  k.exceptionOpened({ kind: 'shrink', sku: 'A', t: at(30) })
  snap(60, 4, 5)
  snap(120, 4, 5)
  snap(180, 4, 4) // a count put it right
  k.exceptionOpened({ kind: 'scan-error', sku: 'A', t: at(200) })
  snap(240, 3, 4)
  const r = k.result()
  t.match(r, { exceptions: 2, exceptionsResolved: 1, exceptionResolutionHoursMean: 2.5 })
})

t.test('carton dwell runs from arrival to put-away; mean and p90 in minutes', async (t) => {
  const k = recorder('A')
  for (let n = 1; n <= 10; n++) {
    k.cartonArrived(`C${n}`, 'A', at(0))
    k.cartonPutAway(`C${n}`, at(n * 10))
  }
  k.cartonArrived('C11', 'A', at(0))
  const r = k.result()
  t.match(r, { dwellMinMean: 55, dwellMinP90: 91, cartonsWaitingAtEnd: 1 })
  t.throws(() => k.cartonPutAway('C99', at(5)), /carton C99 put away but never arrived/)
  t.throws(() => k.cartonArrived('C11', 'A', at(5)), /carton C11 arrived twice/)
})

t.test('replenishment runs from the shelf first seen empty to first seen stocked, closed episodes only', async (t) => {
  const k = recorder('A')
  shelfTicks(k, [3, 0, 2, 0, 0, 2, 0, 0, 0, 2, 0, 0])
  const r = k.result()
  t.equal(r.emptyEpisodes, 4, 'the one still open counts as an episode')
  t.equal(r.replenishmentMinMean, 10, '5, 10 and 15 minutes')
  t.equal(r.replenishmentMinP90, 14)
})

t.test('an empty shelf over night counts its clock minutes, closed hours included', async (t) => {
  const k = recorder('A')
  k.openTick(at(13 * 60), [truth('A', 0)]) // 21:00, the last tick of the day
  k.dayEnd(0, [truth('A', 0, { backroom: 6 })])
  k.openTick(at(24 * 60), [truth('A', 6)]) // 08:00 the next morning, filled before opening
  t.equal(k.result().replenishmentMinMean, 11 * 60)
})

t.test('days of supply: all the truth stock over mean daily demand, averaged over SKU-days', async (t) => {
  const k = new KpiRecorder({ skus: [sku('A', { meanDaily: 4 }), sku('B', { meanDaily: 0 })], tickMinutes: 5 })
  k.dayEnd(0, [truth('A', 2, { backroom: 3, misplaced: 1, receiving: 2 }), truth('B', 9)])
  k.dayEnd(1, [truth('A', 4), truth('B', 9)])
  t.equal(k.result().daysOfSupplyMean, 1.5, '8/4 and 4/4 days; B sells nothing and is left out')
  t.throws(() => k.dayEnd(1, []), /day 1 ended out of order/)
})

t.test('store days of supply: the store\'s units over its daily demand, so a slow mover\'s case does not swamp it', async (t) => {
  const k = new KpiRecorder({ skus: [sku('FAST', { meanDaily: 10 }), sku('SLOW', { meanDaily: 0.2 })], tickMinutes: 5 })
  k.dayEnd(0, [truth('FAST', 20), truth('SLOW', 12)]) // 2 and 60 days each
  k.dayEnd(1, [truth('FAST', 40, { backroom: 11 }), truth('SLOW', 0)]) // 5.1 and 0 days
  const r = k.result()
  t.equal(r.daysOfSupplyMean, (2 + 60 + 5.1 + 0) / 4, 'the SKU mean')
  t.equal(r.daysOfSupplyStore, (32 / 10.2 + 51 / 10.2) / 2, 'the store: units / daily demand, mean over days')
})

t.test('labor adds up by kind; fill labor per unit shelved; orders counted', async (t) => {
  const k = recorder('A')
  const task = { sku: 'A', startedAt: at(0), endedAt: at(10), unitsShelved: 0 }
  k.taskDone({ ...task, kind: 'fill', laborMin: 10, unitsShelved: 20 })
  k.taskDone({ ...task, kind: 'fill', laborMin: 5, unitsShelved: 10 })
  k.taskDone({ ...task, kind: 'walk', sku: null, laborMin: 3, unitsShelved: 6 })
  k.taskDone({ ...task, kind: 'count', laborMin: 2 })
  k.orderPlaced(at(0), 'A', 2, 24)
  k.orderPlaced(at(60), 'A', 1, 12)
  t.match(k.result(), {
    laborMin: 20, tasks: 4, laborMinPerTask: 5, laborMinPerUnitShelved: 0.5, // (10 + 5 + 3) / (20 + 10 + 6): a walk fills too
    laborMin_fill: 15, laborMin_walk: 3, laborMin_count: 2, laborMin_putaway: 0, laborMin_receive: 0,
    orders: 2, unitsOrdered: 36
  })
})

t.test('truth may come in any order; unknown SKUs and bad options are refused', async (t) => {
  const k = recorder('A', 'B')
  k.openTick(at(0), [truth('B', 0), truth('A', 1)])
  t.equal(k.result().osaPct, 50)
  t.throws(() => k.openTick(at(5), [truth('Z', 1)]), /unknown SKU Z/)
  t.throws(() => new KpiRecorder({ skus: [sku('A'), sku('A')], tickMinutes: 5 }), /SKU A listed twice/)
  t.throws(() => new KpiRecorder({ skus: [], tickMinutes: 0 }), /tickMinutes 0/)
})

t.test('nothing recorded gives zeros, never NaN, but for the order-proposal shares a run without proposals has none of', async (t) => {
  const r = recorder('A').result()
  const proposals = new Set(['proposalsDecided', 'proposalsAutoApprovedPct', 'managerOverridePct', 'overridePctOfAllProposals'])
  for (const [key, v] of Object.entries(r)) {
    if (proposals.has(key)) t.ok(Number.isNaN(v), `${key} is NaN`)
    else t.equal(v, 0, key)
  }
})

t.test('stats against known values', async (t) => {
  t.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5)
  t.ok(Math.abs(sd([2, 4, 4, 4, 5, 5, 7, 9]) - Math.sqrt(32 / 7)) < 1e-12, 'sample sd')
  t.ok(Number.isNaN(sd([1])))
  t.equal(quantile([1, 2, 3, 4], 0.5), 2.5)
  t.equal(tQuantile975(1), 12.706)
  t.equal(tQuantile975(10), 2.228)
  t.equal(tQuantile975(30), 2.042)
  t.ok(Math.abs(tQuantile975(50) - 2.0086) < 0.001, 'interpolated in 1/df')
  t.ok(Math.abs(tQuantile975(1000) - 1.9623) < 0.001)
  t.ok(tQuantile975(1e9) - 1.96 < 1e-6, 'the normal asymptote')
  t.throws(() => tQuantile975(0), /df >= 1/)
  // R: t.test(c(2,4,3,7,6), c(1,2,3,4,5), paired = TRUE) gives 1.4, CI -0.01578 2.81578
  const d = pairedDifference([1, 2, 3, 4, 5], [2, 4, 3, 7, 6])
  t.equal(d.n, 5)
  t.ok(Math.abs(d.mean - 1.4) < 1e-12)
  t.ok(d.ci95 !== null && Math.abs(d.ci95[0] + 0.01578) < 1e-3 && Math.abs(d.ci95[1] - 2.81578) < 1e-3, `${d.ci95}`)
  t.same(pairedDifference([1], [3]), { mean: 2, ci95: null, n: 1 })
})

const zero: Kpis = recorder().result()
const run = (policy: RunResult['policy'], seed: number, k: Partial<Kpis>): RunResult => ({ policy, seed, kpis: { ...zero, ...k } })

t.test('the report reads each verdict in the direction that KPI counts as good', async (t) => {
  const trad = [{ lostSalesUnits: 100, osaPct: 90, recordAccuracyPct: 95, orders: 10, salesUnits: 12000 },
    { lostSalesUnits: 120, osaPct: 91, recordAccuracyPct: 96, orders: 10, salesUnits: 12500 },
    { lostSalesUnits: 110, osaPct: 92, recordAccuracyPct: 97, orders: 10, salesUnits: 12345 }]
  const edge = [{ lostSalesUnits: 80, osaPct: 88, recordAccuracyPct: 96, orders: 12 },
    { lostSalesUnits: 95, osaPct: 89, recordAccuracyPct: 95, orders: 13 },
    { lostSalesUnits: 90, osaPct: 90.5, recordAccuracyPct: 97.5, orders: 12 }]
  const runs = [...trad.map((k, s) => run('traditional', s, k)), ...edge.map((k, s) => run('store-edge', s, k))]
  const report = buildReport(runs, { skus: 2 }, '2024-01-01T00:00:00Z')
  const row = (kpi: string) => report.comparison.find((c) => c.kpi === kpi)
  t.match(row('lostSalesUnits'), { traditional: 110, diff: -65 / 3, n: 3, verdict: 'better' }, 'fewer lost sales, CI below 0')
  t.match(row('osaPct'), { better: 'higher', verdict: 'worse' })
  t.match(row('recordAccuracyPct'), { verdict: 'no clear difference' })
  t.match(row('orders'), { better: 'none', verdict: 'higher' })
  t.equal(report.comparison.length, Object.keys(KPI_META).length, 'a row for every KPI')
  t.same(report.config, { skus: 2 })

  const table = formatTable(report)
  for (const meta of Object.values(KPI_META)) t.match(table, `${meta.label} (${meta.unit})`)
  const lostLine = table.split('\n').find((l) => l.startsWith('Lost sales (units)')) ?? ''
  t.match(lostLine, /110\.0 \|\s+88\.3 \|\s+-21\.7 \|\s+\[-28\.8, -14\.5\] \| better/)
  t.match(table, '12,282', 'big counts get thousands separators')
  const lines = table.split('\n').filter((l) => l.includes(' | '))
  const bars = (l: string) => [...l.matchAll(/ \| /g)].map((m) => m.index)
  t.ok(lines.every((l) => bars(l).join() === bars(lines[0]).join()), 'fixed-width columns')
})

t.test('one seed gives no CI; one policy gives no difference; a seed run twice is refused', async (t) => {
  const one = buildReport([run('traditional', 7, { osaPct: 90 }), run('store-edge', 7, { osaPct: 95 })], {}, 'now')
  t.match(one.comparison[0], { kpi: 'osaPct', diff: 5, ci95: null, n: 1, verdict: '1 seed: no CI' })
  const alone = buildReport([run('traditional', 1, { osaPct: 90 }), run('traditional', 2, { osaPct: 92 })], {}, 'now')
  t.match(alone.comparison[0], { traditional: 91, storeEdge: null, diff: null, ci95: null, n: 0 })
  t.match(formatTable(alone), /On-shelf availability \(%\)\s+\|\s+91\.0 \|\s+- \|/)
  const unpaired = buildReport([run('traditional', 1, { osaPct: 90 }), run('store-edge', 1, { osaPct: 91 }), run('traditional', 2, { osaPct: 50 })], {}, 'now')
  t.equal(unpaired.comparison[0].traditional, 90, 'with pairs, the means are over paired seeds')
  t.throws(() => buildReport([run('store-edge', 3, {}), run('store-edge', 3, {})], {}, 'now'), /two store-edge runs with seed 3/)
})
