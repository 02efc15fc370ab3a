// Both policies for a couple of simulated days against a real store server (a child process in
// simulated-clock mode, MQTT devices, HTTP handhelds), and a replay of the same seed.
import t from 'tap'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { SCENARIOS } from '../src/faults.js'
import { runSession } from '../src/session.js'
import { FEATURE_COUNT, FEATURE_NAMES } from '../../edge/src/scoring/spec.js'

const data = loadM5(defaultM5File())
// Rough rates so two days see faults, outages and replays; a small store keeps the test short.
const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 2, seed: 11, skus: 40, rates: { ...SCENARIOS.rough.rates, deviceOfflinePct: 30 }, spikes: [], promotions: [] }

t.test('both policies run the same store against a real server, and the store-edge run replays identically', async (t) => {
  const setup = setUp(data, o)
  const trad = await runSession('traditional', o, setup, { server: true })
  const edge = await runSession('store-edge', o, setup, { server: true })
  for (const r of [trad, edge]) {
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

  const again = await runSession('store-edge', o, setup, { server: true })
  t.same(again.kpis, edge.kpis, 'the same seed gives the same KPIs')
  t.same(again.serverInventory, edge.serverInventory, 'and the server ends with the same perpetual inventory: it behaves identically under replay')
  t.ok(Object.keys(edge.serverInventory ?? {}).length === 40)
})

t.test('the features the simulator trains on are the very ones the server scores with', async (t) => {
  const setup = setUp(data, o)
  let compared = 0
  let differing: string[] = []
  await runSession('store-edge', o, setup, {
    server: true,
    inspect: async ({ api, local, endMs }) => {
      // Devices that came back at the end of the day replayed what they held after the last
      // scoring pass: move the server's clock past its next slow-tier run so it scores the lot.
      await api!.setClock(endMs + 6 * 60000)
      for (const s of setup.layout.skus) {
        // Through the session's client: the API needs the admin token (apiAuth 'sessions').
        const body = await api!.get<{ risk: Array<{ location: string, scoredAt: string, features: Record<string, number> }> }>(`/api/v1/items/${encodeURIComponent(s.sku)}`)
        const scored = body.risk.find((r) => r.location === s.shelfLocation)
        if (!scored || Date.parse(scored.scoredAt) < endMs) continue
        const mine = new Float32Array(FEATURE_COUNT)
        local!.book.vector(s.sku, s.shelfLocation, Date.parse(scored.scoredAt), mine)
        compared++
        FEATURE_NAMES.forEach((f, i) => {
          // The API gives 4 decimals.
          if (Math.abs(scored.features[f] - mine[i]) > 5.1e-5 * Math.max(1, Math.abs(mine[i]))) differing.push(`${s.sku} ${f}: server ${scored.features[f]}, simulator ${mine[i]}`)
        })
      }
    }
  })
  t.ok(compared >= 30, `${compared} SKU shelves scored by the server and compared`)
  t.same(differing.slice(0, 10), [], 'every feature equal (to the 4 decimals the API gives)')
  differing = []
})
