// End-to-end probes of the fast tier, from the bench's side: a gap detection published on its own
// camera connection for a probe SKU (one the load never touches), then GET /api/v1/items/{sku}
// back to back until the score of its home shelf counts that gap (the vector's gaps_24h went up):
// publish -> PUBACK (committed) -> a score that includes the event, as a client would see it.
// One probe at a time, `perSecond` of them; the time is the arrival of the poll that showed the
// new score, so it includes up to one poll round trip of resolution (pollStepMs says how much).

import { RawClient, type Endpoint } from './client.js'
import { Rng, type BenchDevice } from './data.js'
import { Samples } from './load.js'
import { gapPayload } from './scoring-traffic.js'
import type { ScoringItem } from './scoring-store.js'
import { sleep } from './sysinfo.js'
import { mqttString, publishSize, writePublish } from './wire.js'

interface ShelfScore { location: string, tier: 'fast' | 'slow', scoredAt: string, features: Record<string, number> }

export interface ProbeFigures {
  n: number
  /** Publish to the poll that saw a score counting the gap, ms. */
  toScored: ReturnType<Samples['percentiles']>
  /** Publish to PUBACK (the event committed), ms. */
  toAck: ReturnType<Samples['percentiles']>
  /** PUBACK to the poll that saw the score, ms (0 when the score was seen first): the part after the commit. */
  ackToScored: ReturnType<Samples['percentiles']>
  /** Mean time between the poll that saw the score and the one before it, ms (the resolution). */
  pollStepMs: number
  meanPolls: number
  /** Which tier made the score the probe saw. */
  tiers: Record<string, number>
  timeouts: number
  skipped: number
  /** Each probe: when it was published (performance.now(), ms), to PUBACK and to the score seen, ms. */
  each: Array<{ at: number, ackMs: number, scoredMs: number, tier: string }>
}

export class Probes {
  private client: RawClient | null = null
  private readonly topic: Buffer
  private readonly rng = new Rng(31337)
  private readonly pool: ScoringItem[]
  private next = 0
  private mid = 0
  private acks = new Map<number, () => void>()
  private running = false
  private loop: Promise<void> | null = null
  private readonly toScored = new Samples()
  private readonly toAck = new Samples()
  private steps = 0
  private stepSum = 0
  private polls = 0
  private readonly tiers: Record<string, number> = {}
  private timeouts = 0
  private skipped = 0
  private readonly each: ProbeFigures['each'] = []

  constructor (private readonly o: {
    baseUrl: string
    ep: Endpoint
    storeId: string
    camera: BenchDevice
    items: ScoringItem[]
    simNow: () => number
    perSecond: number
    timeoutMs: number
  }) {
    this.topic = mqttString(`stores/${o.storeId}/devices/${o.camera.id}/${o.camera.stream}`)
    this.pool = o.items.filter((i) => i.role === 'probe')
  }

  async connect (): Promise<void> {
    this.client = await RawClient.open(this.o.ep, { clientId: this.o.camera.id, username: this.o.camera.id, password: this.o.camera.secret, keepaliveS: 60, clean: true }, {
      puback: (id) => { const f = this.acks.get(id); this.acks.delete(id); f?.() }
    })
  }

  start (): void {
    this.running = true
    this.loop = (async () => {
      while (this.running) {
        const t = performance.now()
        await this.one()
        const wait = 1000 / this.o.perSecond - (performance.now() - t)
        if (wait > 0 && this.running) await sleep(wait)
      }
    })()
  }

  /** Stops after the probe in flight. */
  async stop (): Promise<void> {
    this.running = false
    await this.loop
  }

  async close (): Promise<void> {
    await this.client?.close()
  }

  private async shelfScore (it: ScoringItem): Promise<ShelfScore | undefined> {
    const res = await fetch(`${this.o.baseUrl}/api/v1/items/${encodeURIComponent(it.sku)}`)
    const body = await res.json() as { risk?: ShelfScore[] }
    return body.risk?.find((r) => r.location === it.home)
  }

  private async one (): Promise<void> {
    const it = this.pool[this.next++ % this.pool.length]
    const before = await this.shelfScore(it)
    if (before === undefined) { this.skipped++; return }
    const gaps = before.features.gaps_24h
    const id = this.mid = this.mid === 65535 ? 1 : this.mid + 1
    const payload = gapPayload(`cam-probe-${this.next}`, this.o.simNow(), it, this.rng)
    const buf = Buffer.allocUnsafe(publishSize(this.topic, payload))
    writePublish(buf, 0, this.topic, id, payload)
    let ackAt = NaN
    this.acks.set(id, () => { ackAt = performance.now() })
    const t0 = performance.now()
    this.client!.queue(buf)
    this.client!.flush()
    let last = t0
    let scoredMs = NaN
    let tier = 'timeout'
    for (;;) {
      const s = await this.shelfScore(it)
      const now = performance.now()
      this.polls++
      if (s !== undefined && s.features.gaps_24h > gaps) {
        scoredMs = now - t0
        tier = s.tier
        this.toScored.push(scoredMs)
        this.steps++
        this.stepSum += now - last
        this.tiers[s.tier] = (this.tiers[s.tier] ?? 0) + 1
        break
      }
      if (now - t0 > this.o.timeoutMs) { this.timeouts++; break }
      last = now
    }
    // The PUBACK is in long before the score in practice; wait for it if not.
    for (let i = 0; i < 1000 && Number.isNaN(ackAt) && !this.client!.closed; i++) await sleep(5)
    if (!Number.isNaN(ackAt)) this.toAck.push(ackAt - t0)
    this.each.push({ at: t0, ackMs: ackAt - t0, scoredMs, tier })
  }

  figures (): ProbeFigures {
    const toScored = this.toScored.percentiles()
    const after = new Samples()
    for (const x of this.each) if (!Number.isNaN(x.scoredMs) && !Number.isNaN(x.ackMs)) after.push(Math.max(0, x.scoredMs - x.ackMs))
    return {
      n: toScored.n,
      toScored,
      toAck: this.toAck.percentiles(),
      ackToScored: after.percentiles(),
      pollStepMs: this.steps ? this.stepSum / this.steps : NaN,
      meanPolls: toScored.n ? this.polls / (toScored.n + this.timeouts) : NaN,
      tiers: this.tiers,
      timeouts: this.timeouts,
      skipped: this.skipped,
      each: this.each
    }
  }
}
