// Store-edge ordering through the server's proposals, against a real server for two simulated
// days: the onboarding history lands, each evening the manager decides the pending proposals, and
// exactly the approved ones reach the supplier.
import t from 'tap'
import type { OrderProposal } from '../src/drive/api.js'
import { salesHistory } from '../src/demand/history.js'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { SCENARIOS } from '../src/faults.js'
import { MANAGER_ID } from '../src/policy/server-orders.js'
import { runSession } from '../src/session.js'

const data = loadM5(defaultM5File())
const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 2, seed: 5, skus: 40, rates: SCENARIOS.typical.rates, spikes: [], promotions: [{ skus: 'top', fromDay: 1, toDay: 4, lift: 2, discountPct: 20 }] }
const runDays = ['2016-03-01', '2016-03-02']

t.test('store-edge orders what the server proposed and the manager let through, each once', async (t) => {
  const setup = setUp(data, o)
  const history = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
  let approved: OrderProposal[] = []
  let rejected: OrderProposal[] = []
  let daily: number[] = []
  const sku = setup.layout.skus[3].sku
  const r = await runSession('store-edge', o, setup, {
    server: true,
    inspect: async ({ api }) => {
      for (const day of runDays) {
        approved.push(...await api!.orderProposals({ state: 'approved', orderDay: day }))
        rejected.push(...await api!.orderProposals({ state: 'rejected', orderDay: day }))
      }
      daily = (await api!.get<{ units: number[] }>(`/api/v1/sales/daily?sku=${encodeURIComponent(sku)}&from=2016-02-23&to=2016-02-29`)).units
    }
  })
  t.ok(r.conserved)
  t.equal(r.serverLog?.error, 0, 'the server logged no errors')
  t.same(daily, history.sales.filter((x) => x.sku === sku).slice(-7).map((x) => x.units), 'the server holds the onboarding history as sent')

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
