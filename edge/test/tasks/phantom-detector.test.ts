// The phantom-inventory detector on a real server and the sim clock: a shelf whose record says stock
// but that stopped selling hours ago and that a camera saw empty gets a count task with why; the
// count (found 0) corrects the record, writes the ERP-bound adjustment and counts toward precision;
// the daily budget caps detector counts and resets the next day (short-fill counts do not use it);
// a suspicion that clears (a sale, a record at zero) cancels the open count with the reason.

import t from 'tap'
import { onHandOf } from '../http/api.js'
import { act, advance, createTask, handheld, nowMs } from './helpers.js'
import { adjustments, counts, ev, phantomServer, phantomView, sellingThenSilent, START_MS } from './phantom-helpers.js'

t.test('a phantom shelf gets a count with why; found 0 corrects the record, writes the adjustment, counts toward precision', async (t) => {
  const h = await phantomServer(t)
  const now = await nowMs(h.server)
  t.equal(now, START_MS)
  const gap = ev('gap_detected', { sku: 'FOODS_1_001', location: 'A01-1' }, 60, now)
  await h.post([...sellingThenSilent('FOODS_1_001', 'A01-1', now, 6), gap])
  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 15, 'BR-01': 24 }, '40 counted, 25 sold')
  t.same(await counts(h.server), [], 'nothing before the detector runs')

  await advance(h.server, 30) // phantomEveryMin
  const [count, ...rest] = await counts(h.server)
  t.equal(rest.length, 0, 'one count: the other shelves have no evidence')
  t.match(count, { sku: 'FOODS_1_001', location: 'A01-1', state: 'open', laborMin: 3 })
  t.match(count.why, { detector: 'phantom', record: { onHand: 15 }, unitPrice: 3.49, hoursUntilFound: 24 })
  t.ok(count.why.probability > 0.5, `probability ${count.why.probability}`)
  t.match(count.why.evidence, [{ evidence: 'no_sales', silentH: 6.5 }, { evidence: 'gap_detected', eventId: gap.id, lr: 3 }])
  t.ok(count.why.evidence[0].expectedSales > 3, `expected sales in the silence: ${count.why.evidence[0].expectedSales}`)
  t.ok(count.lineage.includes(gap.id as string), 'the gap detection is in the lineage')
  t.ok(Math.abs(count.value - count.why.expectedLostSales / 3) < 1e-9, 'value = expected lost sales per labor minute')
  t.ok(Math.abs(count.why.expectedLostSales - count.why.probability * count.why.ratePerH * 3.49 * 24) < 1e-9)

  const view = await phantomView(h.server)
  t.match(view.suspects[0], { sku: 'FOODS_1_001', location: 'A01-1' })
  t.match(view.budget, { limit: 20, used: 1, left: 19, day: '2026-03-10' })

  await advance(h.server, 30)
  t.equal((await counts(h.server)).length, 1, 'the next run refreshes it in place')
  t.equal((await phantomView(h.server)).budget.used, 1, 'and uses no more budget')

  const ann = await handheld(h.server, 'hh-1', 'ann')
  const done = await act(h.server, ann, [
    { actionId: 'k1', taskId: count.id, action: 'claim' },
    { actionId: 'k2', taskId: count.id, action: 'complete', result: { found: 0 } }
  ])
  t.match(done.body, { accepted: 2, rejected: 0 })
  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 0, 'BR-01': 24 }, 'the record now says what the shelf holds')
  const [finished] = await counts(h.server, '&state=done')
  t.match(finished.result, { found: 0, delta: -15, absDelta: 15, discrepancy: true, counts: [{ location: 'A01-1', qty: 0, delta: -15 }] })
  t.same(finished.result?.events, [`task-${count.id}-count-A01-1`])
  const adj = adjustments(h.server).filter((a) => a.eventId.startsWith('adj:edge-tasks:'))
  t.equal(adj.length, 1, 'one ERP-bound adjustment from the task (the history\'s own count made another)')
  t.match(adj[0], { eventId: `adj:edge-tasks:task-${count.id}-count-A01-1`, sku: 'FOODS_1_001', payload: { location: 'A01-1', delta: -15, balance: 0, reason: 'count' } })

  const after = await phantomView(h.server)
  t.match(after.precision, { days: 7, completed: 1, discrepancies: 1, share: 1, unitsCorrected: 15 })
  t.match(after.precision.bySource.detector, { raised: 1, completed: 1, discrepancies: 1, share: 1 })
  t.match(after.precision.bySource.short_fill, { raised: 0, completed: 0, share: null })
  t.same(after.suspects.filter((s: { sku: string, location: string }) => s.sku === 'FOODS_1_001' && s.location === 'A01-1'), [], 'counted: no longer a suspect')
  t.same(h.server.phantom.precision(new Date(START_MS).toISOString()).bySource.detector.discrepancies, 1, 'the method the KPIs can call')
})

t.test('the budget caps detector counts per day and resets the next day; short-fill counts do not use it', async (t) => {
  const h = await phantomServer(t, { countBudgetPerDay: 1 })
  const now = await nowMs(h.server)
  await h.post([
    ...sellingThenSilent('FOODS_1_001', 'A01-1', now, 6),
    ...sellingThenSilent('FOODS_1_002', 'A01-2', now, 6),
    ev('gap_detected', { sku: 'FOODS_1_001', location: 'A01-1' }, 30, now),
    ev('gap_detected', { sku: 'FOODS_1_002', location: 'A01-2' }, 30, now)
  ])
  await advance(h.server, 30)
  const first = await counts(h.server)
  t.equal(first.length, 1, 'two suspects, a budget of one')
  t.equal(first[0].sku, 'FOODS_1_001', 'the costlier one first (3.49 against 2.99 a unit)')
  const view = await phantomView(h.server)
  t.equal(view.suspects.length, 2)
  t.match(view.budget, { limit: 1, used: 1, left: 0 })

  // A short fill raises a count of the bin: tracked, but not out of the detector's budget.
  const ann = await handheld(h.server, 'hh-1', 'ann')
  const fill = (await createTask(h.server, { kind: 'fill', sku: 'FOODS_1_002', location: 'A01-2', fromLocation: 'BR-02', qty: 10, value: 1, laborMin: 4 })).body.task
  const short = await act(h.server, ann, [{ actionId: 'f1', taskId: fill.id, action: 'claim' }, { actionId: 'f2', taskId: fill.id, action: 'complete', result: { moved: 0, found: 0 } }])
  t.equal(short.body.results[1].raised?.length, 1, 'the short fill raised a count')
  await advance(h.server, 30)
  t.equal((await counts(h.server)).filter((c) => c.why.detector === 'phantom').length, 1, 'still one detector count today')
  const tracked = await phantomView(h.server)
  t.match(tracked.budget, { used: 1, left: 0 })
  t.match(tracked.precision.bySource.short_fill, { raised: 1 })
  t.match(tracked.precision.bySource.detector, { raised: 1 })

  // Past midnight (server clock): a new day, a new budget; the silence has only grown.
  await advance(h.server, 8 * 60 + 30)
  const next = await counts(h.server)
  const detector = next.filter((c) => c.why.detector === 'phantom')
  t.same(detector.map((c) => c.sku).sort(), ['FOODS_1_001', 'FOODS_1_002'], 'the second suspect gets its count the next day')
  t.match((await phantomView(h.server)).budget, { day: '2026-03-11', limit: 1, used: 1, left: 0 })
})

t.test('a cleared suspicion cancels the open count with the reason: a sale rang up, or the record went to zero', async (t) => {
  const h = await phantomServer(t)
  const now = await nowMs(h.server)
  await h.post([
    ...sellingThenSilent('FOODS_1_001', 'A01-1', now, 6),
    ...sellingThenSilent('FOODS_1_002', 'A01-2', now, 6),
    ev('gap_detected', { sku: 'FOODS_1_001', location: 'A01-1' }, 30, now),
    ev('gap_detected', { sku: 'FOODS_1_002', location: 'A01-2' }, 30, now)
  ])
  await advance(h.server, 30)
  t.equal((await counts(h.server, '&state=open')).length, 2)
  const later = await nowMs(h.server)
  await h.post([
    ev('sale', { sku: 'FOODS_1_001', location: 'A01-1', qty: 1 }, 1, later),
    ev('adjust', { sku: 'FOODS_1_002', location: 'A01-2', qty: -15, data: { reason: 'damage' } }, 1, later)
  ])
  await advance(h.server, 30)
  t.same(await counts(h.server, '&state=open'), [], 'no open count left')
  const cancelled = await counts(h.server, '&state=cancelled')
  const reason = Object.fromEntries(cancelled.map((c) => [c.sku, c.cancelReason]))
  t.match(reason.FOODS_1_001, /^a sale rang up at 2026-03-10T16:\d\d:00\.000Z: the shelf had stock$/)
  t.match(reason.FOODS_1_002, /^the record went to zero/)
  t.match((await phantomView(h.server)).precision.bySource.detector, { raised: 2, cancelled: 2, completed: 0 })
})
