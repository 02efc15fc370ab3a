import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FEATURE_NAMES, HORIZON_H } from '../../edge/src/scoring/spec.js'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import type { HourObserver } from '../src/engine/run.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { trainingFile, TRAINING_COLUMNS } from '../src/export/training-rows.js'
import { SCENARIOS } from '../src/faults.js'
import { runSession } from '../src/session.js'

t.test('training rows: the server\'s features per SKU shelf and open hour, labelled by what really happened next', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-train-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'rows.csv')
  const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 4, seed: 3, skus: 28, rates: SCENARIOS.rough.rates, spikes: [], promotions: [] }
  const setup = setUp(loadM5(defaultM5File()), o)
  // A thin store so shelves do run empty.
  for (const [i, s] of setup.layout.skus.entries()) setup.initial[i] = { shelf: Math.min(s.shelfCapacity, 2), backroom: 0 }

  // Independently of the exporter: which (SKU, open minute) had an empty shelf.
  const empty = new Set<string>()
  const watch: HourObserver = {
    openTick: (now, world) => { for (const st of world.list()) if (st.shelf === 0) empty.add(`${st.sku}@${now.t}`) },
    hour: () => {}, sold: () => {}, gap: () => {}, close: () => {}
  }
  const out = trainingFile(file, false)
  let counted = { rows: 0, positives: 0 }
  await runSession('store-edge', o, setup, { server: false, observer: watch, training: { out, tag: { seed: 3, policy: 'store-edge', scenario: 'rough', store: 'CA_1' }, rows: (r) => { counted = r } } })
  await new Promise((resolve) => out.end(resolve))

  const lines = readFileSync(file, 'utf8').trim().split('\n')
  t.equal(lines[0], TRAINING_COLUMNS.join(','))
  t.equal(TRAINING_COLUMNS.length, 8 + FEATURE_NAMES.length + 1)
  const rows = lines.slice(1).map((l) => l.split(','))
  t.equal(rows.length, counted.rows)
  t.ok(rows.length >= 28 * 16 * 3, `${rows.length} rows: every SKU, every open hour whose next ${HORIZON_H} h lie inside the run`)
  t.ok(counted.positives > 0 && counted.positives < rows.length, `${counted.positives} positives: both outcomes occur`)
  const col = (name: string): number => TRAINING_COLUMNS.indexOf(name as typeof TRAINING_COLUMNS[number])
  let mismatches = 0
  for (const r of rows) {
    const t0 = Date.parse(r[col('ts')])
    let wasEmpty = false
    for (let m = 0; m < HORIZON_H * 60 && !wasEmpty; m++) wasEmpty = empty.has(`${r[col('sku')]}@${t0 + m * 60000}`)
    if (Number(r[col('label')]) !== (wasEmpty ? 1 : 0)) mismatches++
    for (const f of FEATURE_NAMES) if (!Number.isFinite(Number(r[col(f)]))) mismatches++
  }
  t.equal(mismatches, 0, 'every label matches the truth; every feature is a finite number')
})
