// The load generator: a fleet of raw MQTT connections publishing QoS 1, each keeping its own
// message ids and send times so every PUBACK is matched to its publish. Closed loop (a window of
// in-flight publishes per device, refilled on each PUBACK) measures throughput; open loop (a fixed
// offered rate on a 1 ms timer, whatever the broker does) measures latency without coordinated
// omission; a burst sends a fixed number per device.

import { RawClient, type Endpoint } from './client.js'
import type { BenchDevice } from './data.js'
import { mqttString, publishSize, writePublish } from './wire.js'

export interface Conn {
  client: RawClient
  dev: BenchDevice
  /** Length-prefixed topic name. */
  topic: Buffer
  nextId: number
  inflight: number
  /** Publishes to send after the current read (closed loop refills). */
  owed: number
  /** performance.now() at send, milliseconds, by message id. */
  sentAt: Float64Array
  /** Canonical events each in-flight message becomes, by message id. */
  events: Uint8Array
}

export interface FleetOptions {
  /** Topic of a device: prefix + stores/{storeId}/devices/{id}/{stream}. */
  topicOf (dev: BenchDevice): string
  clientIdOf (dev: BenchDevice): string
  /** Send device credentials (store-edge) or none (the anonymous Mosquitto). */
  auth: boolean
  keepaliveS: number
  /** Connections opened at once. */
  concurrency?: number
}

/** What a fleet publishes: one payload per call for the device's stream (data.ts Traffic, or a bench's own mix). */
export interface PayloadSource {
  next (dev: BenchDevice): string
  /** Canonical events the last payload becomes (a POS basket is one per line). */
  lastEvents: number
}

type Mode = 'idle' | 'closed' | 'drain'

/** A growable list of latency samples, milliseconds. */
export class Samples {
  private buf = new Float64Array(1 << 16)
  n = 0
  push (v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2)
      next.set(this.buf)
      this.buf = next
    }
    this.buf[this.n++] = v
  }

  percentiles (): { p50: number, p90: number, p99: number, max: number, mean: number, n: number } {
    const s = this.buf.slice(0, this.n).sort()
    const at = (q: number): number => s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]
    let sum = 0
    for (let i = 0; i < s.length; i++) sum += s[i]
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN, mean: s.length ? sum / s.length : NaN, n: s.length }
  }
}

export class Fleet {
  readonly conns: Conn[] = []
  mode: Mode = 'idle'
  window = 0
  sent = 0
  acked = 0
  ackedEvents = 0
  /** Latency samples of messages sent within [recordFrom, recordTo), or none. */
  samples: Samples | null = null
  recordFrom = Infinity
  recordTo = Infinity
  private drainWaiters: Array<() => void> = []
  inflightTotal = 0

  constructor (readonly traffic: PayloadSource) {}

  static async connect (ep: Endpoint, devices: BenchDevice[], traffic: PayloadSource, o: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(traffic)
    const concurrency = o.concurrency ?? 64
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < devices.length) {
        const dev = devices[next++]
        const conn: Conn = {
          client: null as unknown as RawClient,
          dev,
          topic: mqttString(o.topicOf(dev)),
          nextId: 1,
          inflight: 0,
          owed: 0,
          sentAt: new Float64Array(65536),
          events: new Uint8Array(65536)
        }
        conn.client = await RawClient.open(ep, {
          clientId: o.clientIdOf(dev),
          ...(o.auth ? { username: dev.id, password: dev.secret } : {}),
          keepaliveS: o.keepaliveS,
          clean: true
        }, {
          puback: (id) => fleet.onPuback(conn, id),
          afterRead: () => { if (conn.owed > 0) { const n = conn.owed; conn.owed = 0; fleet.send(conn, n) } }
        })
        fleet.conns.push(conn)
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, worker))
    } catch (err) {
      // One refused or timed-out connection fails the phase; stop the others, close what is open.
      next = devices.length
      await fleet.close()
      throw err
    }
    return fleet
  }

  private onPuback (conn: Conn, id: number): void {
    const now = performance.now()
    conn.inflight--
    this.inflightTotal--
    this.acked++
    this.ackedEvents += conn.events[id]
    const at = conn.sentAt[id]
    if (this.samples !== null && at >= this.recordFrom && at < this.recordTo) this.samples.push(now - at)
    if (this.mode === 'closed') conn.owed++
    else if (this.inflightTotal === 0 && this.drainWaiters.length > 0) {
      const w = this.drainWaiters
      this.drainWaiters = []
      for (const f of w) f()
    }
  }

  /** Builds n publishes into one buffer and writes it. */
  send (conn: Conn, n: number): void {
    if (conn.client.closed || n <= 0) return
    const payloads: string[] = new Array(n)
    const events: number[] = new Array(n)
    let size = 0
    for (let i = 0; i < n; i++) {
      payloads[i] = this.traffic.next(conn.dev)
      events[i] = this.traffic.lastEvents
      size += publishSize(conn.topic, payloads[i])
    }
    const out = Buffer.allocUnsafe(size)
    let off = 0
    const now = performance.now()
    for (let i = 0; i < n; i++) {
      const id = conn.nextId
      conn.nextId = id === 65535 ? 1 : id + 1
      conn.sentAt[id] = now
      conn.events[id] = events[i]
      off = writePublish(out, off, conn.topic, id, payloads[i])
    }
    conn.inflight += n
    this.inflightTotal += n
    this.sent += n
    conn.client.queue(out)
    conn.client.flush()
  }

  /** Resolves when every publish sent has its PUBACK (or after timeoutMs, with what is missing). */
  drain (timeoutMs: number): Promise<number> {
    if (this.mode === 'closed') this.mode = 'drain'
    if (this.inflightTotal === 0) return Promise.resolve(0)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.inflightTotal), timeoutMs)
      this.drainWaiters.push(() => { clearTimeout(timer); resolve(0) })
    })
  }

  async close (): Promise<void> {
    await Promise.all(this.conns.map((c) => c.client.close()))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export interface WindowCounts { acked: number, events: number, seconds: number }

/** Phase 1: every device keeps `window` publishes in flight; counts PUBACKs in the measured window. */
export async function closedLoop (fleet: Fleet, window: number, warmupMs: number, durationMs: number,
  hooks: { atStart?: () => Promise<void> | void, atEnd?: () => Promise<void> | void } = {}): Promise<WindowCounts & { latency: ReturnType<Samples['percentiles']>, unacked: number, perSecond: number[] }> {
  fleet.mode = 'closed'
  fleet.window = window
  fleet.samples = new Samples()
  for (const c of fleet.conns) fleet.send(c, window)
  await sleep(warmupMs)
  await hooks.atStart?.()
  const a0 = fleet.acked
  const e0 = fleet.ackedEvents
  const t0 = performance.now()
  fleet.recordFrom = t0
  fleet.recordTo = t0 + durationMs
  // Events acknowledged in each second of the window: shows a rate that drifts as the database grows.
  const perSecond: number[] = []
  let last = e0
  const ticker = setInterval(() => { perSecond.push(fleet.ackedEvents - last); last = fleet.ackedEvents }, 1000)
  await sleep(durationMs)
  clearInterval(ticker)
  const a1 = fleet.acked
  const e1 = fleet.ackedEvents
  const t1 = performance.now()
  await hooks.atEnd?.()
  const unacked = await fleet.drain(30000)
  fleet.mode = 'idle'
  const latency = fleet.samples.percentiles()
  fleet.samples = null
  return { acked: a1 - a0, events: e1 - e0, seconds: (t1 - t0) / 1000, latency, unacked, perSecond }
}

/**
 * Phase 2: `rate` messages/s offered on a 1 ms timer, round robin over the devices, whatever the
 * PUBACKs do (open loop). Latency is of the messages sent after the warm-up.
 */
export async function openLoop (fleet: Fleet, rate: number, warmupMs: number, durationMs: number,
  hooks: { atStart?: () => Promise<void> | void, atEnd?: () => Promise<void> | void } = {}): Promise<{ offered: number, latency: ReturnType<Samples['percentiles']>, unacked: number, seconds: number }> {
  fleet.mode = 'idle'
  fleet.samples = new Samples()
  const start = performance.now()
  fleet.recordFrom = start + warmupMs
  fleet.recordTo = start + warmupMs + durationMs
  let due = 0
  let rr = 0
  let sentInWindow = 0
  const touched = new Set<Conn>()
  let resolveDone!: () => void
  const done = new Promise<void>((resolve) => { resolveDone = resolve })
  const timer = setInterval(() => {
    const now = performance.now()
    if (now >= fleet.recordTo) { clearInterval(timer); resolveDone(); return }
    const target = Math.floor(rate * (now - start) / 1000)
    const n = target - due
    due = target
    for (let i = 0; i < n; i++) {
      const c = fleet.conns[rr]
      rr = (rr + 1) % fleet.conns.length
      c.owed++
      touched.add(c)
    }
    if (now >= fleet.recordFrom) sentInWindow += n
    for (const c of touched) { const k = c.owed; c.owed = 0; fleet.send(c, k) }
    touched.clear()
  }, 1)
  await sleep(warmupMs)
  await hooks.atStart?.()
  await done
  await hooks.atEnd?.()
  const unacked = await fleet.drain(30000)
  const latency = fleet.samples.percentiles()
  fleet.samples = null
  return { offered: sentInWindow / (durationMs / 1000), latency, unacked, seconds: durationMs / 1000 }
}

/** Phase 3 traffic: `perDevice` publishes from every device at once; resolves when all are acked. */
export async function burst (fleet: Fleet, perDevice: number, timeoutMs: number): Promise<{ acked: number, seconds: number, unacked: number }> {
  fleet.mode = 'idle'
  const a0 = fleet.acked
  const t0 = performance.now()
  for (const c of fleet.conns) fleet.send(c, perDevice)
  const unacked = await fleet.drain(timeoutMs)
  return { acked: fleet.acked - a0, seconds: (performance.now() - t0) / 1000, unacked }
}
