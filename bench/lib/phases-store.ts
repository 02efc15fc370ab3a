// The store server's three phases: memory (idle, 2,000 connected, after a burst), sustained
// throughput (closed loop), latency at a fixed offered load (open loop). Each reads the server's
// own counters around its window and can CPU-profile that window.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Endpoint } from './client.js'
import { Traffic, type BenchDevice, type BenchItem } from './data.js'
import { burst, closedLoop, Fleet, openLoop, type FleetOptions } from './load.js'
import type { BenchOptions } from './options.js'
import type { Commits, LatencyRun, Memory, Throughput } from './report.js'
import { heapOf, memoryOf, requestProfile, scrape, series, type ServerChild } from './server.js'
import { CpuWindow, sleep } from './sysinfo.js'

export interface StoreContext {
  srv: ServerChild
  ep: Endpoint
  devices: BenchDevice[]
  items: BenchItem[]
  fleetOptions: FleetOptions
  o: BenchOptions
  log (msg: string): void
  /** Fleets open now, closed by the bench's cleanup if a phase throws. */
  open: Set<Fleet>
  /** Where to write the CPU profile of phase 1 and 2 windows (when o.profile). */
  profileFile (phase: string): string
}

/** Server-side figures between two /metrics scrapes (timed by their arrival). */
function commitsBetween (m0: { text: string, at: number }, m1: { text: string, at: number }): Commits & { eventsPerS: number } {
  const d = (name: string): number => series(m1.text, name) - series(m0.text, name)
  const s = (m1.at - m0.at) / 1000
  const commits = d('edge_commit_seconds_count')
  return {
    eventsPerS: d('edge_events_accepted_total') / s,
    perS: commits / s,
    meanBatch: d('edge_commit_batch_size_sum') / commits,
    meanCommitMs: d('edge_commit_seconds_sum') / commits * 1000,
    commitShareOfWall: d('edge_commit_seconds_sum') / s,
    meanIngestLatencyMs: d('edge_ingest_latency_seconds_sum') / d('edge_ingest_latency_seconds_count') * 1000
  }
}

/** Waits until the server shows no device online (disconnects processed), at most timeoutMs. */
export async function settleDevices (c: StoreContext, timeoutMs: number): Promise<number> {
  const t0 = performance.now()
  for (;;) {
    const h = await (await fetch(`http://${c.ep.host}:${c.srv.ports.http}/api/v1/health`)).json() as { devices: { online: number } }
    if (h.devices.online === 0 || performance.now() - t0 > timeoutMs) return h.devices.online
    await sleep(250)
  }
}

export async function memoryPhase (c: StoreContext): Promise<{ memory: Memory, ackedEvents: number }> {
  const { o, srv } = c
  await sleep(o.settleS * 1000)
  const idle = memoryOf(srv.pid)
  const idleHeap = await heapOf(srv)
  c.log(`idle RSS ${idle.rssMB.toFixed(1)} MB; connecting ${o.memDevices} devices`)
  const t0 = performance.now()
  const fleet = await Fleet.connect(c.ep, c.devices.slice(0, o.memDevices), new Traffic(c.items, 'm'), { ...c.fleetOptions, keepaliveS: 30 })
  c.open.add(fleet)
  const connectS = (performance.now() - t0) / 1000
  for (const conn of fleet.conns) conn.client.startPing(10000) // PINGREQ every 10 s, keep-alive 30 s
  await sleep(o.idleS * 1000)
  const connected = memoryOf(srv.pid)
  const connectedHeap = await heapOf(srv)
  c.log(`${fleet.conns.length} connected in ${connectS.toFixed(2)} s: RSS ${connected.rssMB.toFixed(1)} MB; burst of ${o.burstPerDevice} per device`)
  const b = await burst(fleet, o.burstPerDevice, 120000)
  await sleep(o.settleS * 1000)
  const afterBurst = memoryOf(srv.pid)
  const afterBurstHeap = await heapOf(srv)
  // Then a full GC: what is live, and whether RSS comes back down.
  const afterGcHeap = await heapOf(srv, true)
  await sleep(500)
  const afterGc = memoryOf(srv.pid)
  c.log(`burst: ${b.acked} acked in ${b.seconds.toFixed(2)} s (${b.unacked} unacked): RSS ${afterBurst.rssMB.toFixed(1)} MB; after a full GC ${afterGc.rssMB.toFixed(1)} MB`)
  const t1 = performance.now()
  await fleet.close()
  c.open.delete(fleet)
  const stillOnline = await settleDevices(c, 60000)
  c.log(`${fleet.conns.length} disconnected and shown offline in ${((performance.now() - t1) / 1000).toFixed(2)} s${stillOnline ? ` (${stillOnline} still online)` : ''}`)
  return {
    ackedEvents: fleet.ackedEvents,
    memory: {
      devices: fleet.conns.length,
      idleMB: idle.rssMB,
      connectedMB: connected.rssMB,
      afterBurstMB: afterBurst.rssMB,
      afterGcMB: afterGc.rssMB,
      peakMB: afterBurst.peakMB,
      perConnectionKB: (connected.rssMB - idle.rssMB) * 1024 / fleet.conns.length,
      connectS,
      burst: { messages: b.acked, seconds: b.seconds, unacked: b.unacked },
      disconnectS: (performance.now() - t1) / 1000,
      heap: { idle: idleHeap, connected: connectedHeap, afterBurst: afterBurstHeap, afterGc: afterGcHeap }
    }
  }
}

async function profiled<T> (c: StoreContext, phase: string, body: (start: () => Promise<void>, stop: () => Promise<void>) => Promise<T>): Promise<T> {
  const file = c.profileFile(phase)
  return await body(
    async () => { if (c.o.profile) await requestProfile(c.srv, 'profile-start') },
    async () => {
      if (!c.o.profile) return
      mkdirSync(dirname(file), { recursive: true })
      await requestProfile(c.srv, 'profile-stop', file)
      c.log(`CPU profile of the ${phase} window: ${file}`)
    })
}

export async function throughputAndLatency (c: StoreContext): Promise<{ throughput: Throughput, latency: LatencyRun, commits: Commits, latencyCommits: Commits, eventsPerMessage: number, ackedEvents: number }> {
  const { o, srv } = c
  const fleet = await Fleet.connect(c.ep, c.devices.slice(0, o.devices), new Traffic(c.items, 'p'), c.fleetOptions)
  c.open.add(fleet)
  c.log(`phase 1 store-edge: ${fleet.conns.length} devices x ${o.window} in flight, ${o.warmupS} + ${o.durationS} s`)
  let cpu: CpuWindow | null = null
  let m0 = { text: '', at: 0 }
  let m1 = { text: '', at: 0 }
  const p1 = await profiled(c, 'phase1', (startProfile, stopProfile) => closedLoop(fleet, o.window, o.warmupS * 1000, o.durationS * 1000, {
    atStart: async () => { await startProfile(); m0 = await scrape(srv.ports.http); cpu = new CpuWindow(srv.pid) },
    atEnd: async () => { m1 = await scrape(srv.ports.http); await stopProfile() }
  }))
  const p1cpu = cpu!.read('server')
  const { eventsPerS: serverEventsPerS, ...commits } = commitsBetween(m0, m1)
  const throughput: Throughput = {
    seconds: p1.seconds,
    msgsPerS: p1.acked / p1.seconds,
    eventsPerS: p1.events / p1.seconds,
    serverEventsPerS,
    latency: p1.latency,
    cpu: p1cpu,
    unacked: p1.unacked,
    perSecond: p1.perSecond
  }
  c.log(`phase 1 store-edge: ${Math.round(throughput.msgsPerS)} msg/s, ${Math.round(throughput.eventsPerS)} events/s acked; server ${Math.round(serverEventsPerS)} events/s; ` +
    `commits ${commits.perS.toFixed(1)}/s x ${Math.round(commits.meanBatch)} entries, ${commits.meanCommitMs.toFixed(1)} ms each; CPU server ${(p1cpu.server * 100).toFixed(0)} %, bench ${(p1cpu.bench * 100).toFixed(0)} %`)

  await sleep(o.settleS * 500)
  c.log(`phase 2 store-edge: ${o.rate} msg/s offered, ${o.latencyS} s`)
  let cpu2: CpuWindow | null = null
  let q0 = { text: '', at: 0 }
  let q1 = { text: '', at: 0 }
  const p2 = await profiled(c, 'phase2', (startProfile, stopProfile) => openLoop(fleet, o.rate, o.latencyWarmupS * 1000, o.latencyS * 1000, {
    atStart: async () => { await startProfile(); q0 = await scrape(srv.ports.http); cpu2 = new CpuWindow(srv.pid) },
    atEnd: async () => { q1 = await scrape(srv.ports.http); await stopProfile() }
  }))
  const { eventsPerS: _ignored, ...latencyCommits } = commitsBetween(q0, q1)
  const latency: LatencyRun = { offeredPerS: p2.offered, latency: p2.latency, cpu: cpu2!.read('server'), unacked: p2.unacked }
  c.log(`phase 2 store-edge: p50 ${p2.latency.p50.toFixed(2)} p99 ${p2.latency.p99.toFixed(2)} max ${p2.latency.max.toFixed(2)} ms; ` +
    `commits ${latencyCommits.perS.toFixed(1)}/s x ${Math.round(latencyCommits.meanBatch)} entries, ${latencyCommits.meanCommitMs.toFixed(1)} ms each`)
  await fleet.close()
  c.open.delete(fleet)
  return { throughput, latency, commits, latencyCommits, eventsPerMessage: p1.events / p1.acked, ackedEvents: fleet.ackedEvents }
}
