// The server's time is chosen by the configuration: the system clock (or the one a test passes in)
// on real timers, or a simulation clock that only the simulator moves.

import t from 'tap'
import { ManualClock } from '../../src/core/clock.js'
import { silentLog } from '../../src/core/log.js'
import { createServerTime } from '../../src/core/time.js'

t.test('system mode reads the system clock, or the clock a test passes in, and cannot be moved', async (t) => {
  const system = createServerTime({ clockMode: 'system', clockStart: null }, silentLog())
  t.equal(system.mode, 'system')
  t.ok(Math.abs(system.clock.now() - Date.now()) < 1000)
  t.equal(system.advanceTo, null)
  const manual = new ManualClock(0)
  t.equal(createServerTime({ clockMode: 'system', clockStart: null }, silentLog(), manual).clock, manual)
})

t.test('sim mode starts at clockStart, or at the system time, and moves only when advanced', async (t) => {
  const sim = createServerTime({ clockMode: 'sim', clockStart: '2016-04-25T10:00:00+02:00' }, silentLog())
  t.equal(sim.mode, 'sim')
  t.equal(new Date(sim.clock.now()).toISOString(), '2016-04-25T08:00:00.000Z')
  t.same(await sim.advanceTo!(Date.parse('2016-04-25T09:00:00Z')), { ran: 0 })
  t.equal(new Date(sim.clock.now()).toISOString(), '2016-04-25T09:00:00.000Z')
  const fromNow = createServerTime({ clockMode: 'sim', clockStart: null }, silentLog())
  t.ok(Math.abs(fromNow.clock.now() - Date.now()) < 1000)
})

t.test('sim mode keeps its own clock: passing one in is a configuration error', async (t) => {
  t.throws(() => createServerTime({ clockMode: 'sim', clockStart: null }, silentLog(), new ManualClock(0)), { code: 'EDGE_ERR_CONFIG_INVALID', message: /"clockMode"/ })
})
