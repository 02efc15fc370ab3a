// The change hub gathers each topic's notices for its window and sends one notice per topic;
// nothing is gathered while nobody listens, and close drops what waits.

import t from 'tap'
import { ChangeHub, MAX_ITEMS, type ChangeNotice } from '../../src/core/change-hub.js'
import { delay, waitFor } from '../helpers/wait-for.js'

t.test('a burst on one topic is one notice with a count; topics go out separately', async (t) => {
  const hub = new ChangeHub({ defaultWindowMs: 30, windowMs: { risk: 60 } })
  const got: ChangeNotice[] = []
  hub.subscribe((n) => got.push(n))
  for (let i = 0; i < 50; i++) hub.publish('tasks', { id: i })
  hub.publish('risk', { tier: 'fast', rescored: 2 })
  hub.publish('risk', { tier: 'slow', rescored: 3 })
  await waitFor(() => got.length === 2, 2000, 'two notices')
  const [tasks, risk] = got
  t.match(tasks, { topic: 'tasks', count: 50 })
  t.equal(tasks.items.length, MAX_ITEMS, 'items are capped; the count says how many there were')
  t.same(tasks.items.map((i) => i.id), [...Array(MAX_ITEMS).keys()])
  t.match(risk, { topic: 'risk', count: 2, items: [{ tier: 'fast' }, { tier: 'slow' }] })
  hub.close()
})

t.test('nothing is gathered without subscribers; an unsubscribed or closed hub sends nothing', async (t) => {
  const hub = new ChangeHub({ defaultWindowMs: 10 })
  hub.publish('tasks', { id: 1 })
  const got: ChangeNotice[] = []
  const off = hub.subscribe((n) => got.push(n))
  t.equal(hub.listening, 1)
  hub.publish('devices', { deviceId: 'd1' })
  await waitFor(() => got.length === 1, 2000, 'the devices notice')
  t.equal(got[0].topic, 'devices', 'the change published before anyone listened was not kept')
  off()
  t.equal(hub.listening, 0)
  hub.subscribe((n) => got.push(n))
  hub.publish('alerts', {})
  hub.close()
  await delay(50) // past the window: nothing may arrive after close
  t.equal(got.length, 1)
})
