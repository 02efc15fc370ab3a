// The live scoring bench's figures: the table against the aims of issue 4 (met / NOT met), and the
// JSON written to bench/out/scoring-<time>.json.

import type { Latency } from './report.js'
import type { ProbeFigures } from './scoring-probe.js'
import type { FastSplit, Split } from './scoring-window.js'

type Brief = { n: number, p50: number, p99: number, max: number }
type Heap = { heapTotalMB: number, heapUsedMB: number, externalMB: number, arrayBuffersMB: number }

export interface ModelState {
  active: string | null
  problem: unknown
  scorers: Record<string, number>
  rulesReasons: Record<string, number>
  /** A few of the rule-made scores' reasonDetail, when rules act. */
  rulesExamples: string[]
}

export interface ScoringResults {
  startedAt: string
  machine: { cores: number, node: string, commit: string }
  options: Record<string, unknown>
  store: {
    skus: number
    /** SKU-locations with a current score after the start-up pass. */
    scored: number
    historyDays: number
    historyEvents: number
    prepareS: number
    /** From spawn to listening (the start-up replay of the history included), s. */
    serverStartS: number
    /** The start-up full pass (every row new: explained and written), ms, from /api/v1/models. */
    startupPassMs: number
    /** The server's simulated clock at the start of the load, and when the slow tier fell due. */
    simStart: string
    slowDueAt: string
  }
  modelBefore: ModelState
  modelAfter: ModelState
  load: {
    offeredMsgsPerS: number
    offeredEventsPerS: number
    eventsByType: Record<string, number>
    /** edge_events_accepted_total over the window. */
    serverEventsPerS: number
    puback: Latency
    unacked: number
    cpu: Record<string, number>
  }
  fast: {
    /** edge_risk_fast_latency_seconds over the window: the event applied after its commit -> its SKU-location rescored, ms. */
    server: { n: number, p50: number, p90: number, p99: number, shareWithin20ms: number, rescoredPerS: number, worstSecondP99: number, split: FastSplit }
    /** The bench's probes: publish -> a score counting the event seen over HTTP; split by whether they overlapped the slow tier's job. */
    e2e: ProbeFigures & { split: Split<Brief> }
    scores: Record<string, number>
  }
  slow: {
    /** Full passes in the window (edge_risk_scoring_seconds{tier="slow"} count). */
    passes: number
    /** Their mean duration from the histogram, ms: features, onnxruntime, rules, governance, explanations. */
    meanMs: number
    /** The last pass as /api/v1/models reports it. */
    last: { ms: number, scored: number, model: number, rules: number } | null
    /** The clock request that ran it: the pass plus writing the changed rows through the journal thread, ms. */
    jobMs: number
    /** When it started, seconds into the window. */
    jobAtS: number
  }
  eventLoop: {
    /** prom-client's edge_nodejs_eventloop_lag_p99_seconds per scrape (each covers the second since the last: prom-client resets its histogram per collect), ms. */
    perSecondP99: number[]
    perSecondMax: number[]
    p99MaxMs: number
    p99MedianMs: number
    maxMs: number
    /** Worst per-second p99 in the seconds the slow tier's job ran, and in the others. */
    p99Split: Split<number>
    /** monitorEventLoopDelay's sampling period in prom-client (eventLoopMonitoringPrecision): every reading includes it. */
    resolutionMs: number
  }
  memory: { rssBeforeMB: number, rssPeakMB: number, rssEndMB: number, vmHwmMB: number, heapBefore: Heap, heapEnd: Heap }
  clock: { ticks: number, skipped: number, jobs: Array<{ to: string, ran: number, ms: number }> }
  verification?: { ackedEvents: number, newEventsInDb: number, deadLetters: number, ok: boolean }
  profile?: { file: string, summary: string }
  server?: { logLines: Record<string, number>, errors: string[], warnings: string[], exit: string }
  targets: Array<{ name: string, target: string, measured: string, met: boolean | null }>
}

const f0 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US')
const f1 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(1)
const f2 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(2)
const pct = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : `${(n * 100).toFixed(1)} %`

function row (cells: string[], widths: number[]): string {
  return cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join('  ')
}

export function scoringTargets (r: ScoringResults): ScoringResults['targets'] {
  const t: ScoringResults['targets'] = []
  const slowMs = r.slow.last?.ms ?? r.slow.meanMs
  t.push({ name: `full rescoring of ${f0(r.store.scored)} SKU-locations under load`, target: '<= 1,000 ms', measured: r.slow.passes > 0 ? `${f0(slowMs)} ms` : 'no pass in window', met: r.slow.passes > 0 ? slowMs <= 1000 : null })
  const s = r.fast.server
  t.push({ name: 'fast tier p99, commit -> rescored (server)', target: '<= 20 ms', measured: s.n > 0 ? `${f1(s.p99)} ms` : '-', met: s.n > 0 ? s.shareWithin20ms >= 0.99 : null })
  const e = r.fast.e2e
  t.push({ name: 'fast tier p99, publish -> score seen (probes)', target: '<= 20 ms', measured: e.n > 0 ? `${f1(e.toScored.p99)} ms (n ${e.n})` : '-', met: e.n > 0 ? e.toScored.p99 <= 20 && e.timeouts === 0 : null })
  const l = r.eventLoop
  t.push({ name: 'event loop delay p99, worst second', target: '<= 50 ms', measured: l.perSecondP99.length ? `${f1(l.p99MaxMs)} ms` : '-', met: l.perSecondP99.length ? l.p99MaxMs <= 50 : null })
  return t
}

export function formatScoringReport (r: ScoringResults): string {
  const L: string[] = []
  const w = [62, 26]
  const kv = (k: string, v: string): void => { L.push(row([`  ${k}`, v], w)) }
  L.push('')
  L.push(`store-edge live scoring benchmark   ${r.startedAt}   node ${r.machine.node}, ${r.machine.cores} cores, commit ${r.machine.commit}`)
  L.push(`options: ${JSON.stringify(r.options)}`)
  if (r.options.quick) L.push('NOTE: --quick is a smoke run (5,000 SKUs, 10 s): its figures are not the measurement.')
  if (r.options.profile) L.push('NOTE: the server was CPU-profiled through the window; its figures are worse than in an unprofiled run.')
  L.push('')
  L.push(`The store (a real server child process; simulated clock from ${r.store.simStart}, moved in step with real time;`)
  L.push('  calibration governance off (riskCalibrationBound 1): the load\'s counts and gaps are random)')
  kv('SKU-locations scored', f0(r.store.scored))
  kv(`history in the journal (${r.store.historyDays} days), events`, f0(r.store.historyEvents))
  kv('prepare data dir / server start (replay included), s', `${f1(r.store.prepareS)} / ${f1(r.store.serverStartS)}`)
  kv('start-up full pass (every row explained and written), ms', f0(r.store.startupPassMs))
  const ms = (m: ModelState): string => `${JSON.stringify(m.scorers)} ${Object.keys(m.rulesReasons).length ? `rules because ${JSON.stringify(m.rulesReasons)}` : ''}`
  L.push(`  active model: ${r.modelAfter.active ?? 'NONE'}${r.modelAfter.problem ? `; problem ${JSON.stringify(r.modelAfter.problem)}` : ''}`)
  L.push(`  scorers before the load: ${ms(r.modelBefore)}`)
  L.push(`  scorers after the load:  ${ms(r.modelAfter)}`)
  for (const d of r.modelAfter.rulesExamples) L.push(`    e.g. ${d}`)
  L.push('')
  const ld = r.load
  L.push(`Load (open loop, ${f0(ld.offeredMsgsPerS)} msg/s = ${f0(ld.offeredEventsPerS)} events/s offered, ${r.options.durationS} s after ${r.options.warmupS} s warm-up)`)
  kv('events offered by type', Object.entries(ld.eventsByType).map(([k, v]) => `${k} ${f0(v)}`).join(', '))
  kv('events/s committed (server /metrics)', f0(ld.serverEventsPerS))
  kv('publish -> PUBACK p50 / p99 / max, ms', `${f2(ld.puback.p50)} / ${f2(ld.puback.p99)} / ${f2(ld.puback.max)}`)
  kv('unacknowledged after the window', f0(ld.unacked))
  kv('CPU, cores: server / bench process / all other processes', `${f2(ld.cpu.server)} / ${f2(ld.cpu.bench)} / ${f2(ld.cpu.others)}`)
  if (ld.cpu.others > 0.15) L.push(`  WARNING: other processes used ${f2(ld.cpu.others)} of the ${r.machine.cores} cores during the window: these figures are disturbed; run again when the machine is quiet.`)
  L.push('')
  const s = r.fast.server
  const e = r.fast.e2e
  L.push('Fast tier (fresh events: gaps, counts, fast movers\' sales)')
  kv('SKU-locations rescored by the fast tier, per s', f0(s.rescoredPerS))
  kv('server: event applied after commit -> rescored p50/p90/p99, ms', `${f1(s.p50)} / ${f1(s.p90)} / ${f1(s.p99)}`)
  kv('server: share within 20 ms (a bucket bound)', pct(s.shareWithin20ms))
  kv('server: p99 of the worst second, ms', f1(s.worstSecondP99))
  kv(`server: p99 outside / during the slow tier's job, ms`, `${f1(s.split.p99.outside)} / ${f1(s.split.p99.during)}`)
  kv(`server: share within 20 ms outside / during it`, `${pct(s.split.shareWithin20ms.outside)} / ${pct(s.split.shareWithin20ms.during)}`)
  kv(`probes: publish -> PUBACK p50 / p99, ms (n ${e.toAck.n})`, `${f1(e.toAck.p50)} / ${f1(e.toAck.p99)}`)
  kv('probes: PUBACK -> score seen p50 / p99, ms', `${f1(e.ackToScored.p50)} / ${f1(e.ackToScored.p99)}`)
  kv(`probes: publish -> score seen p50 / p90 / p99 / max, ms (n ${e.n})`, `${f1(e.toScored.p50)} / ${f1(e.toScored.p90)} / ${f1(e.toScored.p99)} / ${f1(e.toScored.max)}`)
  kv(`probes: p99 outside (n ${e.split.outside.n}) / during (n ${e.split.during.n}) the job, ms`, `${f1(e.split.outside.p99)} / ${f1(e.split.during.p99)}`)
  kv('probes: poll resolution (mean step), ms; polls per probe', `${f1(e.pollStepMs)}; ${f1(e.meanPolls)}`)
  kv('probes: tier that made the score seen; timeouts', `${JSON.stringify(e.tiers)}; ${e.timeouts}`)
  const slowest = [...e.each].sort((a, b) => (Number.isNaN(b.scoredMs) ? Infinity : b.scoredMs) - (Number.isNaN(a.scoredMs) ? Infinity : a.scoredMs)).slice(0, 3)
  if (slowest.length) L.push(`  slowest probes (s into the window: ms to PUBACK / to score): ${slowest.map((x) => `${f1(x.at)}: ${f1(x.ackMs)} / ${f1(x.scoredMs)}`).join(';  ')}`)
  L.push('')
  L.push('Slow tier (riskSlowCron "* * * * *", due inside the window)')
  kv('full passes in the window', f0(r.slow.passes))
  kv('pass (features, onnxruntime, rules, governance, explanations), ms', r.slow.last ? `${f0(r.slow.last.ms)} (histogram mean ${f0(r.slow.meanMs)})` : '-')
  if (r.slow.last) kv('rows scored: model / rules', `${f0(r.slow.last.model)} / ${f0(r.slow.last.rules)}`)
  kv('the scheduled job incl. writing changed rows, ms', `${f0(r.slow.jobMs)} (from ${f1(r.slow.jobAtS)} s into the window)`)
  kv('fast tier p99 (server) in the seconds it ran, ms', f1(r.fast.server.split.p99.during))
  L.push('')
  const l = r.eventLoop
  L.push(`Event loop (prom-client edge_nodejs_eventloop_lag_*, read every second; readings include its ${l.resolutionMs} ms sampling period)`)
  kv('p99 of the worst second / median second, ms', `${f1(l.p99MaxMs)} / ${f1(l.p99MedianMs)}`)
  kv('longest single delay (lag_max), ms', f1(l.maxMs))
  kv(`worst second's p99 outside / during the slow tier's job, ms`, `${f1(l.p99Split.outside)} / ${f1(l.p99Split.during)}`)
  L.push(`  p99 second by second, ms: ${l.perSecondP99.map((v) => f0(v)).join(' ')}`)
  L.push(`  fast tier p99 (server) second by second, ms: ${s.split.perSecondP99.map((v) => f0(v)).join(' ')}`)
  L.push('')
  L.push('Memory of the server (RSS)')
  kv('before the load / peak during / at the end, MB', `${f0(r.memory.rssBeforeMB)} / ${f0(r.memory.rssPeakMB)} / ${f0(r.memory.rssEndMB)}`)
  kv('VmHWM at the end, MB', f0(r.memory.vmHwmMB))
  const h = (x: Heap): string => `${f0(x.heapUsedMB)}/${f0(x.heapTotalMB)}+${f0(x.externalMB)}`
  kv('V8 heap used/total + external before / at the end, MB', `${h(r.memory.heapBefore)} / ${h(r.memory.heapEnd)}`)
  if (r.verification) {
    const v = r.verification
    L.push(`Verification: ${f0(v.ackedEvents)} events acknowledged, ${f0(v.newEventsInDb)} new rows in the events table, ${v.deadLetters} dead letters -> ${v.ok ? 'OK' : 'MISMATCH'}`)
  }
  if (r.server) {
    L.push(`Server log lines by level: ${JSON.stringify(r.server.logLines)}; exit: ${r.server.exit}`)
    for (const x of r.server.errors) L.push(`  error: ${x}`)
    for (const x of r.server.warnings) L.push(`  warning: ${x}`)
  }
  if (r.profile) L.push('', `Server CPU profile of the window (${r.profile.file}):`, r.profile.summary)
  L.push('')
  L.push('Aims (issue 4)')
  const tw = [50, 12, 26, 8]
  L.push(row(['', 'aim', 'measured', 'met'], tw))
  for (const t of r.targets) L.push(row([`  ${t.name}`, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'], tw))
  L.push('')
  return L.join('\n')
}
