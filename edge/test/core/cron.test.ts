// Cron expressions on any clock: the next run after a given time, in UTC, as node-cron would run
// it on system time.

import t from 'tap'
import { createTask } from 'node-cron'
import { compileCron, cronProblem } from '../../src/core/cron.js'

const ms = (iso: string): number => Date.parse(iso)
const iso = (n: number): string => new Date(n).toISOString()

t.test('the next run is the first matching second strictly after the given time', async (t) => {
  const every5 = compileCron('*/5 * * * *')
  t.equal(iso(every5.next(ms('2016-04-25T08:00:00.000Z'))), '2016-04-25T08:05:00.000Z', 'a run due exactly now is not next')
  t.equal(iso(every5.next(ms('2016-04-25T08:03:59.999Z'))), '2016-04-25T08:05:00.000Z')
  t.equal(iso(every5.next(ms('2016-04-25T23:58:00.000Z'))), '2016-04-26T00:00:00.000Z', 'over midnight')
  t.equal(iso(compileCron('0 8 * * 1-5').next(ms('2016-04-29T09:00:00Z'))), '2016-05-02T08:00:00.000Z', 'Friday after 08:00: Monday')
  t.equal(iso(compileCron('30 2 29 2 *').next(ms('2016-03-01T00:00:00Z'))), '2020-02-29T02:30:00.000Z', 'the next leap day')
  t.equal(iso(compileCron('15 * * * * *').next(ms('2016-04-25T08:00:15.000Z'))), '2016-04-25T08:01:15.000Z', 'seconds as a sixth field')
  t.equal(iso(compileCron('0 0 * * 7').next(ms('2016-04-25T00:00:00Z'))), '2016-05-01T00:00:00.000Z', '7 is Sunday too')
})

t.test('day of month and day of week must both match, as node-cron reads them', async (t) => {
  // 13th that is a Friday: 2016-05-13.
  t.equal(iso(compileCron('0 0 13 * 5').next(ms('2016-04-25T00:00:00Z'))), '2016-05-13T00:00:00.000Z')
  const task = createTask('0 0 13 * 5', () => {}, { timezone: 'Etc/UTC' })
  t.ok(task.match(new Date('2016-05-13T00:00:00Z')))
  t.notOk(task.match(new Date('2016-06-13T00:00:00Z')), 'a Monday the 13th is no match for node-cron either')
  void task.destroy()
})

t.test('the next runs agree with node-cron\'s own for the expressions the server uses', async (t) => {
  for (const expr of ['*/5 * * * *', '0 * * * *', '7,37 3-5 * * *', '0 6 * * 1-5', '*/10 * * * * *']) {
    const task = createTask(expr, () => {}, { timezone: 'Etc/UTC' })
    const theirs = task.getNextRuns(5).map((d) => d.getTime())
    void task.destroy()
    const ours: number[] = []
    const schedule = compileCron(expr)
    // node-cron counts from the real now: so do we, from the same second.
    let at = theirs[0] - 1
    for (let i = 0; i < 5; i++) { at = schedule.next(at); ours.push(at) }
    t.same(ours.map(iso), theirs.map(iso), expr)
  }
})

t.test('what cannot be run is named', async (t) => {
  t.match(cronProblem('61 * * * *'), /minute/)
  t.match(cronProblem('* * * *'), /5 fields/)
  t.match(cronProblem('0 0 30 2 *'), /impossible|never matches/)
  t.match(cronProblem('0 0 * * 5L'), /not supported/)
  t.equal(cronProblem('*/5 * * * *'), undefined)
})
