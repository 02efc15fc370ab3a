// The live scoring bench's load: what each device of the fleet publishes, in the shipped profiles'
// shapes. POS lanes send baskets of 1-4 lines, half of the lines on fast movers (a fresh sale for
// the fast tier) and half on the rest of the range (mostly not fresh: a slow seller's sale waits
// for the slow tier, unless its last hour is a spike); shelf cameras send gap detections and
// handhelds cycle counts, half of each on fast movers. Probe SKUs are left out: the end-to-end
// probes (scoring-probe.ts) must be the only gaps they see. Event time is the server's simulated
// clock as the bench drives it (sim-clock.ts). Ids are unique across the run.

import { Rng, type BenchDevice } from './data.js'
import type { PayloadSource } from './load.js'
import type { ScoringItem } from './scoring-store.js'

/** Share of basket lines, gaps and counts on fast movers. */
const FAST_SHARE = 0.5

export class ScoringTraffic implements PayloadSource {
  private readonly rng = new Rng(2024)
  private readonly fast: ScoringItem[]
  private readonly other: ScoringItem[]
  private seq = 0
  lastEvents = 1
  /** Canonical events offered, by type. */
  readonly offered = { sale: 0, gap_detected: 0, cycle_count: 0 }

  constructor (items: ScoringItem[], private readonly tag: string, private readonly nowMs: () => number) {
    this.fast = items.filter((i) => i.role === 'fast')
    this.other = items.filter((i) => i.role === 'other')
  }

  private pick (): ScoringItem {
    const from = this.rng.next() < FAST_SHARE ? this.fast : this.other
    return from[this.rng.int(from.length)]
  }

  next (dev: BenchDevice): string {
    const n = ++this.seq
    const now = Math.round(this.nowMs())
    const id = `${dev.id}-${this.tag}-${n}`
    if (dev.kind === 'pos') {
      const lines = 1 + this.rng.int(4)
      let text = ''
      for (let l = 1; l <= lines; l++) {
        const it = this.pick()
        // Every other line by GTIN (scanned), the rest by SKU (keyed in); 1-2 units.
        const key = l % 2 === 1 ? `"gtin":"${it.gtin}"` : `"sku":"${it.sku}"`
        text += `${l > 1 ? ',' : ''}{"lineNo":${l},${key},"qty":${1 + this.rng.int(2)},"price":${it.price}}`
      }
      this.lastEvents = lines
      this.offered.sale += lines
      return `{"txnId":"${id}","ts":"${new Date(now).toISOString()}","lane":"${dev.id.slice(4)}","lines":[${text}]}`
    }
    this.lastEvents = 1
    const it = this.pick()
    if (dev.kind === 'camera') {
      this.offered.gap_detected++
      return gapPayload(id, now, it, this.rng)
    }
    this.offered.cycle_count++
    return `{"msgId":"${id}","ts":${now},"sku":"${it.sku}","location":"${it.home}","counted":${this.rng.int(it.capacity + 1)}}`
  }
}

/** A shelf camera's gap detection at the item's home bay, the item first among the candidates. */
export function gapPayload (id: string, nowMs: number, it: ScoringItem, rng: Rng): string {
  return `{"detId":"${id}","ts":"${new Date(nowMs).toISOString()}","bay":"${it.home}","facing":${1 + rng.int(6)},` +
    `"gapRatio":${(0.3 + rng.next() * 0.7).toFixed(2)},"confidence":${(0.6 + rng.next() * 0.4).toFixed(2)},"candidates":["${it.sku}"]}`
}

/** Canonical events per message of a fleet with this mix (a basket averages 2.5 lines). */
export function eventsPerMessage (mix: { pos: number, camera: number, handheld: number }): number {
  return (mix.pos * 2.5 + mix.camera + mix.handheld) / (mix.pos + mix.camera + mix.handheld)
}
