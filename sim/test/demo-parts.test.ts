// The demo's parts that need no processes: its command line, its data dir and its pace.

import t from 'tap'
import { mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDemoArgs } from '../src/demo/args.js'
import { prepareDataDir } from '../src/demo/data-dir.js'
import { DemoStopped, PACED_FROM, PACED_UNTIL, Pacer } from '../src/demo/pace.js'

const DAY_MS = 86_400_000
const at = (day: number, minute: number): { t: number, day: number, minute: number } => ({ t: Date.UTC(2016, 2, 1) + day * DAY_MS + minute * 60_000, day, minute })

t.test('the command line: defaults for a newcomer, every option, mistakes named', async (t) => {
  t.match(parseDemoArgs([]), { port: 8080, speed: 300, store: 'CA_1', days: 28, skus: 500, keep: false, data: null })
  t.match(parseDemoArgs(['--port', '0', '--speed', '3000', '--store', 'TX_2', '--days', '3', '--skus', '28', '--keep', '--data', 'd']), { port: 0, speed: 3000, store: 'TX_2', days: 3, skus: 28, keep: true, data: 'd' })
  t.throws(() => parseDemoArgs(['--port', '70000']), /--port 70000: a whole number 0-65535/)
  t.throws(() => parseDemoArgs(['--speed', '0']), /--speed 0: a whole number 1-/)
  t.throws(() => parseDemoArgs(['--store', 'ca1']), /--store ca1: an M5 store such as CA_1/)
  t.throws(() => parseDemoArgs(['--days']), /--days needs a value/)
  t.throws(() => parseDemoArgs(['--fast']), /unknown option --fast/)
})

t.test('the data dir: a temp one removed unless kept; a given one must be empty and stays', async (t) => {
  const temp = prepareDataDir({ data: null, keep: false })
  t.ok(existsSync(temp.relay) && existsSync(temp.store), 'a dir each for the relay and the store')
  temp.remove()
  t.notOk(existsSync(temp.root), 'a temp dir goes')
  const kept = prepareDataDir({ data: null, keep: true })
  kept.remove()
  t.ok(existsSync(kept.root), '--keep keeps it')
  rmSync(kept.root, { recursive: true })

  const parent = mkdtempSync(join(tmpdir(), 'demo-data-test-'))
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const given = prepareDataDir({ data: join(parent, 'new'), keep: false })
  given.remove()
  t.ok(existsSync(given.store), 'a --data dir is never removed')
  writeFileSync(join(parent, 'old.txt'), 'x')
  t.throws(() => prepareDataDir({ data: parent, keep: false }), /not empty/, 'a demo starts from a fresh store')
})

t.test('the pace: open minutes follow the wall clock at speed, closed ones and the warm-up do not wait', async (t) => {
  const speed = 6000 // 10 ms of real time per simulated minute
  const pacer = new Pacer({ speed, fromDay: 1, signal: new AbortController().signal })
  let started = performance.now()
  for (let m = PACED_FROM; m < PACED_FROM + 30; m++) await pacer.wait(at(0, m))
  t.ok(performance.now() - started < 200, 'the warm-up day runs flat out')
  started = performance.now()
  for (let m = 0; m < PACED_FROM; m += 5) await pacer.wait(at(1, m))
  for (let m = PACED_UNTIL; m < 24 * 60; m += 5) await pacer.wait(at(1, m))
  t.ok(performance.now() - started < 200, 'closed hours run flat out')
  let told = 0
  const paced = new Pacer({ speed, fromDay: 1, signal: new AbortController().signal, onFirstPaced: () => { told++ } })
  started = performance.now()
  for (let m = PACED_FROM; m <= PACED_FROM + 20; m++) await paced.wait(at(1, m))
  t.ok(performance.now() - started >= 20 * 60_000 / speed - 5, '20 open minutes take 20 x 10 ms at the least')
  t.equal(told, 1, 'the first paced minute is told once')
})

t.test('the pace does not make up for a slow stretch with a burst', async (t) => {
  let real = 0
  const stop = new AbortController()
  const pacer = new Pacer({ speed: 60, fromDay: 0, signal: stop.signal, realNow: () => real })
  await pacer.wait(at(0, PACED_FROM))
  real = 120_000 // ms: the server took two real minutes over one simulated minute
  await pacer.wait(at(0, PACED_FROM + 1))
  let waited = false
  const next = pacer.wait(at(0, PACED_FROM + 2)).then(() => { waited = false }, () => { waited = true })
  await new Promise((resolve) => setTimeout(resolve, 50))
  stop.abort()
  await next
  t.ok(waited, 'the next minute waits its second again (the clock re-anchored) instead of running at once')
})

t.test('a stop ends the wait at once, and every later minute', async (t) => {
  const stop = new AbortController()
  const pacer = new Pacer({ speed: 1, fromDay: 0, signal: stop.signal })
  await pacer.wait(at(0, PACED_FROM))
  const waiting = pacer.wait(at(0, PACED_FROM + 1)) // a real minute away
  setTimeout(() => stop.abort(), 10)
  await t.rejects(waiting, DemoStopped)
  await t.rejects(pacer.wait(at(0, 0)), DemoStopped, 'closed hours too')
})
