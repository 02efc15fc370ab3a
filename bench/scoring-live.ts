// The second part of `npm run bench:scoring` (the first is bench/risk.ts, in process): shelf-risk
// scoring in a real store server under load (see bench/README.md).
//
//   1. prepare a temp data dir with the project's modules: 50,000 SKUs, each with a home shelf and
//      a shelf capacity; a week of history through the Journal; the device fleet and its secrets
//   2. start the server as a child process with the shipped model, riskSlowCron "* * * * *" and a
//      simulated clock the bench moves in step with real time, from a weekday in store hours
//   3. wait for the start-up full pass; read /api/v1/models (active model, scorers, why rules act)
//   4. offer 5,000 canonical events/s (POS baskets, shelf-camera gaps, handheld counts) open loop
//      for 3 + 30 s; the slow tier falls due a third of the way into the window; meanwhile read
//      /metrics and RSS every second, and probe the fast tier end to end from a camera of its own
//   5. stop the server, check that every acknowledged event is in SQLite, print the table against
//      the aims of issue 4 and write bench/out/scoring-<time>.json

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { compileBench } from './lib/compile.js'
import { runBench } from './lib/run.js'
import type { BenchDevice } from './lib/data.js'
import { Fleet, openLoop } from './lib/load.js'
import { delta, histogram, quantile, sample, shareAtMost, type Histogram } from './lib/prom.js'
import { splitWindow } from './lib/scoring-window.js'
import { parseScoringOptions, type ScoringOptions } from './lib/scoring-options.js'
import { Probes } from './lib/scoring-probe.js'
import { formatScoringReport, scoringTargets, type ModelState, type ScoringResults } from './lib/scoring-report.js'
import { SLOW_METRIC, Sampler, type Reading } from './lib/scoring-sampler.js'
import { prepareScoringStore, type FleetMix } from './lib/scoring-store.js'
import { eventsPerMessage, ScoringTraffic } from './lib/scoring-traffic.js'
import { ROOT, heapOf, memoryOf, requestProfile, series, startServerChild, stopServerChild, type ServerChild } from './lib/server.js'
import { SimClockDriver } from './lib/sim-clock.js'
import { CpuWindow, gitCommit, sleep } from './lib/sysinfo.js'
import { MachineWindow } from './lib/machine-load.js'
import { formatSummary, summarise, type Profile } from './profile-summary.js'

const STORE_ID = 'bench-store'
const HOST = '127.0.0.1'
const OUT = join(ROOT, 'bench', 'out')
/** When the slow tier falls due: a Tuesday in store hours (the model's hour feature is trained on 7-22 h), off the hour. */
const SLOW_DUE_MS = Date.parse('2026-03-10T10:30:00.000Z')
/** The load's devices: POS lanes (baskets of 1-4 lines), shelf cameras (gaps), handhelds (counts). */
const MIX: FleetMix = { pos: 40, camera: 10, handheld: 10 }
/** prom-client's default eventLoopMonitoringPrecision, ms. */
const LAG_RESOLUTION_MS = 10

const log = (msg: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`) }

let onAbort: (() => Promise<void>) | null = null

async function getJson<T> (base: string, path: string): Promise<T> {
  const res = await fetch(base + path)
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  return await res.json() as T
}

interface ModelsView {
  active: { version: string } | null
  problem: unknown
  scorers: Record<string, number>
  rulesReasons: Record<string, number>
  lastPass: { slow: { ms: number, scored: number, model: number, rules: number } | null }
}

async function modelState (base: string): Promise<ModelState & { view: ModelsView }> {
  const view = await getJson<ModelsView>(base, '/api/v1/models')
  const rules = await getJson<{ scores: Array<{ sku: string, location: string, reasonDetail: string | null }> }>(base, '/api/v1/risk?scorer=rules&limit=3')
  return {
    view,
    active: view.active?.version ?? null,
    problem: view.problem,
    scorers: view.scorers,
    rulesReasons: view.rulesReasons,
    rulesExamples: rules.scores.map((s) => `${s.sku} @ ${s.location}: ${s.reasonDetail ?? ''}`)
  }
}

const ms = (h: Histogram, q: number): number => quantile(h, q) * 1000

async function main (o: ScoringOptions): Promise<ScoringResults> {
  const startedAt = new Date().toISOString()
  const tmp = mkdtempSync(join(tmpdir(), 'store-edge-bench-scoring-'))
  let server: ServerChild | null = null
  let fleet: Fleet | null = null
  let probes: Probes | null = null
  let clock: SimClockDriver | null = null
  const cleanup = async (): Promise<void> => {
    await clock?.stop().catch(() => {})
    await probes?.stop().catch(() => {})
    await probes?.close().catch(() => {})
    await fleet?.close().catch(() => {})
    if (server) await stopServerChild(server).catch(() => {})
    rmSync(tmp, { recursive: true, force: true })
  }
  onAbort = cleanup
  try {
    // The slow tier falls due a third of the way into the window: the load is at its steady state
    // before, and the fast tier's recovery is in the window after.
    const profileFile = join(OUT, `scoring-${startedAt.replace(/[:.]/g, '-')}.cpuprofile`)
    const simStartMs = SLOW_DUE_MS - (o.warmupS + o.durationS / 3) * 1000
    const dataDir = join(tmp, 'data')
    log(`preparing ${dataDir}: ${o.skus} SKUs, ${o.historyDays} days of history, ${MIX.pos + MIX.camera + MIX.handheld + 1} devices`)
    let t = performance.now()
    const prep = prepareScoringStore(dataDir, { skus: o.skus, historyDays: o.historyDays, storeId: STORE_ID, endMs: simStartMs, mix: MIX })
    const prepareS = (performance.now() - t) / 1000
    log(`prepared in ${prepareS.toFixed(1)} s: master data ${(prep.ms.master / 1000).toFixed(1)} s, ${prep.historyEvents} history events ${(prep.ms.history / 1000).toFixed(1)} s`)

    const compiled = compileBench(ROOT)
    t = performance.now()
    server = await startServerChild(compiled(join(ROOT, 'bench', 'server-child.ts')), {
      EDGE_DATA_DIR: dataDir,
      EDGE_HOST: HOST,
      EDGE_HTTP_PORT: '0',
      EDGE_MQTT_PORT: '0',
      EDGE_STORE_ID: STORE_ID,
      EDGE_LOG_LEVEL: 'warn',
      EDGE_API_AUTH: 'open', // the bench reads the API on 127.0.0.1 without an account
      EDGE_DB_SYNCHRONOUS: 'FULL',
      EDGE_RISK_MODEL_PATH: '', // the shipped models/shelf-risk/shelf-risk.onnx
      EDGE_RISK_SLOW_CRON: '* * * * *',
      // Calibration governance off: the load's counts and gaps are random, not what the shelves
      // hold, so within seconds the model would look miscalibrated on them and rules would score
      // every row (what the bench measures is scoring with the model acting, as in a store whose
      // confirmations agree with it). A bound of 1 can never be exceeded; monitoring still runs.
      EDGE_RISK_CALIBRATION_BOUND: '1',
      EDGE_CLOCK_MODE: 'sim',
      EDGE_CLOCK_START: new Date(simStartMs).toISOString()
    }, 180_000)
    const serverStartS = (performance.now() - t) / 1000
    const srv = server
    const base = `http://${HOST}:${srv.ports.http}`
    log(`store server pid ${srv.pid}: MQTT ${srv.ports.mqtt}, HTTP ${srv.ports.http}, started in ${serverStartS.toFixed(1)} s; waiting for the start-up full pass`)

    let before = await modelState(base)
    for (const t0 = performance.now(); before.view.lastPass.slow === null; before = await modelState(base)) {
      if (performance.now() - t0 > 180_000) throw new Error('no full pass 180 s after start')
      await sleep(250)
    }
    const startupPassMs = before.view.lastPass.slow!.ms
    const { scored } = await getJson<{ scored: number }>(base, '/api/v1/risk?limit=1')
    log(`start-up pass ${startupPassMs} ms; ${scored} SKU-locations scored; model ${before.active ?? 'NONE'}; scorers ${JSON.stringify(before.scorers)} ${JSON.stringify(before.rulesReasons)}`)
    if (before.active === null) log(`WARNING: no active model: ${JSON.stringify(before.problem)}`)
    const rssBeforeMB = memoryOf(srv.pid).rssMB
    const heapBefore = await heapOf(srv)

    clock = new SimClockDriver(base, simStartMs)
    const simClock = clock
    const traffic = new ScoringTraffic(prep.items, 'L', () => simClock.now())
    const topicOf = (d: BenchDevice): string => `stores/${STORE_ID}/devices/${d.id}/${d.stream}`
    fleet = await Fleet.connect({ host: HOST, port: srv.ports.mqtt }, prep.devices, traffic, { topicOf, clientIdOf: (d) => d.id, auth: true, keepaliveS: 60 })
    probes = new Probes({ baseUrl: base, ep: { host: HOST, port: srv.ports.mqtt }, storeId: STORE_ID, camera: prep.probeCamera, items: prep.items, simNow: () => simClock.now(), perSecond: o.probes, timeoutMs: 5000 })
    await probes.connect()
    const pr = probes
    const epm = eventsPerMessage(MIX)
    const msgRate = o.rate / epm
    log(`load: ${fleet.conns.length} devices, ${Math.round(msgRate)} msg/s (${o.rate} events/s at ${epm.toFixed(2)} events a message), ${o.warmupS} + ${o.durationS} s; slow tier due at ${new Date(SLOW_DUE_MS).toISOString()} (simulated), ${(o.warmupS + o.durationS / 3).toFixed(1)} s in`)

    const sampler = new Sampler(srv.ports.http, srv.pid)
    let first: Reading | null = null
    let last: Reading | null = null
    let cpu: CpuWindow | null = null
    let machine: MachineWindow | null = null
    let windowCpu: Record<string, number> | null = null
    let offered0 = { ...traffic.offered }
    let offered1 = offered0
    clock.begin(100)
    const run = await openLoop(fleet, msgRate, o.warmupS * 1000, o.durationS * 1000, {
      atStart: async () => {
        if (o.profile) await requestProfile(srv, 'profile-start')
        first = await sampler.start()
        cpu = new CpuWindow(srv.pid)
        machine = new MachineWindow()
        offered0 = { ...traffic.offered }
        pr.start()
      },
      atEnd: async () => {
        offered1 = { ...traffic.offered }
        const c = cpu!.read('server')
        // What every other process on the machine used meanwhile (a shared machine's noise).
        c.others = Math.max(0, machine!.busyCores() - c.server - c.bench)
        last = await sampler.stop()
        cpu = null
        if (o.profile) { mkdirSync(OUT, { recursive: true }); await requestProfile(srv, 'profile-stop', profileFile) }
        await pr.stop()
        windowCpu = c
      }
    })
    await clock.stop()
    const f0 = first as unknown as Reading
    const f1 = last as unknown as Reading
    const windowS = (f1.at - f0.at) / 1000
    log(`window done: PUBACK p50 ${run.latency.p50.toFixed(2)} p99 ${run.latency.p99.toFixed(2)} ms, ${run.unacked} unacked; clock ${clock.ticks} ticks, ${clock.skipped} skipped${clock.error ? `; clock error ${clock.error.message}` : ''}`)
    if (clock.error) throw clock.error

    const after = await modelState(base)
    const e2e = probes.figures()

    // Fast tier, from the server's histogram over the window and second by second.
    const fast = delta(f0.fast, f1.fast)
    const rd = sampler.readings.slice(sampler.readings.indexOf(f0))
    // The slow tier's job: the clock request that crossed the minute it fell due.
    const job = clock.jobs.find((j) => Date.parse(j.to) >= SLOW_DUE_MS)
    const split = splitWindow(rd, job ? { from: job.at, to: job.at + job.ms } : null, e2e.each)
    const slowH = delta(histogram(f0.text, SLOW_METRIC, { tier: 'slow' }), histogram(f1.text, SLOW_METRIC, { tier: 'slow' }))
    const scoresBy: Record<string, number> = {}
    for (const tier of ['fast', 'slow']) {
      for (const scorer of ['model', 'rules']) {
        const at = (text: string): number => sample(text, 'edge_risk_scores_total', { tier, scorer }) || 0
        const v = at(f1.text) - at(f0.text)
        if (v) scoresBy[`${tier}/${scorer}`] = v
      }
    }
    const lags = rd.slice(1)
    const p99s = lags.map((r) => r.lagP99Ms)
    const sortedP99 = [...p99s].sort((a, b) => a - b)
    const end = memoryOf(srv.pid)
    const heapEnd = await heapOf(srv)

    const results: ScoringResults = {
      startedAt,
      machine: { cores: availableParallelism(), node: process.version, commit: gitCommit(ROOT) },
      options: { ...o },
      store: {
        skus: o.skus,
        scored,
        historyDays: o.historyDays,
        historyEvents: prep.historyEvents,
        prepareS,
        serverStartS,
        startupPassMs,
        simStart: new Date(simStartMs).toISOString(),
        slowDueAt: new Date(SLOW_DUE_MS).toISOString()
      },
      modelBefore: strip(before),
      modelAfter: strip(after),
      load: {
        offeredMsgsPerS: run.offered,
        offeredEventsPerS: (offered1.sale + offered1.gap_detected + offered1.cycle_count - offered0.sale - offered0.gap_detected - offered0.cycle_count) / o.durationS,
        eventsByType: { sale: offered1.sale - offered0.sale, gap_detected: offered1.gap_detected - offered0.gap_detected, cycle_count: offered1.cycle_count - offered0.cycle_count },
        serverEventsPerS: (series(f1.text, 'edge_events_accepted_total') - series(f0.text, 'edge_events_accepted_total')) / windowS,
        puback: run.latency,
        unacked: run.unacked,
        cpu: windowCpu ?? {}
      },
      fast: {
        server: {
          n: fast.count,
          p50: ms(fast, 0.5),
          p90: ms(fast, 0.9),
          p99: ms(fast, 0.99),
          shareWithin20ms: shareAtMost(fast, 0.02),
          rescoredPerS: fast.count / windowS,
          worstSecondP99: Math.max(...split.fast.perSecondP99.filter((v) => !Number.isNaN(v))),
          split: split.fast
        },
        // Probe times as seconds since the window started.
        e2e: { ...e2e, split: split.probes, each: e2e.each.map((x) => ({ ...x, at: Math.round(x.at - f0.at) / 1000 })) },
        scores: scoresBy
      },
      slow: {
        passes: slowH.count,
        meanMs: slowH.count > 0 ? slowH.sum / slowH.count * 1000 : NaN,
        last: after.view.lastPass.slow,
        jobMs: job?.ms ?? NaN,
        jobAtS: job ? (job.at - f0.at) / 1000 : NaN
      },
      eventLoop: {
        perSecondP99: p99s,
        perSecondMax: lags.map((r) => r.lagMaxMs),
        p99MaxMs: sortedP99.length ? sortedP99[sortedP99.length - 1] : NaN,
        p99MedianMs: sortedP99.length ? sortedP99[Math.floor(sortedP99.length / 2)] : NaN,
        maxMs: Math.max(...lags.map((r) => r.lagMaxMs)),
        p99Split: split.lagP99,
        resolutionMs: LAG_RESOLUTION_MS
      },
      memory: { rssBeforeMB, rssPeakMB: Math.max(...rd.map((r) => r.rssMB)), rssEndMB: f1.rssMB, vmHwmMB: end.peakMB, heapBefore, heapEnd },
      clock: { ticks: clock.ticks, skipped: clock.skipped, jobs: clock.jobs.map((j) => ({ to: j.to, ran: j.ran, ms: Math.round(j.ms) })) },
      targets: []
    }

    // Stop (graceful drain) and check the journal against what was acknowledged.
    const ackedEvents = fleet.ackedEvents + e2e.toAck.n
    await probes.close()
    probes = null
    await fleet.close()
    fleet = null
    const exit = await stopServerChild(srv)
    server = null
    const db = new BetterSqlite3(join(dataDir, 'store.db'), { readonly: true })
    const eventsInDb = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
    const deadLetters = (db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n
    db.close()
    const newEventsInDb = eventsInDb - prep.historyEvents
    results.verification = { ackedEvents, newEventsInDb, deadLetters, ok: newEventsInDb === ackedEvents && deadLetters === 0 }
    const names: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
    const levels: Record<string, number> = {}
    for (const [lvl, n] of srv.logLevels) levels[names[lvl] ?? String(lvl)] = n
    results.server = { logLines: levels, errors: srv.errors, warnings: srv.warnings.slice(-5), exit: exit.signal ?? String(exit.code) }
    if (o.profile) results.profile = { file: profileFile, summary: formatSummary(summarise(JSON.parse(readFileSync(profileFile, 'utf8')) as Profile), 15) }
    results.targets = scoringTargets(results)
    return results
  } finally {
    await cleanup()
    onAbort = null
  }
}

function strip (m: ModelState & { view?: unknown }): ModelState {
  const { view: _view, ...rest } = m
  return rest
}

const opts = (() => {
  try {
    return parseScoringOptions(process.argv.slice(2), process.env)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(2)
  }
})()

// Bounded in time whatever happens: a full run takes about two minutes, --quick well under one.
await runBench({
  name: 'scoring',
  outDir: OUT,
  deadlineMs: (opts.quick ? 240 : 900) * 1000 + opts.durationS * 1000,
  main: () => main(opts),
  format: formatScoringReport,
  abort: () => onAbort?.(),
  log
})
