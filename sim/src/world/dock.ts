// Receiving: deliveries arrive as cartons that wait at the dock until an associate puts them away.
// A carton holds what really came (a short, over or wrong-item delivery differs from the order);
// the paperwork (the supplier's advance ship notice) says what was ordered.

export interface Carton {
  id: string
  /** The item really inside. */
  sku: string
  units: number
  arrivedAt: number
}

export interface Delivery {
  id: string
  arrivedAt: number
  /** The advance ship notice: what the supplier says it sent (= the order). */
  asn: Array<{ sku: string, cases: number, units: number }>
  cartons: Carton[]
}

export class Dock {
  private readonly cartons = new Map<string, Carton>()

  arrive (d: Delivery): void {
    for (const c of d.cartons) this.cartons.set(c.id, c)
  }

  /** Takes a carton off the dock (to put it away); undefined if it is gone already. */
  take (id: string): Carton | undefined {
    const c = this.cartons.get(id)
    if (c) this.cartons.delete(id)
    return c
  }

  peek (id: string): Carton | undefined { return this.cartons.get(id) }

  /** Cartons of one item, oldest first, until they hold at least `units` (at least one carton if any). */
  takeOf (sku: string, units: number): Carton[] {
    const out: Carton[] = []
    let got = 0
    for (const c of [...this.cartons.values()].sort((a, b) => a.arrivedAt - b.arrivedAt || (a.id < b.id ? -1 : 1))) {
      if (c.sku !== sku) continue
      if (out.length > 0 && got >= units) break
      out.push(c)
      got += c.units
      this.cartons.delete(c.id)
    }
    return out
  }

  /** Units of one item waiting, in all its cartons. */
  unitsOf (sku: string): number {
    let n = 0
    for (const c of this.cartons.values()) if (c.sku === sku) n += c.units
    return n
  }

  /** Cartons of one item waiting. */
  countOf (sku: string): number {
    let n = 0
    for (const c of this.cartons.values()) if (c.sku === sku) n++
    return n
  }

  get waiting (): number { return this.cartons.size }
}
