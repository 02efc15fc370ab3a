// Training data for the shelf-risk model, from the store simulator: many seeds, every scenario
// (all error rates), both ways of running the store, over the real M5 stores. Each run keeps the
// store's record and features in-process with the server's own code (sim/src/engine/local-store.ts)
// and labels every SKU shelf and open hour with what really happened in the next HORIZON_H hours.
// One CSV per seed in --out (default models/shelf-risk/data/); the same options give the same bytes.
//
//   node --import tsx models/shelf-risk/generate.ts [--seeds 1-24] [--days 28] [--skus 60] [--out DIR]

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { defaultM5File, loadM5 } from '../../sim/src/demand/m5.js'
import { setUp, type SimOptions } from '../../sim/src/engine/setup.js'
import { trainingFile } from '../../sim/src/export/training-rows.js'
import { SCENARIOS } from '../../sim/src/faults.js'
import { runSession, type PolicyName } from '../../sim/src/session.js'

const HERE = new URL('.', import.meta.url).pathname

export interface GenerateOptions {
  seeds: number[]
  days: number
  skus: number
  out: string
  /** Start dates rotate through these so the data sees different seasons. */
  starts: string[]
  log: (line: string) => void
}

export const DEFAULTS: Omit<GenerateOptions, 'log'> = {
  seeds: Array.from({ length: 24 }, (_, i) => i + 1),
  days: 28,
  skus: 60,
  out: join(HERE, 'data'),
  starts: ['2015-03-02', '2015-06-01', '2015-09-07', '2015-11-16', '2016-01-11', '2016-03-01']
}

// Only stores run by store-edge: the model scores the record of a store whose associates report
// their fills, put-aways and counts. A traditional store tells the server about sales and
// receipts only, so its shelf record drifts from the truth within hours and its rows teach the
// model about a server nobody runs that way.
const POLICIES: PolicyName[] = ['store-edge']

/** Each seed gets its own store, scenario and season, so held-out seeds are new stores and weeks. */
export function runsFor (seed: number, stores: readonly string[], starts: readonly string[]): { store: string, scenario: string, start: string } {
  const scenarios = Object.keys(SCENARIOS)
  return {
    store: stores[seed % stores.length],
    scenario: scenarios[seed % scenarios.length],
    start: starts[(seed * 7) % starts.length]
  }
}

export async function generate (o: GenerateOptions): Promise<Array<{ seed: number, file: string, rows: number, positives: number }>> {
  mkdirSync(o.out, { recursive: true })
  const data = loadM5(defaultM5File())
  const done: Array<{ seed: number, file: string, rows: number, positives: number }> = []
  for (const seed of o.seeds) {
    const r = runsFor(seed, data.stores, o.starts)
    const sc = SCENARIOS[r.scenario]
    const sim: SimOptions = { storeId: r.store, startDate: r.start, days: o.days, seed, skus: o.skus, rates: sc.rates, spikes: sc.spikes, promotions: sc.promotions }
    const setup = setUp(data, sim)
    const file = join(o.out, `seed-${String(seed).padStart(3, '0')}.csv`)
    const out = trainingFile(file, false)
    let rows = 0
    let positives = 0
    for (const policy of POLICIES) {
      const t0 = Date.now()
      await runSession(policy, sim, setup, {
        server: false,
        training: { out, tag: { seed, policy, scenario: r.scenario, store: r.store }, rows: (c) => { rows += c.rows; positives += c.positives } }
      })
      o.log(`seed ${seed} ${r.store} ${r.scenario} from ${r.start} ${policy}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    await new Promise((resolve) => out.end(resolve))
    done.push({ seed, file, rows, positives })
    o.log(`seed ${seed}: ${rows} rows, ${(100 * positives / Math.max(1, rows)).toFixed(2)}% positive -> ${file}`)
  }
  return done
}

function parse (argv: readonly string[]): GenerateOptions {
  const o: GenerateOptions = { ...DEFAULTS, log: (s) => process.stderr.write(`${s}\n`) }
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1]
    switch (argv[i]) {
      case '--seeds': {
        const m = /^(\d+)-(\d+)$/.exec(v ?? '')
        o.seeds = m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k) : (v ?? '').split(',').map(Number)
        if (o.seeds.length === 0 || o.seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds ${v}: a range like 1-24 or a list like 1,2,3`)
        i++
        break
      }
      case '--days': o.days = Number(v); i++; break
      case '--skus': o.skus = Number(v); i++; break
      case '--out': o.out = v; i++; break
      default: throw new Error(`unknown option ${argv[i]}`)
    }
  }
  if (!Number.isInteger(o.days) || o.days < 2) throw new Error('--days: a whole number of days, at least 2')
  if (!Number.isInteger(o.skus) || o.skus < 1) throw new Error('--skus: a whole number of SKUs')
  return o
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  generate(parse(process.argv.slice(2))).then((done) => {
    const rows = done.reduce((s, d) => s + d.rows, 0)
    process.stderr.write(`${done.length} seeds, ${rows} rows\n`)
  }, (err: Error) => {
    process.stderr.write(`generate: ${err.message}\n`)
    process.exitCode = 1
  })
}
