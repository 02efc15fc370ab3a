// Part (b) of bench:relay: many simulated stores posting to the relay at once, as the store's sender
// does (the same body {storeId, sentAt, events}, gzip'd by the sender's own gzipJson, posted by its
// own postJson with the store's token), closed loop: each store posts its next batch when the last
// one is acknowledged, seqs increasing. The bodies are built before the clock starts, so the load
// generator's CPU goes to HTTP only. A fake ERP webhook (node:http, 200 at once) takes what the
// relays forward.

import { createServer, type Server } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { gzipJson, postJson } from '../../edge/src/outbox/post.js'
import { LANE_OF, type OutboxRow } from '../../edge/src/store/outbox-rows.js'
import { Samples } from './load.js'
import { StoreDay } from './relay-events.js'
import { cpuSecondsOf } from './server.js'

export interface StoreLoad { storeId: string, token: string, bodies: Buffer[] }

/** `batches` gzip bodies of `perBatch` events for a store, seqs 1.. in order. */
export function storeBodies (storeId: string, seed: number, perBatch: number, batches: number): { bodies: Buffer[], rawBytes: number } {
  const start = Date.parse('2026-03-03T06:00:00Z')
  const day = new StoreDay(storeId, seed, (i) => start + i * 50)
  const bodies: Buffer[] = []
  let rawBytes = 0
  for (let b = 0; b < batches; b++) {
    const events: OutboxRow[] = []
    for (let k = 0; k < perBatch; k++) {
      const e = day.next()
      events.push({ seq: b * perBatch + k + 1, eventId: e.eventId, type: e.type, lane: LANE_OF[e.type], sku: e.sku, payload: e.payload, occurredAt: e.occurredAt, createdAt: e.createdAt! })
    }
    const body = { storeId, sentAt: new Date().toISOString(), events }
    rawBytes += JSON.stringify(body).length
    bodies.push(gzipJson(body))
  }
  return { bodies, rawBytes }
}

export interface FakeErp { url: string, received: () => number, close: () => Promise<void> }

/** The ERP webhook: reads each event and answers 200 at once; counts what it took. */
export function startFakeErp (): Promise<FakeErp> {
  let n = 0
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => { n++; res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }); res.end('{}') })
  })
  server.keepAliveTimeout = 60_000
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      resolve({
        url: `http://127.0.0.1:${port}/erp/events`,
        received: () => n,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
      })
    })
  })
}

/**
 * CPU of every PostgreSQL process (the server and its backends) over a window, cores: per pid, so a
 * backend that exits meanwhile takes nothing away. It includes other clients' backends, if any.
 */
export class PostgresCpu {
  private readonly t0 = performance.now()
  private readonly at0 = PostgresCpu.snapshot()

  private static snapshot (): Map<number, number> {
    const m = new Map<number, number>()
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue
      try { if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') m.set(Number(d), cpuSecondsOf(Number(d))) } catch { /* gone */ }
    }
    return m
  }

  cores (): number {
    let sum = 0
    for (const [pid, s] of PostgresCpu.snapshot()) if (Number.isFinite(s)) sum += s - (this.at0.get(pid) ?? 0)
    return sum / ((performance.now() - this.t0) / 1000)
  }
}

export interface LoadResult {
  seconds: number
  events: number
  batches: number
  eventsPerS: number
  /** Events acknowledged in each second of the run. */
  perSecond: number[]
  latencyMs: { p50: number, p90: number, p99: number, max: number, mean: number, n: number }
  errors: number
  firstError: string | null
  /** The five slowest batches: which store, its n-th batch, post to answer, and when it was posted (s into the run). */
  slowest: Array<{ storeId: string, batch: number, ms: number, atS: number }>
}

/**
 * Every store posts its bodies one after the other (closed loop), batch b of store i to relay
 * (i + b) % relays (behind a load balancer a store meets every relay); returns when all are acknowledged.
 */
export async function runLoad (stores: StoreLoad[], relayUrls: string[], perBatch: number, onTick?: (acked: number) => void): Promise<LoadResult> {
  const samples = new Samples()
  const perSecond: number[] = []
  let acked = 0
  let batches = 0
  let errors = 0
  let firstError: string | null = null
  let slowest: LoadResult['slowest'] = []
  const t0 = performance.now()
  const tick = setInterval(() => onTick?.(acked), 5000)
  await Promise.all(stores.map(async (s, i) => {
    for (let b = 0; b < s.bodies.length; b++) {
      const url = `${relayUrls[(i + b) % relayUrls.length]}/v1/stores/${s.storeId}/batches`
      for (let attempt = 0; ; attempt++) {
        const t = performance.now()
        let ok = false
        try {
          const res = await postJson(url, s.token, s.bodies[b], 60_000)
          const ack = res.status === 200 ? JSON.parse(res.body) as { stored: number, duplicates: number } : null
          ok = ack !== null && ack.stored + ack.duplicates === perBatch
          if (!ok) { errors++; firstError ??= `${res.status} ${res.body.slice(0, 300)}` }
        } catch (err) {
          errors++
          firstError ??= (err as Error).message
        }
        const done = performance.now()
        if (ok) {
          samples.push(done - t)
          if (slowest.length < 5 || done - t > slowest[4].ms) {
            slowest = [...slowest, { storeId: s.storeId, batch: b, ms: Math.round(done - t), atS: Math.round((t - t0) / 100) / 10 }].sort((x, y) => y.ms - x.ms).slice(0, 5)
          }
          acked += perBatch
          batches++
          const sec = Math.floor((done - t0) / 1000)
          while (perSecond.length <= sec) perSecond.push(0)
          perSecond[sec] += perBatch
          break
        }
        if (attempt >= 5) throw new Error(`store ${s.storeId} batch ${b}: not acknowledged after ${attempt + 1} tries: ${firstError ?? ''}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }))
  clearInterval(tick)
  const seconds = (performance.now() - t0) / 1000
  return { seconds, events: acked, batches, eventsPerS: acked / seconds, perSecond, latencyMs: samples.percentiles(), errors, firstError, slowest }
}
