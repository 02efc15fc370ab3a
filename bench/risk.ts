// npm run bench:risk: shelf-risk scoring at the scale of a large store, in process, with the real
// pieces: the feature book (50,000 SKU-locations, four weeks of sales, counts and gaps learnt from
// events), a tree ensemble in onnxruntime (the shipped model when there is one, else 200 random
// trees of depth 6), the journal thread writing the scores. Prints:
//   - full rescoring (slow tier): features + model + rules + governance for every SKU-location,
//     then the explanation (top three features) and write of the rows that changed; how long the
//     event loop waited meanwhile
//   - fast tier: a committed batch of fresh events to their SKU-locations rescored
//
//   npm run bench:risk [-- --skus 50000 --trees 200 --depth 6 --runs 5]

import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ManualClock } from '../edge/src/core/clock.js'
import { silentLog } from '../edge/src/core/log.js'
import { createMetrics } from '../edge/src/core/metrics.js'
import type { Scheduler } from '../edge/src/core/scheduler.js'
import { FeatureBook, type FeatureEvent } from '../edge/src/scoring/features/book.js'
import { SHIPPED_RISK_MODEL } from '../edge/src/scoring/service/shipped.js'
import { RiskService } from '../edge/src/scoring/service/service.js'
import type { FeatureName } from '../edge/src/scoring/spec.js'
import { openDatabase } from '../edge/src/store/db.js'
import { startJournalThread } from '../edge/src/store/journal-thread.js'
import { cardFor, treeModel, writeModel, type Tree } from '../edge/test/scoring/models.js'
import { existsSync } from 'node:fs'

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : def
}
const SKUS = arg('skus', 50_000)
const TREES = arg('trees', 200)
const DEPTH = arg('depth', 6)
const RUNS = arg('runs', 5)
const T0 = Date.parse('2016-05-23T10:00:00Z')
const DAY = 86_400_000

let seed = 42
const rand = (): number => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 0x100000000 }

const SPLIT_ON: FeatureName[] = ['shelf_qty', 'shelf_fill', 'cover_h', 'backroom_qty', 'rate_now', 'rate_day', 'since_sale_h', 'silence_ratio', 'since_obs_h', 'obs_gap', 'gaps_24h', 'count_var_signed', 'sales_24h_ratio', 'hour', 'dow']
const RANGE: Partial<Record<FeatureName, number>> = { shelf_qty: 60, shelf_fill: 1.5, cover_h: 100, backroom_qty: 100, rate_now: 5, rate_day: 50, since_sale_h: 48, silence_ratio: 10, since_obs_h: 100, obs_gap: 1, gaps_24h: 3, count_var_signed: 10, sales_24h_ratio: 3, hour: 23, dow: 6 }

function randomTree (depth: number): Tree {
  if (depth === 0) return (rand() - 0.5) * 0.4
  const feature = SPLIT_ON[Math.floor(rand() * SPLIT_ON.length)]
  return { feature, threshold: Math.fround(rand() * (RANGE[feature] ?? 10)), yes: randomTree(depth - 1), no: randomTree(depth - 1) }
}

function pct (xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))]
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-edge-bench-risk-'))
  try {
    // The store: SKU i on shelf S<i % 2000>, capacity 24, four weeks of sales, a count a week, some gaps.
    const items = new Map<string, { sku: string, category: string, shelfCapacity: number, casePack: number, leadTimeDays: number, unitPrice: number, homeLocation: string }>()
    for (let i = 0; i < SKUS; i++) {
      const sku = `SKU_${String(i).padStart(6, '0')}`
      items.set(sku, { sku, category: `CAT_${i % 7}`, shelfCapacity: 24, casePack: 12, leadTimeDays: 2, unitPrice: 3, homeLocation: `S${i % 2000}` })
    }
    const book = new FeatureBook({ item: (s) => items.get(s), kindOf: (l) => l.startsWith('S') ? 'shelf' : 'backroom', skus: () => items.keys() })
    const feedStarted = performance.now()
    let events = 0
    for (const it of items.values()) {
      book.setPosition(it.sku, it.homeLocation, 10 + Math.floor(rand() * 20), 0)
      const perDay = rand() < 0.1 ? 30 : 1 + Math.floor(rand() * 5)
      for (let d = 28; d > 0; d--) {
        for (let k = 0; k < perDay; k += 3) {
          book.apply({ type: 'sale', sku: it.sku, location: it.homeLocation, qty: 1, occurredAtMs: T0 - d * DAY + Math.floor(rand() * DAY), from: null, price: 3 }, { effects: false })
          events++
        }
        if (d % 7 === 0) { book.apply({ type: 'cycle_count', sku: it.sku, location: it.homeLocation, qty: 10, occurredAtMs: T0 - d * DAY, from: null, price: null, ledger: { delta: 0, balance: 10 } }, { effects: false }); events++ }
      }
      if (rand() < 0.02) { book.apply({ type: 'gap_detected', sku: it.sku, location: it.homeLocation, qty: null, occurredAtMs: T0 - 3_600_000, from: null, price: null }); events++ }
    }
    const feedMs = performance.now() - feedStarted

    let modelPath = SHIPPED_RISK_MODEL
    let modelNote = 'the shipped model'
    if (!existsSync(modelPath)) {
      const trees = Array.from({ length: TREES }, () => randomTree(DEPTH))
      const bytes = treeModel({ trees, base: -2 })
      modelPath = writeModel(dir, 'bench', bytes, cardFor(bytes, { version: 'bench' }))
      modelNote = `${TREES} random trees of depth ${DEPTH}`
    }
    const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
    const writer = await startJournalThread({ dataDir: dir, synchronous: 'NORMAL' })
    const clock = new ManualClock(T0)
    const noScheduler: Scheduler = { every: () => () => {}, cron: () => () => {} }
    const svc = new RiskService({
      config: { riskCalibrationBound: 0.15, riskCalibrationMinCount: 50, riskRangeTolerance: 0.2, riskSlowCron: '*/5 * * * *', riskFastMaxPerSecond: 1_000_000, riskWindowDays: 7, riskBatchRows: 2000, riskHistoryDays: 14 },
      modelPath,
      modelsDir: join(dir, 'models'),
      db,
      writer,
      book,
      kindOf: (l) => l.startsWith('S') ? 'shelf' : 'backroom',
      clock,
      scheduler: noScheduler,
      log: silentLog(),
      metrics: createMetrics({ defaults: false })
    })
    await svc.start()
    // The start-up pass: every row is new, so all 50,000 are explained and written.
    const firstStarted = performance.now()
    await svc.rescoreAll()
    const firstMs = performance.now() - firstStarted

    const full: number[] = []
    const pass: number[] = []
    const blocked: number[] = []
    const blockedP99: number[] = []
    for (let r = 0; r < RUNS; r++) {
      clock.advance(5 * 60_000)
      const h = monitorEventLoopDelay({ resolution: 1 })
      h.enable()
      const t = performance.now()
      await svc.rescoreAll()
      full.push(performance.now() - t)
      h.disable()
      pass.push(svc.lastSlow!.ms)
      blocked.push(h.max / 1e6)
      blockedP99.push(h.percentile(99) / 1e6)
    }
    const tally = svc.scores.tally().scorer

    // Fast tier: batches of fresh events (gaps, counts) as one commit would bring them.
    const fast: number[] = []
    const keys = book.keys()
    for (const size of [1, 10, 100, 1000]) {
      for (let r = 0; r < 20; r++) {
        const t = performance.now()
        for (let i = 0; i < size; i++) {
          const k = keys[Math.floor(rand() * keys.length)]
          const e: FeatureEvent = { seq: undefined, type: 'gap_detected', sku: k.sku, location: k.location, qty: null, occurredAtMs: clock.now(), from: null, price: null }
          book.apply(e)
          svc.applied(e)
        }
        await svc.fastIdle()
        if (size === 10) fast.push(performance.now() - t)
        else if (r === 19) process.stdout.write(`  fast tier, batch of ${size} fresh events: ${(performance.now() - t).toFixed(2)} ms\n`)
      }
    }
    await svc.stop()
    await writer.close()
    db.close()

    const f = (xs: number[]): string => `median ${pct(xs, 50).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`
    process.stdout.write([
      `shelf-risk bench: ${keys.length} SKU-locations, ${events} events learnt in ${feedMs.toFixed(0)} ms, model: ${modelNote}; ${availableParallelism()} cores, node ${process.version}`,
      `  full rescoring pass (features, onnxruntime, rules, governance): ${f(pass)}  [target <= 1000 ms]`,
      `  full rescoring incl. explaining and writing the rows that changed: ${f(full)}`,
      `  first pass after start, every row explained and written: ${firstMs.toFixed(0)} ms`,
      `  event loop during a full rescoring: longest wait ${f(blocked)}; p99 of waits median ${pct(blockedP99, 50).toFixed(0)} ms (the longest include V8's mark-compact of the book's heap)`,
      `  fast tier, batch of 10 fresh events to rescored: median ${pct(fast, 50).toFixed(2)} ms, p95 ${pct(fast, 95).toFixed(2)} ms`,
      `  scorers: ${JSON.stringify(tally)}`,
      ''
    ].join('\n'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
