// The day-level view of a run: which SKUs ran empty on which day (the stockout rate counts SKU-days)
// and the per-day OSA and record-accuracy series. Flags are one byte per SKU, cleared once a day.

export interface DailySeries {
  /** Mean record accuracy over the day's snapshots, %. */
  recordAccuracyPct: number[]
  /** Share of the day's (SKU, open tick) pairs with stock on the shelf, %. */
  osaPct: number[]
}

export class Days {
  /** SKU-days with at least one open tick, and those among them with the shelf empty at one. */
  skuDays = 0
  stockoutSkuDays = 0
  /** SKU-days with none of the SKU anywhere in the store (shelf, backroom, dock) at an open tick: what ordering alone decides. */
  storeStockoutSkuDays = 0
  private readonly seenToday: Uint8Array
  private readonly emptyToday: Uint8Array
  private readonly storeEmptyToday: Uint8Array
  private pairs = 0; private stocked = 0; private snapshots = 0; private accuracy = 0
  private lastDay = -1
  private readonly ended: DailySeries = { recordAccuracyPct: [], osaPct: [] }

  constructor (skus: number) {
    this.seenToday = new Uint8Array(skus)
    this.emptyToday = new Uint8Array(skus)
    this.storeEmptyToday = new Uint8Array(skus)
  }

  /** SKU `i` seen at an open tick, its shelf stocked or not, and whether the store holds any (default: the shelf's). */
  tick (i: number, stocked: boolean, inStore = stocked): void {
    if (!inStore && this.storeEmptyToday[i] === 0) { this.storeEmptyToday[i] = 1; this.storeStockoutSkuDays++ }
    this.pairs++
    if (this.seenToday[i] === 0) { this.seenToday[i] = 1; this.skuDays++ }
    if (stocked) this.stocked++
    else if (this.emptyToday[i] === 0) { this.emptyToday[i] = 1; this.stockoutSkuDays++ }
  }

  /** A record snapshot today found `sharePct` of SKUs accurate. */
  snapshot (sharePct: number): void {
    this.snapshots++
    this.accuracy += sharePct
  }

  end (day: number): void {
    if (!Number.isInteger(day) || day <= this.lastDay) throw new RangeError(`day ${day} ended out of order (last ended ${this.lastDay})`)
    this.push(this.ended, day)
    this.lastDay = day
    this.pairs = 0; this.stocked = 0; this.snapshots = 0; this.accuracy = 0
    this.seenToday.fill(0)
    this.emptyToday.fill(0)
    this.storeEmptyToday.fill(0)
  }

  /** One entry per day, NaN for a day without ticks or snapshots; a day in progress comes last. */
  series (): DailySeries {
    const out = { recordAccuracyPct: [...this.ended.recordAccuracyPct], osaPct: [...this.ended.osaPct] }
    if (this.pairs > 0 || this.snapshots > 0) this.push(out, this.lastDay + 1)
    return out
  }

  private push (into: DailySeries, day: number): void {
    while (into.osaPct.length < day) { into.osaPct.push(NaN); into.recordAccuracyPct.push(NaN) }
    into.osaPct.push(this.pairs === 0 ? NaN : this.stocked / this.pairs * 100)
    into.recordAccuracyPct.push(this.snapshots === 0 ? NaN : this.accuracy / this.snapshots)
  }
}
