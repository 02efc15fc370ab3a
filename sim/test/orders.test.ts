// The simulator's side of order proposals (issue 6), without a server: the manager who reviews the
// pending lines, the shares the proof reports, and the onboarding history built from M5.
import t from 'tap'
import { historyChunks, HISTORY_DAYS, salesHistory } from '../src/demand/history.js'
import { dayDiff, defaultM5File, loadM5 } from '../src/demand/m5.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { SCENARIOS } from '../src/faults.js'
import { MANAGER_DEFAULTS, StoreManager, type ProposalToReview } from '../src/policy/manager.js'
import { casesOf, decisionShares } from '../src/policy/server-orders.js'

const line = (id: number, qty: number, gut: number, o: Partial<ProposalToReview> = {}): ProposalToReview =>
  ({ id, sku: `S${id}`, qty, casePack: 12, minMax: { qty: gut }, confidence: 0.8, fallback: false, ...o })

t.test('the manager approves a proposal close to what min-max would order, every time', async (t) => {
  const m = new StoreManager(1)
  // 24 against 36: a case apart but not half the larger; 12 against 0: a case but all of it (far).
  const lines = Array.from({ length: 200 }, (_, i) => line(i, 24, 36))
  const { decisions, minutes } = m.review(0, lines)
  t.ok(decisions.every((d) => d.action === 'approve'))
  t.equal(minutes, 200 * MANAGER_DEFAULTS.reviewMinPerProposal, 'half a minute a line, nothing more without overrides')
})

t.test('far from gut, the manager pulls some lines halfway back in whole cases, more often when the server is unsure', async (t) => {
  const m = new StoreManager(2)
  const sure = m.review(0, Array.from({ length: 1000 }, (_, i) => line(i, 120, 24))).decisions
  const unsure = m.review(0, Array.from({ length: 1000 }, (_, i) => line(i, 120, 24, { confidence: 0.2 }))).decisions
  const modified = (ds: typeof sure): number => ds.filter((d) => d.action === 'modify').length
  t.ok(modified(sure) > 240 && modified(sure) < 360, `about 30% modified when sure (${modified(sure)})`)
  t.ok(modified(unsure) > 540 && modified(unsure) < 660, `about 60% when unsure (${modified(unsure)})`)
  for (const d of sure) {
    if (d.action !== 'modify') continue
    t.equal(d.qty, 72, 'halfway between 120 and 24 is 72, 6 cases')
    t.match(d.reason, /too much: my min-max would order 24/)
  }
  t.ok(sure.every((d) => d.action !== 'reject'), 'nothing rejected while gut still wants some')
  const fallback = m.review(0, Array.from({ length: 1000 }, (_, i) => line(i, 120, 24, { fallback: true }))).decisions
  t.ok(modified(fallback) > 540, 'a fallback proposal is treated as unsure')
  const tooLittle = m.review(0, Array.from({ length: 300 }, (_, i) => line(i, 12, 60))).decisions
  t.ok(tooLittle.some((d) => d.action === 'modify' && d.qty === 36 && /too little/.test(d.reason)), 'pulled up toward gut as well')
})

t.test('the manager rejects, rarely and with a reason, only when gut says nothing is due', async (t) => {
  const m = new StoreManager(3)
  const { decisions, minutes } = m.review(5, Array.from({ length: 1000 }, (_, i) => line(i, 12, 0)))
  const rejected = decisions.filter((d) => d.action === 'reject')
  t.ok(rejected.length > 70 && rejected.length < 130, `about 10% rejected (${rejected.length})`)
  const unsure = m.review(5, Array.from({ length: 1000 }, (_, i) => line(i, 12, 0, { confidence: 0.1 }))).decisions.filter((d) => d.action === 'reject').length
  t.ok(unsure > 160 && unsure < 240, `about 20% when the server is unsure (${unsure})`)
  t.ok(decisions.every((d) => d.action !== 'modify'), 'nothing to meet halfway: a rejection, not a modify')
  for (const d of rejected) if (d.action === 'reject') t.match(d.reason, /not due by my min-max \(it would order 0\), 12 proposed/)
  t.equal(minutes, 1000 * 0.5 + rejected.length * MANAGER_DEFAULTS.overrideMin, 'each override costs a minute more')
})

t.test('the manager is seeded per day: same seed and day, same decisions, whatever order the list came in', async (t) => {
  const lines = Array.from({ length: 300 }, (_, i) => line(i, 120, 24))
  const a = new StoreManager(9).review(4, lines).decisions
  const b = new StoreManager(9).review(4, [...lines].reverse()).decisions
  t.same(a, b)
  const c = new StoreManager(9).review(5, lines).decisions
  t.not(JSON.stringify(a), JSON.stringify(c), 'another day draws differently')
})

t.test('the proof\'s shares: auto-approved of all, overrides of the manager\'s and of all', async (t) => {
  const s = decisionShares({ auto: 60, managerApproved: 30, modified: 8, rejected: 2 })
  t.equal(s.decided, 100)
  t.equal(s.autoApprovedPct, 60)
  t.equal(s.overridePctOfManager, 25, '10 of the 40 the manager decided')
  t.equal(s.overridePctOfAll, 10)
  const none = decisionShares({ auto: 0, managerApproved: 0, modified: 0, rejected: 0 })
  t.ok(Number.isNaN(none.autoApprovedPct) && Number.isNaN(none.overridePctOfManager), 'no proposals: no share to claim')
  t.equal(decisionShares({ auto: 5, managerApproved: 0, modified: 0, rejected: 0 }).autoApprovedPct, 100)
})

t.test('an approved proposal goes out as whole cases, the manager\'s quantity when they changed it', async (t) => {
  t.equal(casesOf({ qty: 48, casePack: 12, decision: null }), 4)
  t.equal(casesOf({ qty: 48, casePack: 12, decision: { mode: 'auto', by: 'rule', at: '', reason: null, qty: null } }), 4)
  t.equal(casesOf({ qty: 48, casePack: 12, decision: { mode: 'manager', by: 'm', at: '', reason: 'x', qty: 24 } }), 2)
  t.throws(() => casesOf({ qty: 48, casePack: 0, decision: null }), /case pack 0/)
})

const data = loadM5(defaultM5File())
const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 28, seed: 4, skus: 40, rates: SCENARIOS.typical.rates, spikes: [], promotions: [{ skus: 'top', fromDay: 7, toDay: 13, lift: 2.5, discountPct: 20 }] }

t.test('the onboarding history is the year before the run, as the demand model would have sold it', async (t) => {
  const setup = setUp(data, o)
  const h = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
  const days = new Set(h.sales.map((r) => r.day))
  t.equal([...days].sort()[0], '2015-03-02', 'from 365 days before 2016-03-01 (2016 is a leap year)')
  t.equal([...days].sort().at(-1), '2016-02-29', 'to the day before the run')
  t.equal(days.size, HISTORY_DAYS)
  // The store's own items are its real M5 sales, unscaled.
  const own = setup.layout.skus[0]
  t.equal(own.demand.scale, 1)
  const base = own.demand.base
  for (const r of h.sales.filter((x) => x.sku === own.sku)) {
    const i = dayDiff(base.startDate, r.day)
    if (r.units !== base.units[i]) { t.fail(`${r.sku} ${r.day}: ${r.units}, M5 says ${base.units[i]}`); break }
  }
  // Each SKU's year averages the meanDaily the layout sized its shelf for (over the days it was on sale).
  for (const s of setup.layout.skus) {
    const rows = h.sales.filter((r) => r.sku === s.sku)
    t.ok(rows.length <= HISTORY_DAYS && rows.every((r) => Number.isInteger(r.units) && r.units >= 0), `${s.sku}: whole units, one row a day at most`)
    if (rows.length === HISTORY_DAYS && s.meanDaily > 2) {
      const m = rows.reduce((a, r) => a + r.units, 0) / rows.length
      t.ok(Math.abs(m - s.meanDaily) < 0.05 * s.meanDaily + 0.1, `${s.sku}: mean ${m.toFixed(2)} against meanDaily ${s.meanDaily.toFixed(2)}`)
    }
  }
  // A synthetic SKU's row is the scaled, shifted series rounded as the run's customers are.
  const synth = setup.layout.skus.find((s) => s.demand.scale !== 1)!
  const first = h.sales.find((r) => r.sku === synth.sku)!
  const raw = synth.demand.base.units[(dayDiff(synth.demand.base.startDate, first.day) + synth.demand.offset) % synth.demand.base.units.length] * synth.demand.scale
  t.ok(first.units === Math.floor(raw) || first.units === Math.ceil(raw), `${synth.sku} on ${first.day}: ${first.units} from ${raw.toFixed(2)}`)
  t.same(salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos }).sales, h.sales, 'the same seed gives the same history')
})

t.test('the calendar covers the history and the run ahead, with M5 events and the store\'s SNAP days', async (t) => {
  const setup = setUp(data, o)
  const h = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
  t.equal(h.days.length, HISTORY_DAYS + o.days)
  t.equal(h.days[0].day, '2015-03-02')
  t.equal(h.days.at(-1)!.day, '2016-03-28')
  const byDay = new Map(h.days.map((d) => [d.day, d]))
  t.equal(byDay.get('2015-07-04')?.event, 'IndependenceDay')
  t.equal(byDay.get('2016-03-27')?.event, 'Easter', 'an event in the run ahead')
  t.notOk('event' in byDay.get('2016-03-02')!, 'no event key on a plain day')
  // California's SNAP days are the 1st to the 10th of each month.
  t.equal(byDay.get('2016-03-05')?.snap, true)
  t.equal(byDay.get('2016-03-15')?.snap, false)
  t.same(h.promotions.length, 10, 'the ten best sellers promoted')
  t.match(h.promotions[0], { from: '2016-03-08', to: '2016-03-14' }, 'run days 7 to 13 as dates')
  const top = [...setup.layout.skus].sort((a, b) => b.meanDaily - a.meanDaily || a.index - b.index).slice(0, 10).map((s) => s.sku).sort()
  t.same(h.promotions.map((p) => p.sku), top)
})

t.test('the history goes out in requests of at most the endpoint\'s row limit, the calendar with the first', async (t) => {
  const setup = setUp(data, o)
  const h = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
  const chunks = historyChunks(h, 4000)
  t.equal(chunks.length, Math.ceil(h.sales.length / 4000))
  t.ok(chunks.every((c) => (c.sales?.length ?? 0) <= 4000))
  t.same(chunks.flatMap((c) => c.sales ?? []), h.sales, 'every row once, in order')
  t.same(chunks[0].days, h.days)
  t.same(chunks[0].promotions, h.promotions)
  t.ok(chunks.slice(1).every((c) => c.days === undefined && c.promotions === undefined))
  t.equal(historyChunks({ sales: [], days: h.days, promotions: [] }).length, 1, 'a calendar alone is still sent')
  t.throws(() => historyChunks(h, 0), /maxRows 0/)
})
