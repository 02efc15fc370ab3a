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

  get waiting (): number { return this.cartons.size }
}
