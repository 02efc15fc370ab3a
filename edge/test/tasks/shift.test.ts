// Shifts: an associate is offered open work only during their shift (minutes after midnight UTC,
// wrapping past midnight); after it ends they keep what they hold, and the clock brings the next
// shift's work back.

import t from 'tap'
import { onShift } from '../../src/decisions/tasks/offer.js'
import { act, advance, createTask, handheld, myTasks, signIn, startTaskServer } from './helpers.js'

const at = (hhmm: string): number => Date.parse(`2026-03-10T${hhmm}:00.000Z`)

t.test('on shift: inside the hours, start inclusive, end exclusive, wrapping past midnight', async (t) => {
  const day = { shiftStart: 7 * 60, shiftEnd: 15 * 60 }
  t.ok(onShift(day, at('07:00')))
  t.ok(onShift(day, at('14:59')))
  t.notOk(onShift(day, at('15:00')))
  t.notOk(onShift(day, at('06:30')))
  const night = { shiftStart: 22 * 60, shiftEnd: 6 * 60 }
  t.ok(onShift(night, at('23:30')))
  t.ok(onShift(night, at('05:59')))
  t.notOk(onShift(night, at('12:00')))
  t.ok(onShift({ shiftStart: null, shiftEnd: null }, at('03:00')), 'no shift set: any time')
})

t.test('after the shift ends the handheld offers no new work, only what the associate holds', async (t) => {
  const server = await startTaskServer(t, { clockStart: '2026-03-10T14:00:00.000Z', riskModelPath: 'none' })
  const ann = await handheld(server, 'hh-1', 'ann', { shiftStart: 7 * 60, shiftEnd: 15 * 60 })
  const a = (await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'A01-1' })).body.task
  const b = (await createTask(server, { kind: 'count', sku: 'FOODS_1_002', location: 'A01-1' })).body.task
  t.same((await myTasks(server, ann)).body.tasks.map((x) => x.id).sort(), [a.id, b.id].sort(), 'on shift: both offered')
  // Started (a claim left alone 30 minutes goes back to the pool whatever the shift).
  const took = await act(server, ann, [{ actionId: 'c1', taskId: a.id, action: 'claim' }, { actionId: 's1', taskId: a.id, action: 'start' }])
  t.same(took.body.results.map((r) => r.status), ['accepted', 'accepted'])

  await advance(server, 61) // 15:01
  const after = (await myTasks(server, ann)).body
  t.same(after.tasks, [], 'off shift: no new work')
  t.same(after.mine.map((x) => x.id), [a.id], 'but the claimed count is still theirs')

  await advance(server, 16 * 60) // 07:01 the next day: the token is long expired, so sign in again
  const again = await signIn(server, ann.auth, 'B-ann', '1234')
  t.equal(again.status, 200)
  t.same((await myTasks(server, { ...ann, token: again.body.token })).body.tasks.map((x) => x.id), [b.id], 'the next shift: offered again')
})
