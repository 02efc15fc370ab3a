// Periodic work runs on a Scheduler: real timers in system mode, the simulation clock in sim mode.
// The contract both keep comes first; then what only simulated time can promise (order, one run per
// missed stretch, the same runs for the same advances).

import t from 'tap'
import { SimClock } from '../../src/core/clock.js'
import { silentLog, type Log } from '../../src/core/log.js'
import { timerScheduler, type Scheduler } from '../../src/core/scheduler.js'
import { SimScheduler } from '../../src/core/sim-scheduler.js'
import { delay, waitFor } from '../helpers/wait-for.js'
import { memoryLog } from '../serial/memory-log.js'

const T0 = Date.parse('2016-04-25T08:00:00.000Z')
const at = (ms: number): string => new Date(ms).toISOString()

interface Harness {
  scheduler: Scheduler
  /** Lets `ms` milliseconds of the scheduler's time pass. */
  pass (ms: number): Promise<void>
}

const implementations: Record<string, (log?: Log) => Harness> = {
  timer: (log = silentLog()) => ({ scheduler: timerScheduler(log), pass: delay }),
  simulated: (log = silentLog()) => {
    const clock = new SimClock(T0)
    const scheduler = new SimScheduler(clock, log)
    return { scheduler, pass: async (ms) => { await scheduler.advanceTo(clock.now() + ms) } }
  }
}

for (const [name, make] of Object.entries(implementations)) {
  t.test(`${name} scheduler: a job runs every period until cancelled`, async (t) => {
    const { scheduler, pass } = make()
    let runs = 0
    const cancel = scheduler.every('count', 20, () => { runs++ })
    await pass(0)
    t.equal(runs, 0, 'the first run is a period after scheduling, not at once')
    for (let i = 0; i < 10 && runs < 3; i++) await pass(20)
    t.ok(runs >= 3, `ran ${runs} times`)
    cancel()
    const before = runs
    await pass(100)
    t.equal(runs, before, 'nothing runs after cancel')
  })

  t.test(`${name} scheduler: a job that throws is logged and keeps its schedule`, async (t) => {
    const { log, lines } = memoryLog()
    const { scheduler, pass } = make(log)
    let runs = 0
    const cancel = scheduler.every('flaky', 20, async () => { runs++; throw new Error('disk on fire') })
    for (let i = 0; i < 10 && runs < 2; i++) await pass(20)
    cancel()
    t.ok(runs >= 2, 'it ran again after failing')
    await waitFor(() => lines.some((l) => l.msg === 'scheduled job failed'), 1000, 'the failure logged')
    t.match(lines.find((l) => l.msg === 'scheduled job failed'), { level: 50, job: 'flaky', err: { message: 'disk on fire' } })
  })

  t.test(`${name} scheduler: a period must be a positive number of milliseconds`, async (t) => {
    const { scheduler } = make()
    t.throws(() => scheduler.every('never', 0, () => {}), RangeError)
    t.throws(() => scheduler.every('never', Number.NaN, () => {}), RangeError)
  })
}

for (const [name, make] of Object.entries(implementations)) {
  t.test(`${name} scheduler: a cron job runs at the times its expression names until cancelled`, async (t) => {
    const { scheduler, pass } = make()
    let runs = 0
    const cancel = scheduler.cron('every-second', '* * * * * *', () => { runs++ })
    for (let i = 0; i < 40 && runs < 2; i++) await pass(100)
    t.ok(runs >= 2, `ran ${runs} times`)
    cancel()
    const before = runs
    await pass(1500)
    t.equal(runs, before, 'nothing runs after cancel')
  })

  t.test(`${name} scheduler: an expression it cannot run is refused naming the problem`, async (t) => {
    const { scheduler } = make()
    t.throws(() => scheduler.cron('bad', '61 * * * *', () => {}), { name: 'RangeError', message: /minute/ })
    t.throws(() => scheduler.cron('bad', '* * *', () => {}), { name: 'RangeError', message: /5 fields/ })
    t.throws(() => scheduler.cron('bad', '0 0 L * *', () => {}), { name: 'RangeError', message: /not supported/ })
  })
}

t.test('a cron job on simulated time runs at its due times; an overnight jump runs it once, at the latest', async (t) => {
  const { clock, scheduler, runs, job } = simulated()
  scheduler.cron('slow', '*/5 * * * *', job('slow'))
  await scheduler.advanceTo(T0 + 4 * 60_000)
  t.same(runs, [], 'T0 is 08:00:00 and the first run is the next match after it, 08:05')
  await scheduler.advanceTo(T0 + 11 * 60_000)
  t.same(runs, ['slow@2016-04-25T08:10:00.000Z'], 'two due (08:05, 08:10) in one jump: once, at the latest')
  runs.length = 0
  await scheduler.advanceTo(T0 + 7 * 3600_000 + 61_000)
  t.same(runs, ['slow@2016-04-25T15:00:00.000Z'])
  await scheduler.advanceTo(T0 + 7 * 3600_000 + 5 * 60_000)
  t.same(runs.at(-1), 'slow@2016-04-25T15:05:00.000Z')
  t.equal(clock.now(), T0 + 7 * 3600_000 + 5 * 60_000)
})

/** A simulated scheduler and a record of which job ran at which clock time. */
function simulated (): { clock: SimClock, scheduler: SimScheduler, runs: string[], job: (name: string) => () => void } {
  const clock = new SimClock(T0)
  const scheduler = new SimScheduler(clock, silentLog())
  const runs: string[] = []
  return { clock, scheduler, runs, job: (name) => () => { runs.push(`${name}@${at(clock.now())}`) } }
}

t.test('moving the clock runs the jobs due on the way in due-time order, the clock reading each due time', async (t) => {
  const { clock, scheduler, runs, job } = simulated()
  scheduler.every('every-3s', 3000, job('every-3s'))
  scheduler.every('every-2s', 2000, job('every-2s'))
  const result = await scheduler.advanceTo(T0 + 1000)
  t.same(result, { ran: 0 }, 'nothing is due in the first second')
  t.same(runs, [])
  t.equal(clock.now(), T0 + 1000)

  // Due in (1 s, 5 s]: every-2s at 2 s and 4 s would be two runs in one jump, so it runs once, at 4 s.
  t.same(await scheduler.advanceTo(T0 + 5000), { ran: 2 })
  t.same(runs, ['every-3s@2016-04-25T08:00:03.000Z', 'every-2s@2016-04-25T08:00:04.000Z'])
  t.equal(clock.now(), T0 + 5000, 'after the advance the clock reads the time asked for')

  // Both are next due at 6 s: a tie, and every-3s was registered first.
  runs.length = 0
  t.same(await scheduler.advanceTo(T0 + 6000), { ran: 2 })
  t.same(runs, ['every-3s@2016-04-25T08:00:06.000Z', 'every-2s@2016-04-25T08:00:06.000Z'])

  runs.length = 0
  t.same(await scheduler.advanceTo(T0 + 9000), { ran: 2 })
  t.same(runs, ['every-2s@2016-04-25T08:00:08.000Z', 'every-3s@2016-04-25T08:00:09.000Z'], 'the earlier due time first, whatever the registration order')
})

t.test('jobs due at the same time run in the order they were registered', async (t) => {
  const { scheduler, runs, job } = simulated()
  for (const name of ['c', 'a', 'b']) scheduler.every(name, 1000, job(name))
  await scheduler.advanceTo(T0 + 1000)
  t.same(runs, ['c@2016-04-25T08:00:01.000Z', 'a@2016-04-25T08:00:01.000Z', 'b@2016-04-25T08:00:01.000Z'])
})

t.test('an overnight jump runs a one-second sweep once, then it is due a second later', async (t) => {
  const { clock, scheduler, runs, job } = simulated()
  scheduler.every('sweep', 1000, job('sweep'))
  const morning = T0 + 7 * 3600_000 + 500 // 7 h 0.5 s later
  t.same(await scheduler.advanceTo(morning), { ran: 1 }, 'not 25,200 runs')
  t.same(runs, ['sweep@2016-04-25T15:00:00.000Z'], 'at its latest due time before the new time')
  t.equal(clock.now(), morning)
  await scheduler.advanceTo(morning + 499)
  t.equal(runs.length, 1, 'not due again until a period after that run')
  await scheduler.advanceTo(morning + 500)
  t.same(runs.at(-1), 'sweep@2016-04-25T15:00:01.000Z')
})

t.test('the same advances run the same jobs at the same times', async (t) => {
  const script = [1500, 1500, 60_000, 3, 997, 86_400_000, 250, 7_777]
  const replay = async (): Promise<string[]> => {
    const { clock, scheduler, runs, job } = simulated()
    scheduler.every('sweep', 1000, job('sweep'))
    scheduler.every('report', 60_000, job('report'))
    scheduler.every('odd', 777, job('odd'))
    for (const step of script) await scheduler.advanceTo(clock.now() + step)
    return runs
  }
  const first = await replay()
  const second = await replay()
  t.ok(first.length > 10, `${first.length} runs`)
  t.same(second, first)
})

t.test('the clock never goes backwards; the same time runs nothing', async (t) => {
  const { clock, scheduler, runs, job } = simulated()
  scheduler.every('sweep', 1000, job('sweep'))
  await scheduler.advanceTo(T0 + 5000)
  await t.rejects(scheduler.advanceTo(T0 + 4999), { code: 'EDGE_ERR_CLOCK_BACKWARDS' })
  t.equal(clock.now(), T0 + 5000, 'a refused advance leaves the clock where it was')
  t.same(await scheduler.advanceTo(T0 + 5000), { ran: 0 })
  t.equal(runs.length, 1)
  t.throws(() => clock.set(T0), { code: 'EDGE_ERR_CLOCK_BACKWARDS' }, 'nor can the clock itself be set back')
})

t.test('an advance waits for each job to finish, and advances run one at a time', async (t) => {
  const { clock, scheduler } = simulated()
  const seen: string[] = []
  scheduler.every('slow', 1000, async () => {
    const start = clock.now()
    seen.push(`start@${at(start)}`)
    await delay(30)
    seen.push(`end@${at(clock.now())}`)
  })
  const first = scheduler.advanceTo(T0 + 1000)
  const second = scheduler.advanceTo(T0 + 2000)
  const tooEarly = scheduler.advanceTo(T0 + 1500) // queued behind the second: by then it is in the past
  t.same(await first, { ran: 1 })
  t.same(await second, { ran: 1 })
  await t.rejects(tooEarly, { code: 'EDGE_ERR_CLOCK_BACKWARDS' })
  t.same(seen, [
    'start@2016-04-25T08:00:01.000Z', 'end@2016-04-25T08:00:01.000Z',
    'start@2016-04-25T08:00:02.000Z', 'end@2016-04-25T08:00:02.000Z'
  ], 'the second advance started after the first run had finished; the clock held the due time throughout')
})

t.test('a job cancelled by an earlier job in the same advance does not run', async (t) => {
  const { scheduler, runs, job } = simulated()
  let cancelB = (): void => {}
  scheduler.every('a', 1000, () => { job('a')(); cancelB() })
  cancelB = scheduler.every('b', 1000, job('b'))
  await scheduler.advanceTo(T0 + 3000)
  t.same(runs, ['a@2016-04-25T08:00:03.000Z'])
})
