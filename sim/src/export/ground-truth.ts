// Ground truth for model training (models/): per SKU shelf and open hour, the features the server
// could see at that moment (its record, the POS sales and camera gaps it received, master data and
// the calendar) and what really happened next: was the shelf empty at any open minute within the
// next `horizonH` hours. Written as CSV, one row per SKU-hour, as the run goes.

import { createWriteStream, type WriteStream } from 'node:fs'
import type { HourObserver } from '../engine/run.js'
import type { SimSku } from '../layout.js'
import type { Now, Policy } from '../policy/policy.js'
import type { StoreWorld } from '../world/store.js'

export const GROUND_TRUTH_COLUMNS = [
  'ts', 'day', 'hour', 'dow', 'sku', 'location',
  'record_shelf', 'record_backroom', 'record_receiving',
  'sales_1h', 'sales_4h', 'sales_24h', 'gaps_4h',
  'price', 'shelf_capacity', 'case_pack', 'mean_daily',
  'truth_shelf', 'empty_next_h'
] as const

interface Pending { t: number, sku: number, line: string, emptyAt: number }

export class GroundTruthExport implements HourObserver {
  private readonly out: WriteStream
  private readonly index = new Map<string, number>()
  /** Units sold per SKU per hour of the run (ring of 24 hours). */
  private readonly salesByHour: Uint32Array[]
  private readonly gapsByHour: Uint32Array[]
  /** Open minutes each SKU's shelf has been empty since the start (cumulative). */
  private readonly emptyMinutes: Float64Array
  private pending: Pending[] = []
  rows = 0

  constructor (file: string, private readonly skus: readonly SimSku[], private readonly horizonH = 4) {
    skus.forEach((s, i) => this.index.set(s.sku, i))
    this.salesByHour = Array.from({ length: 24 }, () => new Uint32Array(skus.length))
    this.gapsByHour = Array.from({ length: 24 }, () => new Uint32Array(skus.length))
    this.emptyMinutes = new Float64Array(skus.length)
    this.out = createWriteStream(file)
    this.out.write(GROUND_TRUTH_COLUMNS.join(',') + '\n')
  }

  sold (now: Now, sku: SimSku, qty: number): void {
    this.salesByHour[this.slot(now.t)][sku.index] += qty
  }

  gap (now: Now, sku: SimSku): void {
    this.gapsByHour[this.slot(now.t)][sku.index] += 1
  }

  openTick (_now: Now, world: StoreWorld): void {
    let i = 0
    for (const st of world.list()) {
      if (st.shelf === 0) this.emptyMinutes[i]++
      i++
    }
  }

  hour (now: Now, world: StoreWorld, policy: Policy): void {
    this.settle(now.t)
    const h = Math.floor(now.minute / 60)
    const dow = new Date(now.t).getUTCDay()
    const slotNow = this.slot(now.t)
    // The hour just begun has had no sales yet: clear its slot of what it held a day ago.
    this.salesByHour[slotNow].fill(0)
    this.gapsByHour[slotNow].fill(0)
    for (const s of this.skus) {
      const r = policy.record(s.sku)
      const sum = (rings: Uint32Array[], hours: number): number => {
        let n = 0
        for (let k = 1; k <= hours; k++) n += rings[(slotNow - k + 24) % 24][s.index]
        return n
      }
      const line = [
        new Date(now.t).toISOString(), now.day, h, dow, s.sku, s.shelfLocation,
        r?.shelf ?? '', r?.backroom ?? '', r?.receiving ?? '',
        sum(this.salesByHour, 1), sum(this.salesByHour, 4), sum(this.salesByHour, 23), sum(this.gapsByHour, 4),
        s.unitPrice, s.shelfCapacity, s.casePack, s.meanDaily.toFixed(3),
        world.state(s.sku).shelf
      ].join(',')
      this.pending.push({ t: now.t, sku: s.index, line, emptyAt: this.emptyMinutes[s.index] })
    }
  }

  close (): void {
    // Rows whose horizon runs past the end of the run have no label: they are not written.
    this.pending = []
    this.out.end()
  }

  /** Writes the rows whose horizon has passed, labelled by whether the shelf was empty within it. */
  private settle (t: number): void {
    const horizonMs = this.horizonH * 3600000
    let k = 0
    for (; k < this.pending.length; k++) {
      const p = this.pending[k]
      if (p.t + horizonMs > t) break
      this.out.write(`${p.line},${this.emptyMinutes[p.sku] > p.emptyAt ? 1 : 0}\n`)
      this.rows++
    }
    if (k > 0) this.pending = this.pending.slice(k)
  }

  private slot (t: number): number {
    return Math.floor(t / 3600000) % 24
  }
}
