// The `npm run sim` command line: store, days, seeds, policy, assortment size, a scenario preset
// and any rate on top of it, spikes and promotions. Every mistake is named with the option and
// what it accepts, before anything runs.

import { checkRates, scenario, SCENARIOS, type Promotion, type Rates, type Spike } from '../faults.js'
import type { SimOptions } from '../engine/setup.js'

export interface CliOptions {
  sim: Omit<SimOptions, 'seed'>
  seeds: number[]
  policies: Array<'traditional' | 'store-edge'>
  scenario: string
  /** Keep the store's record in-process instead of a server process (faster; same rules). */
  noServer: boolean
  /** Where store-edge work comes from with a server: its task list, or the simulator's reading of its record and risk. */
  tasks: 'server' | 'record'
  /** Where store-edge orders come from with a server: its order proposals (a simulated manager decides the pending ones), or min-max on its record. */
  orders: 'server' | 'record'
  out: string | null
  exportFile: string | null
  quiet: boolean
  help: boolean
}

export class UsageError extends Error {
  override name = 'UsageError'
}

const RATE_FLAGS: Record<string, keyof Rates> = {
  '--shrink': 'shrinkPct',
  '--receiving-errors': 'receivingErrorPct',
  '--misplaced': 'misplacePct',
  '--scan-errors': 'scanErrorPct',
  '--gap-miss': 'gapMissPct',
  '--gap-false': 'gapFalsePerDay',
  '--offline': 'deviceOfflinePct',
  '--late': 'lateDeliveryPct'
}

export const USAGE = `Usage: npm run sim -- [options]

  --store ID            M5 store to simulate (CA_1 ... WI_3)            [CA_1]
  --days N              simulated days                                  [28]
  --start YYYY-MM-DD    first day (a year of M5 history must precede)   [2016-03-01]
  --seed N              one seed                                        [7]
  --seeds N,N,...       several seeds: the report gives 95% CIs         
  --policy P            traditional | store-edge | both                 [both]
  --tasks SRC           store-edge work: server (its task list) | record [server]
  --orders SRC          store-edge orders: server (its proposals, a simulated
                        manager decides the pending ones) | record (min-max on
                        its record)                                     [server]
  --skus N              assortment size (28 = the store's real items)   [28]
  --scenario NAME       ${Object.keys(SCENARIOS).join(' | ')}  [typical]
  --shrink PCT          unrecorded shrink, % of units sold
  --receiving-errors PCT  delivery lines short/over/wrong item, %
  --misplaced PCT       cartons put away in the wrong spot, %
  --scan-errors PCT     handheld scans with a wrong quantity, %
  --gap-miss PCT        empty facings the cameras miss, %
  --gap-false N         false gap reports per camera per day
  --offline PCT         chance per device per day of a 1-4 h outage, %
  --late PCT            late supplier deliveries, %
  --spike CAT:FROM-TO:FACTOR      demand spike, e.g. FOODS:8-10:3 (days from 0)
  --promo SKU|top:FROM-TO:LIFT:OFF  promotion, e.g. top:7-13:2.5:20
  --no-server           no server process: the store's record and features in-process, by
                        the server's own rules (fast; for many seeds and training data)
  --out FILE            write the JSON report here
  --export FILE         write the ground-truth CSV (store-edge run, first seed) for models/
  --quiet               no progress lines
`

function num (flag: string, v: string | undefined, opts: { int?: boolean, min?: number, max?: number } = {}): number {
  if (v === undefined) throw new UsageError(`${flag} needs a value`)
  const n = Number(v)
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n))) throw new UsageError(`${flag} ${v}: not ${opts.int ? 'a whole number' : 'a number'}`)
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`${flag} ${v}: must be at least ${opts.min}`)
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`${flag} ${v}: must be at most ${opts.max}`)
  return n
}

function range (flag: string, v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v)
  if (!m || Number(m[1]) > Number(m[2])) throw new UsageError(`${flag}: "${v}" is not a day range FROM-TO`)
  return [Number(m[1]), Number(m[2])]
}

export function parseArgs (argv: readonly string[]): CliOptions {
  let preset = 'typical'
  const overrides: Partial<Rates> = {}
  const spikes: Spike[] = []
  const promotions: Promotion[] = []
  const o: CliOptions = {
    sim: { storeId: 'CA_1', startDate: '2016-03-01', days: 28, skus: 28, rates: scenario('typical').rates, spikes: [], promotions: [] },
    seeds: [7],
    policies: ['traditional', 'store-edge'],
    scenario: preset,
    noServer: false,
    tasks: 'server',
    orders: 'server',
    out: null,
    exportFile: null,
    quiet: false,
    help: false
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`)
      return v
    }
    if (flag in RATE_FLAGS) { overrides[RATE_FLAGS[flag]] = num(flag, value(), { min: 0 }); continue }
    switch (flag) {
      case '--store': o.sim.storeId = value(); break
      case '--days': o.sim.days = num(flag, value(), { int: true, min: 1, max: 365 }); break
      case '--start': {
        const v = value()
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new UsageError(`--start ${v}: not a date YYYY-MM-DD`)
        o.sim.startDate = v
        break
      }
      case '--seed': o.seeds = [num(flag, value(), { int: true, min: 0 })]; break
      case '--seeds': o.seeds = value().split(',').map((s) => num(flag, s, { int: true, min: 0 })); break
      case '--policy': {
        const v = value()
        if (v === 'both') o.policies = ['traditional', 'store-edge']
        else if (v === 'traditional' || v === 'store-edge') o.policies = [v]
        else throw new UsageError(`--policy ${v}: one of traditional, store-edge, both`)
        break
      }
      case '--skus': o.sim.skus = num(flag, value(), { int: true, min: 1, max: 50000 }); break
      case '--scenario': {
        preset = value()
        if (!(preset in SCENARIOS)) throw new UsageError(`--scenario ${preset}: one of ${Object.keys(SCENARIOS).join(', ')}`)
        break
      }
      case '--spike': {
        const [cat, days, factor] = value().split(':')
        if (!cat || !days || !factor) throw new UsageError('--spike: CAT:FROM-TO:FACTOR, e.g. FOODS:8-10:3')
        const [fromDay, toDay] = range(flag, days)
        spikes.push({ categories: cat.split('+'), fromDay, toDay, factor: num(flag, factor, { min: 0 }) })
        break
      }
      case '--promo': {
        const [who, days, lift, off] = value().split(':')
        if (!who || !days || !lift) throw new UsageError('--promo: SKU[+SKU]|top:FROM-TO:LIFT[:DISCOUNT%], e.g. top:7-13:2.5:20')
        const [fromDay, toDay] = range(flag, days)
        promotions.push({ skus: who === 'top' ? 'top' : who.split('+'), fromDay, toDay, lift: num(flag, lift, { min: 0 }), discountPct: off ? num(flag, off, { min: 0, max: 100 }) : 0 })
        break
      }
      case '--no-server': o.noServer = true; break
      case '--tasks': {
        const v = value()
        if (v !== 'server' && v !== 'record') throw new UsageError(`--tasks ${v}: one of server, record`)
        o.tasks = v
        break
      }
      case '--orders': {
        const v = value()
        if (v !== 'server' && v !== 'record') throw new UsageError(`--orders ${v}: one of server, record`)
        o.orders = v
        break
      }
      case '--out': o.out = value(); break
      case '--export': o.exportFile = value(); break
      case '--quiet': o.quiet = true; break
      case '--help': case '-h': o.help = true; break
      default: throw new UsageError(`unknown option ${flag} (see --help)`)
    }
  }
  const base = scenario(preset)
  o.scenario = preset
  o.sim.rates = { ...base.rates, ...overrides }
  o.sim.spikes = [...base.spikes, ...spikes]
  o.sim.promotions = [...base.promotions, ...promotions]
  try {
    checkRates(o.sim.rates)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  return o
}
