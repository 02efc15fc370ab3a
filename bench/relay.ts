// `npm run bench:relay`: the cloud relay under the loads of issue 7.
// (a) A store's outbox of 1,000,000 ERP-bound events after a day-long outage drains through the
//     store's real OutboxSender to a relay process on SQLite: events/s (aim >= 20,000).
// (b) 100 simulated stores post batches at once, closed loop, to one relay on SQLite and then to
//     two relay processes on PostgreSQL, which forward to a fake ERP webhook: events/s stored, p99
//     batch latency, events/s forwarded (aim >= 30,000 events/s stored with PostgreSQL).
// Everything runs on this machine's 2 cores: the bench (sender / load generator / fake ERP), the
// relay process(es) and PostgreSQL share them. See bench/README.md.

import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { compileRelay } from './lib/compile.js'
import { MachineWindow } from './lib/machine-load.js'
import { drainOutbox, fillOutbox, type DrainResult } from './lib/relay-drain.js'
import { PostgresCpu, runLoad, startFakeErp, storeBodies, type FakeErp, type LoadResult, type StoreLoad } from './lib/relay-load.js'
import { parseRelayOptions, type RelayBenchOptions } from './lib/relay-options.js'
import { registerStore, startRelayProc, stopRelayProc, storeStats, type RelayProc } from './lib/relay-proc.js'
import { runBench } from './lib/run.js'
import { cpuSecondsOf, memoryOf, ROOT } from './lib/server.js'
import { gitCommit, sleep } from './lib/sysinfo.js'

const AIM_A = 20_000 // events/s, (a)
const AIM_B = 30_000 // events/s stored with PostgreSQL, (b)
const ADMIN = 'bench-relay-admin-token-0123456789'
const OUT = join(ROOT, 'bench', 'out')
const log = (msg: string): void => { process.stderr.write(`[bench:relay] ${msg}\n`) }

let opts: RelayBenchOptions
try {
  opts = parseRelayOptions(process.argv.slice(2), process.env)
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(2)
}

interface IntakeRun {
  backend: 'sqlite' | 'postgres'
  relays: number
  stores: number
  perBatch: number
  load: LoadResult
  /** CPU over the intake, cores: each relay, PostgreSQL (all its processes), this process, the machine. */
  cpu: { relays: number[], postgres: number | null, bench: number, machineBusy: number }
  relayRssMB: number[]
  forwarding: null | {
    /** Forwarded (taken by the fake ERP) while the stores were posting, and its rate. */
    duringIntake: number
    duringIntakePerS: number
    /** Seconds from the end of the intake until every stored event was forwarded, or null if not within drainS. */
    drainSeconds: number | null
    forwardedTotal: number
    /** All events over the time from the first post to the last forward (or the end of the drain window). */
    overallPerS: number
    drainWindowPerS: number
    cpuDuringDrain: { relays: number[], postgres: number | null, bench: number }
  }
  check: { stored: number, expected: number, forwarded: number, dead: number, relayProblems: number, problems: string[] }
}

interface Results {
  startedAt: string
  commit: string
  machine: { cores: number, model: string }
  options: RelayBenchOptions
  a: null | { fill: { rows: number, seconds: number, fileMB: number, byType: Record<string, number> }, drains: DrainResult[], aimEventsPerS: number }
  b: null | { bodies: { stores: number, perBatch: number, batchesPerStore: number, events: number, gzipBytes: number, rawBytes: number, buildSeconds: number }, runs: IntakeRun[], aimEventsPerS: number }
  profiles: string[]
}

const cleanups = new Map<string, () => Promise<void>>()
const hold = (key: string) => (undo: (() => Promise<void>) | null): void => { if (undo === null) cleanups.delete(key); else cleanups.set(key, undo) }
const profileDir = opts.profile ? OUT : undefined

async function partA (entry: string): Promise<NonNullable<Results['a']>> {
  log(`(a) writing ${opts.events} outbox rows ...`)
  const filled = fillOutbox(opts.events, log)
  cleanups.set('fill', async () => rmSync(filled.dir, { recursive: true, force: true }))
  log(`(a) outbox filled in ${filled.seconds.toFixed(1)} s (${filled.fileMB.toFixed(0)} MB): ${JSON.stringify(filled.byType)}`)
  const drains: DrainResult[] = []
  try {
    for (const batchMax of opts.batch) {
      log(`(a) draining with outboxBatchMax ${batchMax} ...`)
      const d = await drainOutbox({ filled, batchMax, relayEntry: entry, adminToken: ADMIN, profileDir, log, hold: hold('drain') })
      log(`(a) batch ${batchMax}: ${Math.round(d.eventsPerS)} events/s, ${d.seconds.toFixed(1)} s`)
      drains.push(d)
    }
  } finally {
    rmSync(filled.dir, { recursive: true, force: true })
    cleanups.delete('fill')
  }
  return { fill: { rows: filled.rows, seconds: filled.seconds, fileMB: filled.fileMB, byType: filled.byType }, drains, aimEventsPerS: AIM_A }
}

async function intake (backend: 'sqlite' | 'postgres', relays: RelayProc[], loads: Array<{ storeId: string, bodies: Buffer[] }>, erp: FakeErp | null): Promise<IntakeRun> {
  const stores: StoreLoad[] = []
  for (const l of loads) stores.push({ ...l, token: await registerStore(relays[0].url, ADMIN, l.storeId) })
  const expected = loads.reduce((n, l) => n + l.bodies.length * opts.loadBatch, 0)
  const erp0 = erp?.received() ?? 0
  const cpu0 = relays.map((r) => cpuSecondsOf(r.pid))
  const pgCpu = backend === 'postgres' ? new PostgresCpu() : null
  const own0 = process.cpuUsage()
  const machine = new MachineWindow()
  log(`(b) ${backend}: ${stores.length} stores posting ${expected} events to ${relays.length} relay process(es) ...`)
  const load = await runLoad(stores, relays.map((r) => r.url), opts.loadBatch, (acked) => log(`(b) ${backend}: ${acked} events acknowledged`))
  const own = process.cpuUsage(own0)
  const cpu = {
    relays: relays.map((r, i) => (cpuSecondsOf(r.pid) - cpu0[i]) / load.seconds),
    postgres: pgCpu?.cores() ?? null,
    bench: (own.user + own.system) / 1e6 / load.seconds,
    machineBusy: machine.busyCores()
  }
  const relayRssMB = relays.map((r) => memoryOf(r.pid).rssMB)
  log(`(b) ${backend}: ${Math.round(load.eventsPerS)} events/s stored, p99 ${load.latencyMs.p99.toFixed(0)} ms`)

  let forwarding: IntakeRun['forwarding'] = null
  if (erp !== null) {
    const duringIntake = erp.received() - erp0
    const tDrain = performance.now()
    const dCpu0 = relays.map((r) => cpuSecondsOf(r.pid))
    const dPg = backend === 'postgres' ? new PostgresCpu() : null
    const dOwn0 = process.cpuUsage()
    let drainSeconds: number | null = null
    while (performance.now() - tDrain < opts.drainS * 1000) {
      if (erp.received() - erp0 >= expected) { drainSeconds = (performance.now() - tDrain) / 1000; break }
      await sleep(100)
    }
    const window = (performance.now() - tDrain) / 1000
    const dOwn = process.cpuUsage(dOwn0)
    const forwardedTotal = erp.received() - erp0
    forwarding = {
      duringIntake,
      duringIntakePerS: duringIntake / load.seconds,
      drainSeconds,
      forwardedTotal,
      overallPerS: forwardedTotal / (load.seconds + window),
      drainWindowPerS: (forwardedTotal - duringIntake) / window,
      cpuDuringDrain: {
        relays: relays.map((r, i) => (cpuSecondsOf(r.pid) - dCpu0[i]) / window),
        postgres: dPg?.cores() ?? null,
        bench: (dOwn.user + dOwn.system) / 1e6 / window
      }
    }
    log(`(b) ${backend}: forwarded ${forwardedTotal} of ${expected}${drainSeconds === null ? ` (not drained within ${opts.drainS} s)` : ` (drained ${drainSeconds.toFixed(1)} s after the intake)`}`)
  }
  let stored = 0
  let forwarded = 0
  let dead = 0
  for (const s of stores) {
    const st = await storeStats(relays[0].url, ADMIN, s.storeId)
    stored += st.storedCount
    forwarded += st.forwardedCount
    dead += st.deadCount
  }
  return {
    backend,
    relays: relays.length,
    stores: stores.length,
    perBatch: opts.loadBatch,
    load,
    cpu,
    relayRssMB,
    forwarding,
    check: { stored, expected, forwarded, dead, relayProblems: relays.reduce((n, r) => n + r.problemCount, 0), problems: relays.flatMap((r) => r.problems) }
  }
}

async function partB (entry: string): Promise<NonNullable<Results['b']>> {
  const t0 = performance.now()
  log(`(b) building ${opts.stores} x ${opts.loadBatches} gzip batches of ${opts.loadBatch} events ...`)
  const loads: Array<{ storeId: string, bodies: Buffer[] }> = []
  let rawBytes = 0
  for (let i = 0; i < opts.stores; i++) {
    const storeId = `S${String(i + 1).padStart(4, '0')}`
    const b = storeBodies(storeId, 1000 + i, opts.loadBatch, opts.loadBatches)
    rawBytes += b.rawBytes
    loads.push({ storeId, bodies: b.bodies })
  }
  const buildSeconds = (performance.now() - t0) / 1000
  const gzipBytes = loads.reduce((n, l) => n + l.bodies.reduce((m, x) => m + x.length, 0), 0)
  const events = opts.stores * opts.loadBatches * opts.loadBatch
  log(`(b) ${events} events in ${(gzipBytes / 1048576).toFixed(1)} MB gzip (${(rawBytes / 1048576).toFixed(0)} MB JSON), built in ${buildSeconds.toFixed(1)} s`)
  const erp = opts.forward ? await startFakeErp() : null
  cleanups.set('erp', async () => { await erp?.close() })
  const forwardEnv: Record<string, string> = erp === null ? {} : { RELAY_FORWARD_URL: erp.url }
  const runs: IntakeRun[] = []
  try {
    if (opts.sqlite) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-relay-b-'))
      const relays: RelayProc[] = []
      cleanups.set('b-sqlite', async () => { for (const r of relays) await stopRelayProc(r); rmSync(dir, { recursive: true, force: true }) })
      try {
        relays.push(await startRelayProc(entry, { RELAY_DATA_DIR: dir, RELAY_ADMIN_TOKEN: ADMIN, ...forwardEnv }, { profileDir, name: 'relay-b-sqlite' }))
        runs.push(await intake('sqlite', relays, loads, erp))
      } finally {
        await cleanups.get('b-sqlite')?.()
        cleanups.delete('b-sqlite')
      }
    }
    if (opts.pg) {
      const schema = `bench_relay_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`
      const relays: RelayProc[] = []
      const dropSchema = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: opts.pgUrl })
        await c.connect()
        try { await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) } finally { await c.end() }
      }
      cleanups.set('b-pg', async () => { for (const r of relays) await stopRelayProc(r); await dropSchema() })
      try {
        const env = { RELAY_DATABASE_URL: opts.pgUrl, RELAY_DATABASE_SCHEMA: schema, RELAY_ADMIN_TOKEN: ADMIN, ...forwardEnv }
        relays.push(await startRelayProc(entry, env, { profileDir, name: 'relay-b-pg1' }))
        relays.push(await startRelayProc(entry, env, { profileDir, name: 'relay-b-pg2' }))
        runs.push(await intake('postgres', relays, loads, erp))
      } finally {
        await cleanups.get('b-pg')?.()
        cleanups.delete('b-pg')
      }
    }
  } finally {
    await erp?.close()
    cleanups.delete('erp')
  }
  return { bodies: { stores: opts.stores, perBatch: opts.loadBatch, batchesPerStore: opts.loadBatches, events, gzipBytes, rawBytes, buildSeconds }, runs, aimEventsPerS: AIM_B }
}

const f0 = (n: number): string => Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'
const f1 = (n: number | null): string => n !== null && Number.isFinite(n) ? n.toFixed(1) : '-'
const f2 = (n: number | null): string => n !== null && Number.isFinite(n) ? n.toFixed(2) : '-'

function format (r: Results): string {
  const out: string[] = []
  out.push(`bench:relay  ${r.startedAt}  commit ${r.commit}${r.options.quick ? '  (--quick: a smoke run, not the measurement)' : ''}`)
  out.push(`machine: ${r.machine.cores} cores (${r.machine.model}); the bench process (sender / load generator / fake ERP), the relay process(es) and PostgreSQL all share them`)
  if (r.a !== null) {
    const a = r.a
    out.push('')
    out.push(`(a) outbox of ${f0(a.fill.rows)} events after a day-long outage -> OutboxSender -> one relay process on SQLite`)
    out.push(`    outbox written in ${f1(a.fill.seconds)} s before the clock (${f0(a.fill.fileMB)} MB; ${Object.entries(a.fill.byType).map(([k, v]) => `${k} ${f0(v)}`).join(', ')})`)
    out.push('    batch  events/s   seconds  batches  MB sent  B/event  relay RSS/peak MB  relay CPU  bench CPU  others  stored     left  aim >= 20,000')
    for (const d of a.drains) {
      const ok = d.relayStored === d.events && d.outboxLeft === 0
      out.push(`    ${String(d.batchMax).padStart(5)}  ${f0(d.eventsPerS).padStart(8)}  ${f1(d.seconds).padStart(7)}  ${f0(d.batches).padStart(7)}  ${f1(d.bytes / 1048576).padStart(7)}  ${f1(d.bytesPerEvent).padStart(7)}  ${`${f0(d.relay.rssMB)}/${f0(d.relay.peakMB)}`.padStart(17)}  ${f2(d.relay.cpuCores).padStart(9)}  ${f2(d.benchCpuCores).padStart(9)}  ${f2(d.machineBusyCores - d.relay.cpuCores - d.benchCpuCores).padStart(6)}  ${f0(d.relayStored).padStart(9)}${ok ? '' : '!'}  ${f0(d.outboxLeft).padStart(5)}  ${d.eventsPerS >= AIM_A ? 'met' : `missed (${Math.round((1 - d.eventsPerS / AIM_A) * 100)} % short)`}`)
    }
    out.push('    CPU in cores over the drain; "bench CPU" is the store side (the sender reading, gzipping and deleting rows, on the same 2 cores);')
    out.push('    "others" is every other process on the machine (busy cores from /proc/stat minus the two): above ~0.1 the run was disturbed.')
  }
  if (r.b !== null) {
    const b = r.b
    out.push('')
    out.push(`(b) ${b.bodies.stores} stores, closed loop, batches of ${b.bodies.perBatch} events (gzip, ${f0(b.bodies.gzipBytes / (b.bodies.stores * b.bodies.batchesPerStore))} B each), ${b.bodies.batchesPerStore} per store = ${f0(b.bodies.events)} events; bodies built before the clock`)
    out.push('    backend    relays  stored/s  seconds  batch p50/p90/p99/max ms     CPU relays     PG    bench  others  errors  aim >= 30,000 (PG)')
    for (const x of b.runs) {
      const l = x.load.latencyMs
      const aim = x.backend === 'postgres' ? (x.load.eventsPerS >= AIM_B ? 'met' : `missed (${Math.round((1 - x.load.eventsPerS / AIM_B) * 100)} % short)`) : '(no aim for SQLite)'
      out.push(`    ${x.backend.padEnd(9)}  ${String(x.relays).padStart(6)}  ${f0(x.load.eventsPerS).padStart(8)}  ${f1(x.load.seconds).padStart(7)}  ${`${f0(l.p50)}/${f0(l.p90)}/${f0(l.p99)}/${f0(l.max)}`.padStart(24)}  ${x.cpu.relays.map(f2).join('+').padStart(13)}  ${f2(x.cpu.postgres).padStart(5)}  ${f2(x.cpu.bench).padStart(7)}  ${f2(x.cpu.machineBusy - x.cpu.relays.reduce((a, c) => a + c, 0) - (x.cpu.postgres ?? 0) - x.cpu.bench).padStart(6)}  ${String(x.load.errors).padStart(6)}  ${aim}`)
    }
    for (const x of b.runs) {
      const fw = x.forwarding
      if (fw === null) continue
      out.push(`    ${x.backend} forwarding to the fake ERP (${x.relays * 2} workers, one HTTP call per event): ${f0(fw.duringIntakePerS)}/s during the intake; then ${f0(fw.drainWindowPerS)}/s; ` +
        (fw.drainSeconds !== null ? `backlog drained ${f1(fw.drainSeconds)} s after the intake, ${f0(fw.overallPerS)} events/s overall` : `${f0(fw.forwardedTotal)} of ${f0(x.check.expected)} forwarded when the ${r.options.drainS} s drain window ended (${f0(fw.overallPerS)}/s overall; the rest would take ~${f0((x.check.expected - fw.forwardedTotal) / Math.max(1, fw.drainWindowPerS))} s more)`) +
        `; CPU while draining: relays ${fw.cpuDuringDrain.relays.map(f2).join('+')}${fw.cpuDuringDrain.postgres !== null ? `, PG ${f2(fw.cpuDuringDrain.postgres)}` : ''}, bench ${f2(fw.cpuDuringDrain.bench)}`)
    }
    for (const x of b.runs) {
      const ok = x.check.stored === x.check.expected && x.check.dead === 0
      out.push(`    ${x.backend} check: ${f0(x.check.stored)} of ${f0(x.check.expected)} stored at the relay${ok ? '' : ' (MISMATCH)'}, ${f0(x.check.forwarded)} marked forwarded, ${x.check.dead} dead letters, ${x.check.relayProblems} relay log lines at warn or above${x.check.problems.length > 0 ? `: ${x.check.problems[0]}` : ''}`)
    }
    for (const x of b.runs) {
      if (x.load.slowest.length > 0) out.push(`    ${x.backend} slowest batches: ${x.load.slowest.map((w) => `${w.storeId} #${w.batch + 1} ${f0(w.ms)} ms (posted at ${f1(w.atS)} s)`).join(', ')}`)
    }
    out.push('    CPU in cores over the intake; PG = all postgres processes; others = the rest of the machine (above ~0.1: disturbed run).')
    out.push('    stored/s = events acknowledged to the stores over the whole run (first post to last answer); latency = one batch, post to answer.')
  }
  if (r.profiles.length > 0) {
    out.push('')
    out.push(`CPU profiles of the relays (node --cpu-prof; figures above are slowed 10-20 % by it): ${r.profiles.join(', ')}`)
    out.push('  summarise: node --import tsx bench/profile-summary.ts <file> 40')
  }
  return out.join('\n')
}

await runBench<Results>({
  name: 'relay',
  outDir: OUT,
  deadlineMs: 90 * 60_000,
  log,
  abort: () => (async () => { for (const undo of [...cleanups.values()].reverse()) await undo().catch((err: Error) => log(`cleanup: ${err.message}`)) })(),
  async main () {
    const startedAt = new Date().toISOString()
    mkdirSync(OUT, { recursive: true })
    const before = new Set(opts.profile ? readdirSync(OUT).filter((f) => f.endsWith('.cpuprofile')) : [])
    const entry = compileRelay(ROOT)
    const a = opts.a ? await partA(entry) : null
    const b = opts.b ? await partB(entry) : null
    const profiles = opts.profile ? readdirSync(OUT).filter((f) => f.endsWith('.cpuprofile') && !before.has(f)).map((f) => join('bench', 'out', f)) : []
    return { startedAt, commit: gitCommit(ROOT), machine: { cores: cpus().length, model: cpus()[0]?.model ?? 'unknown' }, options: opts, a, b, profiles }
  },
  format
})
