// The lead times the store has seen, from its own approvals and the receipts that brought them: the
// spread of late deliveries goes into safety stock.

import t from 'tap'
import { leadTimeSpread, LEAD_TIME_MIN_N } from '../../src/decisions/orders/run.js'
import { ProposalStore } from '../../src/store/proposals.js'
import { basic, postEvents } from '../http/api.js'
import { startTestServer } from '../helpers/server.js'

const DAY = 86_400_000

t.test('receipts are matched to approved orders first in, first out: each order\'s lead time in days', async (t) => {
  const server = await startTestServer(t, { clockMode: 'sim', riskModelPath: 'none', clockStart: '2016-03-07T12:00:00Z' })
  const auth = basic('rcv', server.addDevice('rcv', 'handheld-scanner-app'))
  const base = Date.parse('2016-03-01T22:00:00Z')
  const approve = server.db.prepare(`INSERT INTO order_proposals (sku, order_day, state, qty, case_pack, min_max_qty, confidence, reasoning, created_at, updated_at, expires_at, decided_at, decided_by, decision_mode, approved_qty)
    VALUES (?, ?, 'approved', ?, 12, 0, 1, '{}', ?, ?, ?, ?, 'test', 'auto', ?)`)
  const events = []
  // Three orders of FOODS_1_001: on time (2 days), one day late, a receipt a case short.
  const plan = [[0, 24, 2], [1, 24, 3], [2, 12, 2]] as const
  for (const [k, qty, lead] of plan) {
    const at = new Date(base + k * DAY).toISOString()
    approve.run('FOODS_1_001', at.slice(0, 10), qty, at, at, at, at, qty)
    events.push({ id: `r${k}`, type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: k === 2 ? 6 : qty, occurredAt: new Date(base + (k + lead) * DAY).toISOString() })
  }
  // A receipt before the first order in the window is an older order's: not counted.
  events.push({ id: 'old', type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 24, occurredAt: new Date(base - DAY).toISOString() })
  const posted = await postEvents(server, auth, events)
  t.equal(posted.body.accepted, 4, 'all four receipts journalled')
  const seen = new ProposalStore(server.db).leadTimes(new Date(base - 2 * DAY).toISOString())
  t.same(seen.get('')!.map((d) => Math.round(d * 10) / 10), [2, 3, 2], 'on time, a day late, and half of the last is enough to call it come')
})

t.test('the spread is used per supplier once it has enough deliveries, else over all suppliers, else none', async (t) => {
  const many = Array.from({ length: LEAD_TIME_MIN_N }, (_, i) => (i % 2 === 0 ? 2 : 3))
  const s = leadTimeSpread(new Map([['acme', many], ['tiny', [2, 9]]]))
  t.ok(Math.abs(s.get('acme')! - 0.527) < 0.01, 'half of the deliveries a day late: about half a day')
  t.equal(s.get('tiny'), undefined, 'two deliveries are not enough')
  t.ok(s.get('\u0000all')! > s.get('acme')!, 'the pooled spread includes the 9-day delivery')
  t.same([...leadTimeSpread(new Map([['x', [2, 2]]]))], [], 'too few anywhere: no spread')
})
