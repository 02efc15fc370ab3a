// `npm run bench:orders [-- --skus 5000 --days 365]`: the nightly order-proposal run of a large
// store on a real SQLite file. A year of daily sales per SKU (seeded, weekly pattern, half the
// items intermittent), stock on the shelf and in the backroom; then one run that makes every
// proposal (forecast, order-up-to, governance, audit, outbox) and one that refreshes them. Prints
// the run time, time per SKU, and the longest event-loop stall during the run (the run yields
// between chunks so scans keep being answered). No reference to compare with: the figure to watch
// is per SKU and the stall.

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { silentLog } from '../edge/src/core/log.js'
import { PolicyStore } from '../edge/src/decisions/governance/policy-store.js'
import { runProposals, type RunSummary } from '../edge/src/decisions/orders/run.js'
import { AuditLog } from '../edge/src/store/audit.js'
import { Catalog } from '../edge/src/store/catalog.js'
import { openDatabase } from '../edge/src/store/db.js'
import { importMasterData } from '../edge/src/store/import/index.js'
import { ForecastLog } from '../edge/src/store/forecast-log.js'
import { OutboxRows } from '../edge/src/store/outbox-rows.js'
import { ProposalStore } from '../edge/src/store/proposals.js'
import { addDays, SalesStore } from '../edge/src/store/sales.js'
import { tempDir } from '../edge/test/helpers/server.js'
import { runBench } from './lib/run.js'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const SKUS = arg('skus', 5000)
const DAYS = arg('days', 365)
const NOW = Date.parse('2016-03-01T21:00:00Z')
const log = (msg: string): void => { process.stderr.write(`[bench:orders] ${msg}\n`) }

/** Deterministic uniform numbers (mulberry32). */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Poisson draw by inversion (means here are small). */
function poisson (mean: number, u: () => number): number {
  let k = 0
  let p = Math.exp(-mean)
  let s = p
  const x = u()
  while (x > s && k < 500) { k++; p *= mean / k; s += p }
  return k
}

interface Results {
  startedAt: string
  skus: number
  historyDays: number
  setupS: number
  first: RunSummary & { perSkuMs: number, maxStallMs: number }
  second: RunSummary & { perSkuMs: number, maxStallMs: number }
  rss: number
}

let dir: string | null = null

await runBench<Results>({
  name: 'orders',
  outDir: join(process.cwd(), 'bench', 'out'),
  deadlineMs: 15 * 60_000,
  abort: () => { if (dir !== null) rmSync(dir, { recursive: true, force: true }); return undefined },
  log,
  async main () {
    const startedAt = new Date().toISOString()
    const t0 = performance.now()
    dir = tempDir('bench-orders-')
    const iso = (): string => new Date(NOW).toISOString()
    const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: iso })
    const u = rng(7)
    const items = []
    const onHand = []
    const means: number[] = []
    for (let i = 0; i < SKUS; i++) {
      const sku = `SKU-${String(i).padStart(5, '0')}`
      // Half slow movers (0.1-1 a day), half faster (1-20): M5-like, most series intermittent.
      const mean = i % 2 === 0 ? 0.1 + 0.9 * u() : 1 + 19 * u()
      means.push(mean)
      const casePack = [6, 12, 24][i % 3]
      items.push({ sku, description: `Item ${i}`, category: ['FOODS', 'HOUSEHOLD', 'HOBBIES'][i % 3], case_pack: casePack, unit_cost: 1 + 9 * u(), unit_price: 2 + 18 * u(), shelf_capacity: Math.max(casePack, Math.ceil(mean * 4)), home_location: `S-${i % 200}`, lead_time_days: 2, backroom_capacity: casePack * 4 })
      onHand.push({ sku, location: `S-${i % 200}`, qty: Math.round(mean * 2) }, { sku, location: 'BR-1', qty: casePack })
    }
    const locations = [...Array.from({ length: 200 }, (_, k) => ({ id: `S-${k}`, kind: 'shelf', zone: `Z${k % 10}` })), { id: 'BR-1', kind: 'backroom' }]
    importMasterData(db, { format: 'json', text: JSON.stringify({ items, locations, onHand }) }, iso())
    const sales = new SalesStore(db)
    const week = [0.9, 0.85, 0.9, 0.95, 1.1, 1.25, 1.05]
    const firstDay = addDays('2016-03-01', -DAYS)
    for (let i = 0; i < SKUS; i += 250) {
      const rows = []
      for (let k = i; k < Math.min(SKUS, i + 250); k++) {
        for (let d = 0; d < DAYS; d++) {
          const day = addDays(firstDay, d)
          const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7
          rows.push({ sku: items[k].sku, day, units: poisson(means[k] * week[dow], u) })
        }
      }
      sales.importHistory({ sales: rows })
    }
    const catalog = new Catalog(db)
    const clock = { now: () => NOW }
    const audit = new AuditLog(db, iso, 'bench')
    const policies = new PolicyStore({ db, audit, clock, log: silentLog(), storeFormat: 'standard' })
    const setupS = (performance.now() - t0) / 1000
    log(`store of ${SKUS} SKUs with ${DAYS} days of history set up in ${setupS.toFixed(1)} s`)
    const deps = {
      db,
      sales,
      proposals: new ProposalStore(db),
      forecasts: new ForecastLog(db),
      outbox: new OutboxRows(db, iso),
      audit,
      policies: { resolve: (c: string | null) => policies.resolve(c) },
      items: () => catalog.allItems(),
      kindOf: (id: string) => catalog.location(id)?.kind,
      phantom: () => new Map<string, number>(),
      modelFallback: () => null,
      versions: () => ({ model: null }),
      storeHours: '',
      clock,
      log: silentLog()
    }
    const timed = async (): Promise<RunSummary & { perSkuMs: number, maxStallMs: number }> => {
      // A 2 ms ticker: the longest gap between its ticks is the longest a scan would have waited.
      let last = performance.now()
      let maxGap = 0
      const ticker = setInterval(() => { const t = performance.now(); maxGap = Math.max(maxGap, t - last); last = t }, 2)
      const s = await runProposals(deps)
      clearInterval(ticker)
      maxGap = Math.max(maxGap, performance.now() - last)
      return { ...s, perSkuMs: Math.round(s.ms / SKUS * 1000) / 1000, maxStallMs: Math.round(maxGap) }
    }
    const first = await timed()
    log(`first run: ${first.ms} ms`)
    const second = await timed()
    log(`second run (refresh): ${second.ms} ms`)
    const rss = process.memoryUsage().rss
    db.close()
    rmSync(dir, { recursive: true, force: true })
    dir = null
    return { startedAt, skus: SKUS, historyDays: DAYS, setupS: Math.round(setupS * 10) / 10, first, second, rss }
  },
  format: (r) => [
    `order proposals, ${r.skus} SKUs, ${r.historyDays} days of history (SQLite file, one process)`,
    `  first run : ${r.first.ms} ms (${r.first.perSkuMs} ms/SKU), created ${r.first.created}, auto-approved ${r.first.autoApproved}, pending ${r.first.pending}, nothing to order ${r.first.nothing}; longest event-loop stall ${r.first.maxStallMs} ms`,
    `  second run: ${r.second.ms} ms (${r.second.perSkuMs} ms/SKU), refreshed ${r.second.refreshed}, already decided ${r.second.decided}; longest stall ${r.second.maxStallMs} ms`,
    `  rss ${Math.round(r.rss / 1048576)} MB`
  ].join('\n')
})
