import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from '../src/cli/args.js'

t.test('the command line reads like the issue: store, days, seed, policy, rates on top of a preset', async (t) => {
  const o = parseArgs(['--store', 'TX_2', '--days', '14', '--seed', '3', '--policy', 'store-edge', '--scenario', 'rough', '--shrink', '0.5', '--skus', '500'])
  t.match(o, { seeds: [3], policies: ['store-edge'], scenario: 'rough', sim: { storeId: 'TX_2', days: 14, skus: 500 } })
  t.equal(o.sim.rates.shrinkPct, 0.5, 'the override wins')
  t.equal(o.sim.rates.misplacePct, 9, 'the rest come from the preset')
  t.same(parseArgs(['--seeds', '1,2,3']).seeds, [1, 2, 3])
  const p = parseArgs(['--spike', 'FOODS+HOBBIES:3-5:2.5', '--promo', 'top:7-13:2:20'])
  t.same(p.sim.spikes, [{ categories: ['FOODS', 'HOBBIES'], fromDay: 3, toDay: 5, factor: 2.5 }])
  t.same(p.sim.promotions, [{ skus: 'top', fromDay: 7, toDay: 13, lift: 2, discountPct: 20 }])
  t.equal(parseArgs([]).orders, 'server', 'store-edge orders from the server\'s proposals by default')
  t.equal(parseArgs(['--orders', 'record']).orders, 'record')
})

t.test('every mistake names the option and what it accepts', async (t) => {
  t.throws(() => parseArgs(['--days', 'x']), /--days x: not a whole number/)
  t.throws(() => parseArgs(['--days']), /--days needs a value/)
  t.throws(() => parseArgs(['--policy', 'magic']), /one of traditional, store-edge, both/)
  t.throws(() => parseArgs(['--scenario', 'apocalypse']), /--scenario apocalypse: one of calm, typical/)
  t.throws(() => parseArgs(['--shrink', '-1']), /must be at least 0/)
  t.throws(() => parseArgs(['--scan-errors', '150']), /scanErrorPct = 150/)
  t.throws(() => parseArgs(['--spike', 'FOODS:9-3:2']), /not a day range/)
  t.throws(() => parseArgs(['--frobnicate']), /unknown option --frobnicate/)
  t.throws(() => parseArgs(['--orders', 'gut']), /--orders gut: one of server, record/)
})

t.test('npm run sim runs, prints the table and writes the JSON report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const out = join(dir, 'report.json')
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'sim/src/cli/main.ts', '--no-server', '--policy', 'traditional', '--days', '2', '--seeds', '1,2', '--out', out], { encoding: 'utf8' })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /On-shelf availability/)
  t.match(r.stderr, /\[seed 2 traditional\] day 2\/2/)
  const report = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ seed: number }>, comparison: unknown[] }
  t.same(report.runs.map((x) => x.seed), [1, 2])
  t.ok(report.comparison.length > 20)
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'sim/src/cli/main.ts', '--store', 'XX_9', '--no-server', '--policy', 'traditional'], { encoding: 'utf8' })
  t.equal(bad.status, 2)
  t.match(bad.stderr, /--store XX_9: not in the M5 data/)
})
