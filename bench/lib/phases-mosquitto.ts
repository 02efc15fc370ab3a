// The reference: the same generator, devices and loads through the local Mosquitto, relaying to ONE
// QoS 1 subscriber, nothing persisted. Topics and client ids carry a per-run prefix so nothing
// collides with other users of the broker.
//
// Mosquitto acknowledges a publish once it is queued, not delivered: beyond its per-client queue
// (max_queued_messages, 1000 by default) it drops QoS 1 messages for a slow subscriber, and it sends
// that subscriber at most max_inflight_messages (20) per round trip. So at the phase 1 load it may
// acknowledge far more than it relays. Besides the same-load run, a search over offered rates (open
// loop) finds its relay capacity: the highest rate the subscriber receives with >= 99 % delivered.
// The ratio is taken against that, the stricter reference.

import type { Endpoint } from './client.js'
import { Traffic, type BenchDevice, type BenchItem } from './data.js'
import { closedLoop, Fleet, openLoop } from './load.js'
import type { BenchOptions } from './options.js'
import type { LatencyRun, Throughput } from './report.js'
import { Subscriber } from './subscriber.js'
import { CpuWindow, mosquittoPid, sleep } from './sysinfo.js'

export interface SweepPoint { offeredPerS: number, ackedPerS: number, relayedPerS: number, delivered: number, p50: number, p99: number }

export interface MosquittoResults {
  throughput: Throughput & { delivered: number }
  latency: LatencyRun
  sweep: SweepPoint[]
  /** The best relayed rate with >= 99 % delivered, messages/s, and the rate offered for it. */
  capacity: { relayedPerS: number, offeredPerS: number } | null
}

export async function mosquittoPhases (o: BenchOptions, devices: BenchDevice[], items: BenchItem[], storeTopic: (d: BenchDevice) => string,
  workerFile: string, open: Set<Fleet>, openSubs: Set<Subscriber>, log: (m: string) => void): Promise<MosquittoResults> {
  const ep: Endpoint = { host: o.mosquittoHost, port: o.mosquittoPort }
  const run = `bench-${process.pid}-${Date.now().toString(36)}`
  const pid = mosquittoPid()
  let round = 0
  // A fresh subscriber and fleet per run, so a backlog of one cannot spill into the next.
  const withFleet = async <T>(body: (fleet: Fleet, sub: Subscriber) => Promise<T>): Promise<T> => {
    const prefix = `${run}-${++round}`
    const sub = await Subscriber.open(workerFile, ep, `${prefix}-sub`, `${prefix}/#`)
    openSubs.add(sub)
    const fleet = await Fleet.connect(ep, devices.slice(0, o.devices), new Traffic(items, `q${round}`), {
      topicOf: (d) => `${prefix}/${storeTopic(d)}`, clientIdOf: (d) => `${prefix}-${d.id}`, auth: false, keepaliveS: 60
    })
    open.add(fleet)
    try {
      return await body(fleet, sub)
    } finally {
      await sub.settle(fleet.acked, 1000)
      await fleet.close()
      open.delete(fleet)
      await sub.close()
      openSubs.delete(sub)
    }
  }

  log(`phase 1 Mosquitto (pid ${pid ?? '?'}): ${o.devices} devices x ${o.window} in flight, ${o.warmupS} + ${o.durationS} s`)
  const throughput = await withFleet(async (fleet, sub) => {
    let cpu: CpuWindow | null = null
    let r0 = 0
    let r1 = 0
    const m = await closedLoop(fleet, o.window, o.warmupS * 1000, o.durationS * 1000, {
      atStart: () => { r0 = sub.received; cpu = new CpuWindow(pid) },
      atEnd: () => { r1 = sub.received }
    })
    const t: Throughput & { delivered: number } = {
      seconds: m.seconds,
      msgsPerS: m.acked / m.seconds,
      eventsPerS: m.events / m.seconds,
      relayedPerS: (r1 - r0) / m.seconds,
      latency: m.latency,
      cpu: cpu!.read('mosquitto'),
      unacked: m.unacked,
      perSecond: m.perSecond,
      delivered: (r1 - r0) / m.acked
    }
    log(`phase 1 Mosquitto: ${Math.round(t.msgsPerS)} msg/s acked, ${Math.round(t.relayedPerS!)} msg/s relayed (${(t.delivered * 100).toFixed(1)} % delivered); ` +
      `CPU mosquitto ${(t.cpu.mosquitto * 100).toFixed(0)} %, bench ${(t.cpu.bench * 100).toFixed(0)} %`)
    return t
  })

  const sweep: SweepPoint[] = []
  const rates = o.quick ? [25000, 35000] : [15000, 20000, 25000, 30000, 35000, 40000, 50000]
  const stepS = o.quick ? 1 : 3
  const step = async (rate: number): Promise<SweepPoint> => {
    await sleep(o.quick ? 100 : 500)
    const p = await withFleet(async (fleet, sub) => {
      let r0 = 0
      let r1 = 0
      const m = await openLoop(fleet, rate, o.quick ? 500 : 1000, stepS * 1000, { atStart: () => { r0 = sub.received }, atEnd: () => { r1 = sub.received } })
      await sub.settle(fleet.acked, 1000)
      return { offeredPerS: m.offered, ackedPerS: m.latency.n / m.seconds, relayedPerS: (r1 - r0) / m.seconds, delivered: sub.received / fleet.acked, p50: m.latency.p50, p99: m.latency.p99 }
    })
    sweep.push(p)
    log(`Mosquitto capacity search, ${rate} msg/s offered (${Math.round(p.offeredPerS)} achieved): ${Math.round(p.relayedPerS)} relayed/s, ${(p.delivered * 100).toFixed(1)} % delivered, PUBACK p99 ${p.p99.toFixed(1)} ms`)
    return p
  }
  let passed = 0
  for (const rate of rates) {
    const p = await step(rate)
    if (p.delivered < 0.99 || p.offeredPerS < rate * 0.95) {
      // One step between the last rate that passed and this one.
      if (passed > 0 && !o.quick) await step(Math.round((passed + rate) / 2 / 1000) * 1000)
      break
    }
    passed = rate
  }
  sweep.sort((a, b) => a.offeredPerS - b.offeredPerS)
  const full = sweep.filter((p) => p.delivered >= 0.99)
  const best = full.length ? full.reduce((a, b) => b.relayedPerS > a.relayedPerS ? b : a) : null

  await sleep(500)
  log(`phase 2 Mosquitto: ${o.rate} msg/s offered, ${o.latencyS} s`)
  const latency = await withFleet(async (fleet, sub) => {
    let cpu: CpuWindow | null = null
    let q0 = 0
    let q1 = 0
    const m = await openLoop(fleet, o.rate, o.latencyWarmupS * 1000, o.latencyS * 1000, {
      atStart: () => { q0 = sub.received; cpu = new CpuWindow(pid) },
      atEnd: () => { q1 = sub.received }
    })
    const l: LatencyRun = { offeredPerS: m.offered, latency: m.latency, cpu: cpu!.read('mosquitto'), unacked: m.unacked, relayedPerS: (q1 - q0) / m.seconds }
    log(`phase 2 Mosquitto: p50 ${m.latency.p50.toFixed(2)} p99 ${m.latency.p99.toFixed(2)} max ${m.latency.max.toFixed(2)} ms`)
    return l
  })
  return { throughput, latency, sweep, capacity: best ? { relayedPerS: best.relayedPerS, offeredPerS: best.offeredPerS } : null }
}
