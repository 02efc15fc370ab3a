// The figures as a table (with the issue's targets and whether each is met) and as JSON.

import type { MosquittoResults } from './phases-mosquitto.js'

export interface Latency { p50: number, p90: number, p99: number, max: number, mean: number, n: number }

export interface Throughput {
  seconds: number
  msgsPerS: number
  eventsPerS: number
  /** Server-side: edge_events_accepted_total over the window (store-edge only). */
  serverEventsPerS?: number
  /** Subscriber-side: messages received over the window (Mosquitto only). */
  relayedPerS?: number
  latency: Latency
  cpu: Record<string, number>
  unacked: number
  /** Events acknowledged in each second of the window (for Mosquitto, its messages counted as the same events). */
  perSecond: number[]
}

export interface LatencyRun {
  offeredPerS: number
  latency: Latency
  cpu: Record<string, number>
  unacked: number
  relayedPerS?: number
}

/** Journal transactions in a window, from the server's histograms. */
export interface Commits {
  perS: number
  meanBatch: number
  meanCommitMs: number
  /** Share of wall time spent inside journal transactions (the event loop is blocked there). */
  commitShareOfWall: number
  meanIngestLatencyMs: number
}

export interface Memory {
  devices: number
  idleMB: number
  connectedMB: number
  afterBurstMB: number
  /** After the burst and a forced full GC (not a target figure: the server never forces one). */
  afterGcMB: number
  peakMB: number
  perConnectionKB: number
  connectS: number
  burst: { messages: number, seconds: number, unacked: number }
  /** From closing every connection to the server showing none online, seconds. */
  disconnectS: number
  /** process.memoryUsage() of the server at each point, MB. */
  heap: Record<'idle' | 'connected' | 'afterBurst' | 'afterGc', { heapTotalMB: number, heapUsedMB: number, externalMB: number, arrayBuffersMB: number }>
}

export interface Results {
  startedAt: string
  machine: { cores: number, node: string, commit: string }
  options: Record<string, unknown>
  storeEdge: { throughput?: Throughput, latency?: LatencyRun, memory?: Memory, eventsPerMessage?: number, commits?: Commits, latencyCommits?: Commits }
  mosquitto: MosquittoResults | null
  verification?: { ackedEvents: number, eventsInDb: number, deadLetters: number, ok: boolean }
  server?: { logLines: Record<string, number>, errors: string[], warnings: string[], exit: string }
  profiles?: Array<{ phase: string, file: string, summary: string }>
  targets: Array<{ name: string, target: string, measured: string, met: boolean | null }>
}

const f0 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US')
const f2 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(2)
const pct = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '-' : `${Math.round(n * 100)} %`

function row (cells: string[], widths: number[]): string {
  return cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join('  ')
}

/** The reference for the ratio: Mosquitto's relay capacity, else what it relayed at the same load. */
function reference (r: Results): { perS: number, label: string } | null {
  const mq = r.mosquitto
  if (!mq) return null
  if (mq.capacity) return { perS: mq.capacity.relayedPerS, label: 'its relay capacity' }
  return mq.throughput.relayedPerS ? { perS: mq.throughput.relayedPerS, label: 'relayed at the same load' } : null
}

export function targetsOf (r: Results): Results['targets'] {
  const t: Results['targets'] = []
  const tp = r.storeEdge.throughput
  t.push({ name: 'events/s committed', target: '>= 30,000', measured: f0(tp?.eventsPerS), met: tp ? tp.eventsPerS >= 30000 : null })
  const ref = reference(r)
  const ratio = tp && ref ? tp.eventsPerS / ref.perS : undefined
  t.push({ name: 'ratio events/s ÷ Mosquitto msgs/s relayed', target: '>= 1.0', measured: f2(ratio), met: ratio === undefined ? null : ratio >= 1 })
  const lat = r.storeEdge.latency
  t.push({ name: `PUBACK p99 at ${f0(lat?.offeredPerS)} msg/s offered`, target: '<= 15 ms', measured: lat ? `${f2(lat.latency.p99)} ms` : '-', met: lat ? lat.latency.p99 <= 15 && lat.unacked === 0 : null })
  const mem = r.storeEdge.memory
  // Judged only with the full 2,000 devices: a smaller run (--quick) says nothing about it.
  const full = mem !== undefined && mem.devices >= 2000
  t.push({ name: `RSS, ${f0(mem?.devices)} devices connected, idle`, target: '<= 200 MB', measured: mem ? `${f0(mem.connectedMB)} MB` : '-', met: full ? mem.connectedMB <= 200 : null })
  t.push({ name: `RSS, ${f0(mem?.devices)} devices connected, after a burst`, target: '<= 200 MB', measured: mem ? `${f0(mem.afterBurstMB)} MB` : '-', met: full ? mem.afterBurstMB <= 200 : null })
  return t
}

export function formatReport (r: Results): string {
  const L: string[] = []
  const w = [50, 16, 16]
  const se = r.storeEdge
  const mq = r.mosquitto
  L.push('')
  L.push(`store-edge ingest benchmark   ${r.startedAt}   node ${r.machine.node}, ${r.machine.cores} cores, commit ${r.machine.commit}`)
  L.push(`options: ${JSON.stringify(r.options)}`)
  if (r.options.profile) L.push('NOTE: the server was CPU-profiled during phases 1 and 2; its figures are lower than in an unprofiled run.')
  L.push('')
  L.push(row(['', 'store-edge', 'Mosquitto'], w))
  const tp = se.throughput
  const mt = mq?.throughput
  L.push(`Phase 1, sustained throughput (${r.options.devices} devices x ${r.options.window} in flight, QoS 1, ${f0(tp?.seconds)} s after ${r.options.warmupS} s warm-up)`)
  L.push(row(['  messages/s acknowledged (PUBACK)', f0(tp?.msgsPerS), f0(mt?.msgsPerS)], w))
  L.push(row(['  events/s committed (from PUBACKs)', f0(tp?.eventsPerS), '-'], w))
  L.push(row(['  events/s committed (server /metrics)', f0(tp?.serverEventsPerS), '-'], w))
  if (tp) L.push(`  store-edge events/s, second by second: ${tp.perSecond.map((n) => f0(n)).join(' ')}`)
  L.push(row(['  messages/s relayed to the subscriber', '-', mt ? `${f0(mt.relayedPerS)} (${pct(mt.delivered)})` : '-'], w))
  L.push(row(['  PUBACK latency p50 / p99 under saturation, ms', tp ? `${f2(tp.latency.p50)} / ${f2(tp.latency.p99)}` : '-', mt ? `${f2(mt.latency.p50)} / ${f2(mt.latency.p99)}` : '-'], w))
  L.push(row(['  CPU, cores: broker / generator process', tp ? `${f2(tp.cpu.server)} / ${f2(tp.cpu.bench)}` : '-', mt ? `${f2(mt.cpu.mosquitto)} / ${f2(mt.cpu.bench)}` : '-'], w))
  const c = se.commits
  if (c) L.push(`  store-edge commits: ${f2(c.perS)}/s of ${f0(c.meanBatch)} entries, ${f2(c.meanCommitMs)} ms each (${pct(c.commitShareOfWall)} of wall time); receipt-to-commit mean ${f2(c.meanIngestLatencyMs)} ms`)
  if (mq) {
    L.push(`  Mosquitto capacity search (open loop over ${r.options.devices} devices; offered/s -> relayed/s, delivered, PUBACK p99):`)
    for (let i = 0; i < mq.sweep.length; i += 3) {
      L.push('    ' + mq.sweep.slice(i, i + 3).map((p) => `${f0(p.offeredPerS)} -> ${f0(p.relayedPerS)} (${pct(p.delivered)}, ${f2(p.p99)} ms)`).join(';  '))
    }
    L.push(`  Mosquitto relay capacity (most relayed/s with >= 99 % delivered): ${mq.capacity ? `${f0(mq.capacity.relayedPerS)} msg/s` : 'none found'}`)
  }
  const ref = reference(r)
  if (tp && ref) {
    L.push(`  RATIO store-edge events/s committed / Mosquitto msgs/s relayed (${ref.label}) = ${f2(tp.eventsPerS / ref.perS)}` +
      `   [messages/messages: ${f2(tp.msgsPerS / ref.perS)}; ${f2(se.eventsPerMessage)} events per message in this mix]`)
    if (mt?.relayedPerS && ref.label !== 'relayed at the same load') L.push(`  (against what Mosquitto relayed at the same ${r.options.window}-window load: ${f2(tp.eventsPerS / mt.relayedPerS)})`)
  }
  const lt = se.latency
  const ml = mq?.latency
  L.push(`Phase 2, latency at a fixed offered load (open loop, ${r.options.rate} msg/s over ${r.options.devices} devices, ${r.options.latencyS} s)`)
  L.push(row(['  offered, messages/s (achieved)', f0(lt?.offeredPerS), f0(ml?.offeredPerS)], w))
  for (const k of ['p50', 'p90', 'p99', 'max'] as const) L.push(row([`  publish-to-PUBACK ${k}, ms`, f2(lt?.latency[k]), f2(ml?.latency[k])], w))
  L.push(row(['  messages/s relayed to the subscriber', '-', f0(ml?.relayedPerS)], w))
  L.push(row(['  CPU, cores: broker / generator process', lt ? `${f2(lt.cpu.server)} / ${f2(lt.cpu.bench)}` : '-', ml ? `${f2(ml.cpu.mosquitto)} / ${f2(ml.cpu.bench)}` : '-'], w))
  const lc = se.latencyCommits
  if (lc) L.push(`  store-edge commits: ${f2(lc.perS)}/s of ${f0(lc.meanBatch)} entries, ${f2(lc.meanCommitMs)} ms each (${pct(lc.commitShareOfWall)} of wall time)`)
  if (lt && ml) L.push(`  store-edge / Mosquitto: p50 x${f2(lt.latency.p50 / ml.latency.p50)}, p99 x${f2(lt.latency.p99 / ml.latency.p99)}`)
  const m = se.memory
  if (m) {
    L.push('Phase 3, memory of the store-edge process (RSS)')
    L.push(row(['  idle, no devices, MB', f0(m.idleMB)], w))
    L.push(row([`  ${m.devices} devices connected and pinging, MB`, f0(m.connectedMB)], w))
    L.push(row([`  after a burst of ${f0(m.burst.messages)} messages, MB`, f0(m.afterBurstMB)], w))
    L.push(row(['  the same after a forced full GC, MB', f0(m.afterGcMB)], w))
    L.push(row(['  peak (VmHWM) by then, MB', f0(m.peakMB)], w))
    L.push(row(['  per connection, KB', f0(m.perConnectionKB)], w))
    const h = (k: 'idle' | 'connected' | 'afterBurst' | 'afterGc'): string => `${f0(m.heap[k].heapUsedMB)}/${f0(m.heap[k].heapTotalMB)}+${f0(m.heap[k].externalMB)}`
    L.push(`  V8 heap used/total + external, MB: idle ${h('idle')}; connected ${h('connected')}; after burst ${h('afterBurst')}; after GC ${h('afterGc')}`)
    L.push(row([`  connect ${m.devices}, s / burst, s / disconnects, s`, `${f2(m.connectS)} / ${f2(m.burst.seconds)} / ${f2(m.disconnectS)}`], w))
  }
  if (r.verification) {
    const v = r.verification
    L.push(`Verification: ${f0(v.ackedEvents)} events acknowledged, ${f0(v.eventsInDb)} rows in the events table, ${v.deadLetters} dead letters -> ${v.ok ? 'OK' : 'MISMATCH'}`)
  }
  if (r.server) {
    L.push(`Server log lines by level: ${JSON.stringify(r.server.logLines)}; exit: ${r.server.exit}`)
    for (const e of r.server.errors) L.push(`  error: ${e}`)
  }
  for (const p of r.profiles ?? []) L.push('', `Server CPU profile, ${p.phase} (${p.file}):`, p.summary)
  L.push('')
  L.push('Targets (issue 2, Benchmark)')
  const tw = [50, 12, 30, 6]
  L.push(row(['', 'target', 'measured', 'met'], tw))
  for (const t of r.targets) L.push(row([`  ${t.name}`, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO'], tw))
  L.push('')
  return L.join('\n')
}
