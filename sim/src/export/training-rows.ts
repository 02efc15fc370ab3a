// Training rows for the shelf-risk model (models/shelf-risk): per SKU shelf and open hour, the
// server's own feature vector at that moment (FeatureBook, the code the server scores with) and
// the truth that followed: 1 when the shelf was really empty at some open minute within the next
// HORIZON_H hours. Rows are written once their horizon has passed; rows whose horizon runs past the
// end of the run have no label and are not written.

import { createWriteStream, type WriteStream } from 'node:fs'
import type { FeatureBook } from '../../../edge/src/scoring/features/book.js'
import { FEATURE_COUNT, FEATURE_NAMES, HORIZON_H } from '../../../edge/src/scoring/spec.js'
import type { HourObserver } from '../engine/run.js'
import type { SimSku } from '../layout.js'
import type { Now } from '../policy/policy.js'
import type { StoreWorld } from '../world/store.js'

export const ID_COLUMNS = ['seed', 'policy', 'scenario', 'store', 'category', 'sku', 'location', 'ts'] as const
export const TRAINING_COLUMNS = [...ID_COLUMNS, ...FEATURE_NAMES, 'label'] as const

export interface RunTag { seed: number, policy: string, scenario: string, store: string }

interface Pending { t: number, sku: number, line: string, emptyAt: number }

/** Opens a CSV file with the header, or appends to one already written by an earlier run. */
export function trainingFile (file: string, append: boolean): WriteStream {
  const out = createWriteStream(file, { flags: append ? 'a' : 'w' })
  if (!append) out.write(TRAINING_COLUMNS.join(',') + '\n')
  return out
}

export class TrainingRows implements HourObserver {
  /** Open minutes each SKU's shelf has been empty since the start (cumulative). */
  private readonly emptyMinutes: Float64Array
  private pending: Pending[] = []
  private readonly vec = new Float32Array(FEATURE_COUNT)
  rows = 0
  positives = 0

  constructor (private readonly out: WriteStream, private readonly book: FeatureBook, private readonly skus: readonly SimSku[], private readonly tag: RunTag) {
    this.emptyMinutes = new Float64Array(skus.length)
  }

  sold (): void {}
  gap (): void {}

  openTick (_now: Now, world: StoreWorld): void {
    let i = 0
    for (const st of world.list()) {
      if (st.shelf === 0) this.emptyMinutes[i]++
      i++
    }
  }

  hour (now: Now): void {
    this.settle(now.t)
    const ts = new Date(now.t).toISOString()
    const head = `${this.tag.seed},${this.tag.policy},${this.tag.scenario},${this.tag.store}`
    for (const s of this.skus) {
      this.book.vector(s.sku, s.shelfLocation, now.t, this.vec)
      let line = `${head},${s.category},${s.sku},${s.shelfLocation},${ts}`
      for (let i = 0; i < FEATURE_COUNT; i++) line += `,${round(this.vec[i])}`
      this.pending.push({ t: now.t, sku: s.index, line, emptyAt: this.emptyMinutes[s.index] })
    }
  }

  close (): void {
    this.pending = []
  }

  private settle (t: number): void {
    const horizonMs = HORIZON_H * 3600000
    let k = 0
    for (; k < this.pending.length; k++) {
      const p = this.pending[k]
      if (p.t + horizonMs > t) break
      const label = this.emptyMinutes[p.sku] > p.emptyAt ? 1 : 0
      this.out.write(`${p.line},${label}\n`)
      this.rows++
      this.positives += label
    }
    if (k > 0) this.pending = this.pending.slice(k)
  }
}

/** Six significant digits: float32 holds about seven, and the file stays small. */
function round (x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)))
}
