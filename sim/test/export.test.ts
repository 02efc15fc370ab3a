import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import { NoDevices } from '../src/engine/devices.js'
import { runStore } from '../src/engine/run.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { GROUND_TRUTH_COLUMNS, GroundTruthExport } from '../src/export/ground-truth.js'
import { SCENARIOS } from '../src/faults.js'
import { TraditionalPolicy } from '../src/policy/traditional.js'

let cached: ReturnType<typeof loadM5> | undefined
function data (): ReturnType<typeof loadM5> {
  cached ??= loadM5(defaultM5File())
  return cached
}

t.test('the ground-truth export gives, per SKU and open hour, what the record said and whether the shelf went empty next', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-gt-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'gt.csv')
  const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 4, seed: 3, skus: 28, rates: SCENARIOS.rough.rates, spikes: [], promotions: [] }
  const setup = setUp(data(), o)
  // A thin backroom so shelves do run empty.
  for (const [i, s] of setup.layout.skus.entries()) setup.initial[i] = { shelf: Math.min(s.shelfCapacity, 2), backroom: 0 }
  const devices = new NoDevices([])
  const policy = new TraditionalPolicy(setup.layout, (s) => setup.initial[s.index].shelf, devices)
  const exporter = new GroundTruthExport(file, setup.layout.skus)
  await runStore(o, { setup, policy, devices, observer: exporter })
  await new Promise((resolve) => setTimeout(resolve, 100)) // the stream flushes on end
  const lines = readFileSync(file, 'utf8').trim().split('\n')
  t.equal(lines[0], GROUND_TRUTH_COLUMNS.join(','))
  const rows = lines.slice(1).map((l) => l.split(','))
  t.equal(rows.length, exporter.rows)
  t.ok(rows.length > 28 * 16 * 3, `${rows.length} rows: every SKU, every open hour whose next 4 h lie inside the run`)
  const label = GROUND_TRUTH_COLUMNS.indexOf('empty_next_h')
  const truth = GROUND_TRUTH_COLUMNS.indexOf('truth_shelf')
  const labels = rows.map((r) => Number(r[label]))
  t.ok(labels.every((x) => x === 0 || x === 1))
  t.ok(labels.includes(0) && labels.includes(1), 'both outcomes occur')
  // A shelf empty at the top of an open hour before 18:00 is still empty a minute later unless a walk fills it.
  const hour = GROUND_TRUTH_COLUMNS.indexOf('hour')
  const emptyNow = rows.filter((r) => r[truth] === '0' && Number(r[hour]) < 18 && r[hour] !== '8' && r[hour] !== '15')
  t.ok(emptyNow.length > 0)
  t.ok(emptyNow.every((r) => r[label] === '1'), 'an empty shelf with no fill on the way is labelled empty')
})

