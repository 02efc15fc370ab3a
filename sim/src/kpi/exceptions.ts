// Exceptions (something in the world made the record diverge for a SKU) waiting for the record to
// match truth again. Opening times are kept per SKU position; most SKUs never have one.

export class OpenExceptions {
  opened = 0
  resolved = 0
  /** Summed opening-to-resolution time of resolved exceptions, ms. */
  resolutionMs = 0
  private readonly bySku: Array<number[] | undefined>

  constructor (skus: number) {
    this.bySku = new Array<number[] | undefined>(skus).fill(undefined)
  }

  open (i: number, t: number): void {
    this.opened++
    const list = this.bySku[i]
    if (list === undefined) this.bySku[i] = [t]
    else list.push(t)
  }

  /** Record equals truth for SKU `i` at snapshot `t`: every exception opened by then is resolved. */
  matched (i: number, t: number): void {
    const list = this.bySku[i]
    if (list === undefined || list.length === 0) return
    let kept = 0
    for (const opened of list) {
      if (opened <= t) { this.resolved++; this.resolutionMs += t - opened } else list[kept++] = opened
    }
    list.length = kept
  }
}
