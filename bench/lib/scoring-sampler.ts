// Reads the server once a second through the measured window: /metrics (event-loop lag, the fast
// tier's latency histogram, the slow tier's pass count) and RSS from /proc. prom-client resets its
// event-loop histogram on every collect, so each reading covers the second since the one before;
// the first reading (at the window's start) covers the warm-up and is kept apart.

import { histogram, sample, type Histogram } from './prom.js'
import { memoryOf, scrape } from './server.js'

export interface Reading {
  /** performance.now() at arrival, ms. */
  at: number
  text: string
  lagP99Ms: number
  lagMaxMs: number
  fast: Histogram
  slowPasses: number
  rssMB: number
}

export const FAST_METRIC = 'edge_risk_fast_latency_seconds'
export const SLOW_METRIC = 'edge_risk_scoring_seconds'

export class Sampler {
  readonly readings: Reading[] = []
  private timer: NodeJS.Timeout | null = null
  private busy: Promise<void> | null = null

  constructor (private readonly httpPort: number, private readonly pid: number) {}

  async read (): Promise<Reading> {
    const { text, at } = await scrape(this.httpPort)
    const r: Reading = {
      at,
      text,
      lagP99Ms: sample(text, 'edge_nodejs_eventloop_lag_p99_seconds') * 1000,
      lagMaxMs: sample(text, 'edge_nodejs_eventloop_lag_max_seconds') * 1000,
      fast: histogram(text, FAST_METRIC),
      slowPasses: sample(text, `${SLOW_METRIC}_count`, { tier: 'slow' }) || 0,
      rssMB: memoryOf(this.pid).rssMB
    }
    this.readings.push(r)
    return r
  }

  /** The first reading now, then one a second. */
  async start (): Promise<Reading> {
    const first = await this.read()
    this.timer = setInterval(() => { if (this.busy === null) this.busy = this.read().then(() => {}, () => {}).finally(() => { this.busy = null }) }, 1000)
    return first
  }

  /** Stops, and takes the last reading (the window's end). */
  async stop (): Promise<Reading> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.busy
    return await this.read()
  }
}
