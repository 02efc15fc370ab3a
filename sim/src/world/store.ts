// The physical truth of a simulated store: what is really on each shelf, in the backroom and in
// receiving, whatever the server believes. Units move only through the operations below, and each
// is counted, so conservation can be checked at any moment: start + delivered = sold + shrunk + here.

export interface SkuSpec {
  sku: string
  /** Units a full shelf holds. */
  shelfCapacity: number
  facings: number
  /** Units per case from the supplier. */
  casePack: number
  unitPrice: number
}

export interface SkuState {
  sku: string
  spec: SkuSpec
  shelf: number
  /** Backroom units where the record says they are: an associate sent to fetch them finds them. */
  backroom: number
  /** Backroom units put in the wrong spot: physically here, found only by a thorough count. */
  misplaced: number
  /** Units delivered and waiting in receiving to be put away. */
  receiving: number
}

export interface Flows {
  delivered: number
  sold: number
  /** Unrecorded losses: theft, damage. */
  shrunk: number
  lostSales: number
  lostRevenue: number
}

export class StoreWorld {
  private readonly skus = new Map<string, SkuState>()
  readonly flows: Flows = { delivered: 0, sold: 0, shrunk: 0, lostSales: 0, lostRevenue: 0 }
  private startUnits = 0

  constructor (specs: readonly SkuSpec[], initial: (spec: SkuSpec) => { shelf: number, backroom: number }) {
    for (const spec of specs) {
      const { shelf, backroom } = initial(spec)
      if (shelf < 0 || backroom < 0 || shelf > spec.shelfCapacity) throw new RangeError(`${spec.sku}: initial stock out of range`)
      this.skus.set(spec.sku, { sku: spec.sku, spec, shelf, backroom, misplaced: 0, receiving: 0 })
      this.startUnits += shelf + backroom
    }
  }

  state (sku: string): Readonly<SkuState> {
    const s = this.skus.get(sku)
    if (!s) throw new RangeError(`unknown SKU ${sku}`)
    return s
  }

  list (): Iterable<Readonly<SkuState>> { return this.skus.values() }

  /** A customer wants `qty`: they take what the shelf has; the rest is a lost sale, whatever the backroom holds. */
  sell (sku: string, qty: number): { sold: number, lost: number } {
    const s = this.mutable(sku)
    const sold = Math.min(qty, s.shelf)
    s.shelf -= sold
    const lost = qty - sold
    this.flows.sold += sold
    this.flows.lostSales += lost
    this.flows.lostRevenue += lost * s.spec.unitPrice
    return { sold, lost }
  }

  /** Units vanish from the shelf unrecorded (theft, damage): the source of phantom inventory. */
  shrink (sku: string, qty: number): number {
    const s = this.mutable(sku)
    const gone = Math.min(qty, s.shelf)
    s.shelf -= gone
    this.flows.shrunk += gone
    return gone
  }

  /** A delivery of whole cases lands in receiving. */
  deliver (sku: string, cases: number): number {
    return this.deliverUnits(sku, cases * this.mutable(sku).spec.casePack)
  }

  /** Units that really arrived (a short or over shipment is not whole cases of what was ordered). */
  deliverUnits (sku: string, units: number): number {
    const s = this.mutable(sku)
    s.receiving += units
    this.flows.delivered += units
    return units
  }

  /**
   * Receiving to backroom, as much as is waiting; `misplaced` of the moved units go to the wrong
   * spot (in the backroom, not where the record says).
   */
  putAway (sku: string, qty: number, misplaced = 0): number {
    const s = this.mutable(sku)
    const moved = Math.min(qty, s.receiving)
    const lost = Math.min(moved, Math.max(0, misplaced))
    s.receiving -= moved
    s.backroom += moved - lost
    s.misplaced += lost
    return moved
  }

  /** Receiving straight to the shelf, up to the room on it; what does not fit goes to the backroom. */
  shelve (sku: string, qty: number): { shelf: number, backroom: number } {
    const s = this.mutable(sku)
    const moved = Math.min(qty, s.receiving)
    const shelf = Math.min(moved, s.spec.shelfCapacity - s.shelf)
    s.receiving -= moved
    s.shelf += shelf
    s.backroom += moved - shelf
    return { shelf, backroom: moved - shelf }
  }

  /** A thorough backroom count finds misplaced units and puts them where they belong. */
  findMisplaced (sku: string): number {
    const s = this.mutable(sku)
    const found = s.misplaced
    s.backroom += found
    s.misplaced = 0
    return found
  }

  /** Backroom to shelf, up to what the backroom has and the shelf holds. */
  fill (sku: string, qty: number): number {
    const s = this.mutable(sku)
    const moved = Math.min(qty, s.backroom, s.spec.shelfCapacity - s.shelf)
    s.backroom -= moved
    s.shelf += moved
    return moved
  }

  /** Units in the store now, everywhere. */
  unitsHere (): number {
    let n = 0
    for (const s of this.skus.values()) n += s.shelf + s.backroom + s.misplaced + s.receiving
    return n
  }

  /** Nothing appears or vanishes except through deliveries, sales and shrink. */
  conserved (): boolean {
    return this.startUnits + this.flows.delivered === this.flows.sold + this.flows.shrunk + this.unitsHere()
  }

  private mutable (sku: string): SkuState {
    const s = this.skus.get(sku)
    if (!s) throw new RangeError(`unknown SKU ${sku}`)
    return s
  }
}
