// The item master and locations, held in memory for ingest (a GTIN lookup per scan must not hit the
// disk). Reloaded after an import here, and when an import by another process (the CLI) bumped
// master_data_version.

import type { Database } from 'better-sqlite3'

export interface Item {
  sku: string
  description: string
  category: string | null
  casePack: number
  unitCost: number | null
  unitPrice: number | null
  unitWeightG: number | null
  shelfCapacity: number | null
  facings: number | null
  homeLocation: string | null
  leadTimeDays: number | null
  /** Days the supplier takes orders, 'mon'..'sun'; null = every day. */
  orderDays: OrderDay[] | null
  /** The supplier's minimum order, units; null = none. */
  minOrderUnits: number | null
  /** Units the backroom bin holds; null = not limited. */
  backroomCapacity: number | null
  supplier: string | null
  gtins: string[]
}

/** Weekdays as the item master writes them, Monday first. */
export const ORDER_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type OrderDay = typeof ORDER_DAYS[number]

/** The kinds the locations table allows (its CHECK constraint, migration 001). */
export const LOCATION_KINDS = ['shelf', 'backroom', 'receiving', 'other'] as const
export type LocationKind = typeof LOCATION_KINDS[number]

export interface Location {
  id: string
  kind: LocationKind
  description: string | null
  zone: string | null
}

interface ItemRow {
  sku: string
  description: string
  category: string | null
  case_pack: number
  unit_cost: number | null
  unit_price: number | null
  unit_weight_g: number | null
  shelf_capacity: number | null
  facings: number | null
  home_location: string | null
  lead_time_days: number | null
  order_days: string | null
  min_order_units: number | null
  backroom_capacity: number | null
  supplier: string | null
}

export function itemFromRow (r: ItemRow, gtins: string[]): Item {
  return {
    sku: r.sku,
    description: r.description,
    category: r.category,
    casePack: r.case_pack,
    unitCost: r.unit_cost,
    unitPrice: r.unit_price,
    unitWeightG: r.unit_weight_g,
    shelfCapacity: r.shelf_capacity,
    facings: r.facings,
    homeLocation: r.home_location,
    leadTimeDays: r.lead_time_days,
    orderDays: r.order_days === null ? null : r.order_days.split(',').filter((d): d is OrderDay => (ORDER_DAYS as readonly string[]).includes(d)),
    minOrderUnits: r.min_order_units,
    backroomCapacity: r.backroom_capacity,
    supplier: r.supplier,
    gtins
  }
}

export class Catalog {
  private items = new Map<string, Item>()
  private gtins = new Map<string, string>()
  private locations = new Map<string, Location>()
  private version = -1
  private readonly readVersion

  constructor (private readonly db: Database) {
    this.readVersion = db.prepare('SELECT version FROM master_data_version WHERE id = 1').pluck()
    this.reload()
  }

  reload (): void {
    // The version first: an import landing while we read makes the next check reload again.
    const version = this.readVersion.get() as number
    const items = new Map<string, Item>()
    const gtins = new Map<string, string>()
    const bySku = new Map<string, string[]>()
    for (const g of this.db.prepare('SELECT gtin, sku FROM item_gtins').all() as Array<{ gtin: string, sku: string }>) {
      gtins.set(g.gtin, g.sku)
      const list = bySku.get(g.sku)
      if (list) list.push(g.gtin)
      else bySku.set(g.sku, [g.gtin])
    }
    for (const r of this.db.prepare('SELECT * FROM items').iterate() as IterableIterator<ItemRow>) {
      items.set(r.sku, itemFromRow(r, bySku.get(r.sku) ?? []))
    }
    const locations = new Map<string, Location>()
    for (const l of this.db.prepare('SELECT id, kind, description, zone FROM locations').all() as Location[]) {
      locations.set(l.id, l)
    }
    this.items = items
    this.gtins = gtins
    this.locations = locations
    this.version = version
  }

  /** Reloads when an import (from any process) changed the master data since we last looked. */
  refreshIfChanged (): boolean {
    if (this.readVersion.get() === this.version) return false
    this.reload()
    return true
  }

  item (sku: string): Item | undefined { return this.items.get(sku) }
  /** Every item of the master, in no set order. */
  allItems (): IterableIterator<Item> { return this.items.values() }
  skuForGtin (gtin: string): string | undefined { return this.gtins.get(gtin) }
  location (id: string): Location | undefined { return this.locations.get(id) }
  get itemCount (): number { return this.items.size }
  get locationCount (): number { return this.locations.size }
}
