// The week's load, peak weekday over the weekday mean, for labor and cases received (issue 6).
import t from 'tap'
import { KPI_META } from '../src/kpi/kpis.js'
import { KpiRecorder, type TruthView } from '../src/kpi/recorder.js'
import { buildReport, formatTable } from '../src/kpi/report.js'
import { peakToMean, WeekLoad } from '../src/kpi/week.js'

const DAY = 86_400_000
const MONDAY = Date.UTC(2016, 0, 4) // 2016-01-04 was a Monday
const on = (day: number, hour = 10): number => MONDAY + day * DAY + hour * 3_600_000

t.test('peak to mean: the busiest weekday over the mean of the weekdays', async (t) => {
  t.equal(peakToMean([10, 10, 10, 10, 10, 10, 10]), 1, 'a flat week is 1')
  t.equal(peakToMean([0, 10, 10, 10, 10, 10, 20]), 20 / (70 / 7))
  t.equal(peakToMean([NaN, 30, 10, NaN, NaN, NaN, NaN]), 1.5, 'weekdays the run did not see are left out')
  t.equal(peakToMean([0, 0, 0, 0, 0, 0, 0]), 0, 'nothing at all: 0, not a division by zero')
  t.equal(peakToMean([]), 0)
})

t.test('each weekday is the mean over the run\'s days of that weekday, empty days included', async (t) => {
  const w = new WeekLoad()
  for (let d = 0; d < 14; d++) w.dayEnded(on(d, 23))
  w.add(on(0), 60) // Monday, week 1
  w.add(on(0, 15), 40) // the same Monday, later
  w.add(on(7), 20) // Monday, week 2
  w.add(on(5), 70) // Saturday, week 1; week 2's Saturday has nothing
  const means = w.weekdayMeans()
  t.equal(means[1], 60, 'Mondays: (100 + 20) / 2')
  t.equal(means[6], 35, 'Saturdays: (70 + 0) / 2')
  t.equal(means[0], 0, 'Sundays were run, with nothing')
  t.equal(w.peakToMean(), 60 / (95 / 7))
  const partial = new WeekLoad()
  partial.dayEnded(on(0))
  partial.dayEnded(on(1))
  partial.add(on(1), 5)
  t.same(partial.weekdayMeans().map((x) => Number.isNaN(x) ? null : x), [null, 0, 5, null, null, null, null], 'a 2-day run has 2 weekdays')
  t.equal(partial.peakToMean(), 2)
})

const truth = (sku: string): TruthView => ({ sku, shelf: 3, backroom: 0, misplaced: 0, receiving: 0 })

t.test('the recorder counts task labor, the manager\'s review and cartons into the week', async (t) => {
  const k = new KpiRecorder({ skus: [{ sku: 'A', unitPrice: 1, meanDaily: 2 }], tickMinutes: 1 })
  for (let d = 0; d < 7; d++) {
    // 30 min of fills each day, 2 cartons each day and 4 more on Friday; the manager reviews 3 min a day, 10 on Sunday.
    k.taskDone({ kind: 'fill', sku: 'A', startedAt: on(d), endedAt: on(d) + 30 * 60_000, laborMin: 30, unitsShelved: 6 })
    for (let c = 0; c < (d === 4 ? 6 : 2); c++) k.cartonArrived(`C${d}-${c}`, 'A', on(d, 5))
    k.managerWork(on(d, 22), d === 6 ? 10 : 3)
    k.dayEnd(d, [truth('A')], on(d))
  }
  const r = k.result()
  t.equal(r.laborMin, 7 * 30 + 6 * 3 + 10, 'the manager\'s minutes are labor')
  t.equal(r.laborMin_orders, 28)
  t.equal(r.laborMinPerTask, 30, 'but not a task: per-task labor is the associates\' alone')
  t.equal(r.laborPeakToMean, 40 / (238 / 7))
  t.equal(r.casesReceived, 18)
  t.equal(r.casesReceivedPeakToMean, 6 / (18 / 7))
  t.ok(Number.isNaN(r.proposalsAutoApprovedPct), 'proposal shares are the session\'s to fill in')
  t.throws(() => k.managerWork(on(7), -1), /manager work of -1 min/)
  const noWeek = new KpiRecorder({ skus: [{ sku: 'A', unitPrice: 1, meanDaily: 2 }], tickMinutes: 1 })
  noWeek.cartonArrived('X', 'A', on(0))
  noWeek.dayEnd(0, [truth('A')])
  t.equal(noWeek.result().casesReceivedPeakToMean, 0, 'without the day\'s date no weekday is known')
})

t.test('a KPI only store-edge has reads "-" and "n/a" in the report, not a verdict', async (t) => {
  const k = new KpiRecorder({ skus: [{ sku: 'A', unitPrice: 1, meanDaily: 2 }], tickMinutes: 1 })
  const base = k.result()
  const runs = [1, 2, 3].flatMap((seed) => [
    { policy: 'traditional' as const, seed, kpis: { ...base } },
    { policy: 'store-edge' as const, seed, kpis: { ...base, proposalsDecided: 100, proposalsAutoApprovedPct: 60 + seed, managerOverridePct: 10, overridePctOfAllProposals: 4 } }
  ])
  const report = buildReport(runs, {}, 'now')
  const row = report.comparison.find((c) => c.kpi === 'proposalsAutoApprovedPct')!
  t.equal(row.storeEdge, 62)
  t.ok(Number.isNaN(row.traditional!))
  t.equal(row.verdict, 'n/a')
  t.match(formatTable(report), /Order proposals auto-approved \(%\) +\| +- \| +62\.0 \| +- \| +- \| n\/a/)
  t.equal(KPI_META.laborPeakToMean.better, 'lower', 'a flatter week is better')
})
