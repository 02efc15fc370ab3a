// Episodes per SKU position: a condition (shelf empty, phantom stock) starts holding at some time and
// stops at a later one. One Float64Array slot per SKU, NaN when no episode is open, so checking a SKU
// on every tick allocates nothing.

export class Episodes {
  private readonly since: Float64Array
  /** Lengths of closed episodes, milliseconds. */
  readonly closed: number[] = []
  /** Episodes ever opened, closed or not. */
  opened = 0
  /** Episodes open now. */
  open = 0

  constructor (skus: number) {
    this.since = new Float64Array(skus).fill(NaN)
  }

  /** The condition holds for SKU `i` at `t`: opens an episode unless one is open already. */
  holds (i: number, t: number): void {
    if (!Number.isNaN(this.since[i])) return
    this.since[i] = t
    this.opened++
    this.open++
  }

  /** The condition does not hold for SKU `i` at `t`: closes its episode, if one is open. */
  clears (i: number, t: number): void {
    const s = this.since[i]
    if (Number.isNaN(s)) return
    this.closed.push(t - s)
    this.since[i] = NaN
    this.open--
  }

  /** Lengths (ms) of the episodes still open, measured to `t`. */
  openLengths (t: number): number[] {
    const out: number[] = []
    for (const s of this.since) if (!Number.isNaN(s)) out.push(t - s)
    return out
  }
}
