// A couple of simulated days against real store servers (child processes in simulated-clock mode,
// MQTT devices, HTTP handhelds): the traditional policy, the store-edge policy, and a replay of the
// same store-edge seed that also looks inside its server at the end (the shelf-risk features it
// scored, the order proposals and what the manager decided). The three runs are independent (a
// server each) and go side by side: each is a chain of round trips between the simulator and its
// server, so one run alone keeps about one core busy; the tests below share them.
import t from 'tap'
import type { OrderProposal } from '../src/drive/api.js'
import { salesHistory } from '../src/demand/history.js'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { SCENARIOS } from '../src/faults.js'
import { MANAGER_ID } from '../src/policy/server-orders.js'
import { runSession, type SessionOptions } from '../src/session.js'
import { FEATURE_COUNT, FEATURE_NAMES } from '../../edge/src/scoring/spec.js'

const data = loadM5(defaultM5File())
// Rough rates so two days see faults, outages and replays; a promotion from the second day for
// the onboarding's calendar and the proposals; a small store keeps the test short.
const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 2, seed: 11, skus: 40, rates: { ...SCENARIOS.rough.rates, deviceOfflinePct: 30 }, spikes: [], promotions: [{ skus: 'top', fromDay: 1, toDay: 4, lift: 2, discountPct: 20 }] }
const runDays = ['2016-03-01', '2016-03-02']
const setup = setUp(data, o)
const historySku = setup.layout.skus[3].sku

/** What the replay read from its server at the end of the run. */
const seen = {
  features: { compared: 0, differing: [] as string[] },
  approved: [] as OrderProposal[],
  rejected: [] as OrderProposal[],
  /** The server's daily sales of one item over the last onboarding week. */
  daily: [] as number[]
}

const inspect: SessionOptions['inspect'] = async ({ api, local, endMs }) => {
  // Through the session's client: the API needs the admin token (apiAuth 'sessions').
  for (const day of runDays) {
    seen.approved.push(...await api!.orderProposals({ state: 'approved', orderDay: day }))
    seen.rejected.push(...await api!.orderProposals({ state: 'rejected', orderDay: day }))
  }
  seen.daily = (await api!.get<{ units: number[] }>(`/api/v1/sales/daily?sku=${encodeURIComponent(historySku)}&from=2016-02-23&to=2016-02-29`)).units
  // Devices that came back at the end of the day replayed what they held after the last
  // scoring pass: move the server's clock past its next slow-tier run so it scores the lot.
  await api!.setClock(endMs + 6 * 60000)
  for (const s of setup.layout.skus) {
    const body = await api!.get<{ risk: Array<{ location: string, scoredAt: string, features: Record<string, number> }> }>(`/api/v1/items/${encodeURIComponent(s.sku)}`)
    const scored = body.risk.find((r) => r.location === s.shelfLocation)
    if (!scored || Date.parse(scored.scoredAt) < endMs) continue
    const mine = new Float32Array(FEATURE_COUNT)
    local!.book.vector(s.sku, s.shelfLocation, Date.parse(scored.scoredAt), mine)
    seen.features.compared++
    FEATURE_NAMES.forEach((f, i) => {
      // The API gives 4 decimals.
      if (Math.abs(scored.features[f] - mine[i]) > 5.1e-5 * Math.max(1, Math.abs(mine[i]))) seen.features.differing.push(`${s.sku} ${f}: server ${scored.features[f]}, simulator ${mine[i]}`)
    })
  }
}

const runs = Promise.all([
  runSession('traditional', o, setup, { server: true }),
  runSession('store-edge', o, setup, { server: true }),
  runSession('store-edge', o, setup, { server: true, inspect })
])
runs.catch(() => {}) // each test awaits it and fails with the reason

t.test('both policies run the same store against a real server, and the store-edge run replays identically', async (t) => {
  const [trad, edge, again] = await runs
  for (const r of [trad, edge, again]) {
    t.ok(r.conserved, `${r.policy}: units conserved`)
    t.same(r.rejections, [], `${r.policy}: the server accepted every handheld event`)
    t.equal(r.serverLog?.error, 0, `${r.policy}: the server logged no errors`)
    t.ok((r.sent.baskets ?? 0) > 0, `${r.policy}: the POS rang up baskets`)
  }
  t.same(trad.flows.sold + trad.flows.lostSales, edge.flows.sold + edge.flows.lostSales, 'the same customers came to both stores')
  t.ok((edge.sent.handheldEvents ?? 0) > (trad.sent.handheldEvents ?? 0), 'store-edge associates report their work through handhelds')
  t.ok((edge.sent.taskActions ?? 0) > 0, 'store-edge associates work from the server\'s task list and answer with task actions')
  t.same(edge.taskRefusals.filter((r) => r.code !== 'EDGE_ERR_TASK_CONFLICT'), [], 'no task action was rejected (a conflict is a task cancelled meanwhile)')
  t.ok(edge.countPrecision !== null && edge.countPrecision.source === 'server', 'count precision comes from the server')

  for (const r of [trad, edge]) {
    // POS lanes went offline and replayed their buffers: the journal still holds each sale once.
    t.equal(r.serverSoldUnits, r.flows.sold, `${r.policy}: the server's journal holds exactly the units the POS sold`)
  }
  t.ok((edge.sent.mqttReplayed ?? 0) + (trad.sent.mqttReplayed ?? 0) > 0, 'some baskets were buffered offline and replayed')

  // The replay looked inside its server after the run: it still came out the same.
  t.same(again.kpis, edge.kpis, 'the same seed gives the same KPIs')
  t.same(again.serverInventory, edge.serverInventory, 'and the server ends with the same perpetual inventory: it behaves identically under replay')
  t.ok(Object.keys(edge.serverInventory ?? {}).length === 40)
})

t.test('the features the simulator trains on are the very ones the server scores with', async (t) => {
  await runs
  t.ok(seen.features.compared >= 30, `${seen.features.compared} SKU shelves scored by the server and compared`)
  t.same(seen.features.differing.slice(0, 10), [], 'every feature equal (to the 4 decimals the API gives)')
})

t.test('store-edge orders what the server proposed and the manager let through, each once', async (t) => {
  const r = (await runs)[2]
  const { approved, rejected } = seen
  const history = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
  t.same(seen.daily, history.sales.filter((x) => x.sku === historySku).slice(-7).map((x) => x.units), 'the server holds the onboarding history as sent')

  const d = r.orderDecisions!
  t.ok(d !== null, 'the run kept the decisions')
  const decided = d.auto + d.managerApproved + d.modified + d.rejected
  t.ok(decided > 0, `${decided} proposals decided over two evenings`)
  t.equal(approved.length + rejected.length, decided, 'every proposal decided is on the server as approved or rejected')
  t.equal(approved.filter((p) => p.decision?.mode === 'auto').length, d.auto, 'auto-approved as the server says')
  t.equal(rejected.length, d.rejected)
  const byManager = [...approved, ...rejected].filter((p) => p.decision?.mode === 'manager')
  t.equal(byManager.length, d.managerApproved + d.modified + d.rejected, 'the manager\'s decisions are on the server')
  t.ok(byManager.every((p) => p.decision?.by === MANAGER_ID), 'signed by the manager')

  // What reached the supplier is exactly the approved proposals, in whole cases.
  const units = approved.reduce((n, p) => n + (p.decision?.qty ?? p.qty), 0)
  t.equal(r.kpis.unitsOrdered, units, `units ordered: ${units}`)
  t.equal(r.kpis.orders, approved.filter((p) => (p.decision?.qty ?? p.qty) > 0).length, 'one order line per approved proposal')
  t.ok(approved.every((p) => (p.decision?.qty ?? p.qty) % p.casePack === 0), 'whole cases')

  t.equal(r.kpis.laborMin_orders, d.reviewMin, 'the manager\'s review is counted as labor')
  t.equal(r.kpis.proposalsDecided, decided)
  t.ok(Number.isFinite(r.kpis.proposalsAutoApprovedPct))
})
