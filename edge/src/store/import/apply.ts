// Writes validated master data in one transaction after checking references across sections and
// against what the database already holds. Either every row lands or none does.

import type { Database } from 'better-sqlite3'
import type { ItemInput, LocationInput, OnHandInput, RowProblem } from './rows.js'

export interface MasterData {
  locations: LocationInput[]
  items: ItemInput[]
  onHand: OnHandInput[]
}

export interface ImportSummary {
  locations: number
  items: number
  onHand: number
}

/** Problems that need the database: unknown home locations, GTINs owned by another SKU, unknown SKUs. */
export function crossCheck (db: Database, data: MasterData, rowOf: (section: keyof MasterData, index: number) => { row: number, line?: number }): RowProblem[] {
  const problems: RowProblem[] = []
  const locationKnown = db.prepare('SELECT 1 FROM locations WHERE id = ?')
  const itemKnown = db.prepare('SELECT 1 FROM items WHERE sku = ?')
  const gtinOwner = db.prepare('SELECT sku FROM item_gtins WHERE gtin = ?')
  const newLocations = new Set(data.locations.map((l) => l.id))
  const newItems = new Set(data.items.map((i) => i.sku))
  const hasLocation = (id: string): boolean => newLocations.has(id) || locationKnown.get(id) !== undefined
  const gtinInImport = new Map<string, string>()
  data.items.forEach((item, i) => {
    const at = rowOf('items', i)
    if (item.homeLocation !== null && !hasLocation(item.homeLocation)) {
      problems.push({ ...at, section: 'items', field: 'home_location', message: `location "${item.homeLocation}" is not known` })
    }
    for (const g of item.gtins) {
      const other = gtinInImport.get(g)
      if (other !== undefined && other !== item.sku) {
        problems.push({ ...at, section: 'items', field: 'gtins', message: `GTIN ${g} is also given to ${other} in this import` })
        continue
      }
      gtinInImport.set(g, item.sku)
      const owner = (gtinOwner.get(g) as { sku: string } | undefined)?.sku
      // A GTIN may move to this SKU only if its current owner is re-imported without it.
      if (owner !== undefined && owner !== item.sku && !newItems.has(owner)) {
        problems.push({ ...at, section: 'items', field: 'gtins', message: `GTIN ${g} belongs to ${owner}` })
      }
    }
  })
  data.onHand.forEach((p, i) => {
    const at = rowOf('onHand', i)
    if (!newItems.has(p.sku) && itemKnown.get(p.sku) === undefined) {
      problems.push({ ...at, section: 'onHand', field: 'sku', message: `SKU "${p.sku}" is not known` })
    }
    if (!hasLocation(p.location)) {
      problems.push({ ...at, section: 'onHand', field: 'location', message: `location "${p.location}" is not known` })
    }
  })
  return problems
}

export function applyMasterData (db: Database, data: MasterData, now: string): ImportSummary {
  const upsertLocation = db.prepare(`INSERT INTO locations (id, kind, description, zone, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, description = excluded.description, zone = excluded.zone, updated_at = excluded.updated_at`)
  const upsertItem = db.prepare(`INSERT INTO items (sku, description, category, case_pack, unit_cost, unit_price, unit_weight_g,
      shelf_capacity, facings, home_location, lead_time_days, order_days, min_order_units, backroom_capacity, supplier, updated_at)
    VALUES (@sku, @description, @category, @casePack, @unitCost, @unitPrice, @unitWeightG, @shelfCapacity, @facings, @homeLocation, @leadTimeDays,
      @orderDaysText, @minOrderUnits, @backroomCapacity, @supplier, @now)
    ON CONFLICT (sku) DO UPDATE SET description = excluded.description, category = excluded.category, case_pack = excluded.case_pack,
      unit_cost = excluded.unit_cost, unit_price = excluded.unit_price, unit_weight_g = excluded.unit_weight_g,
      shelf_capacity = excluded.shelf_capacity, facings = excluded.facings, home_location = excluded.home_location,
      lead_time_days = excluded.lead_time_days, order_days = excluded.order_days, min_order_units = excluded.min_order_units,
      backroom_capacity = excluded.backroom_capacity, supplier = excluded.supplier, updated_at = excluded.updated_at`)
  const dropGtins = db.prepare('DELETE FROM item_gtins WHERE sku = ?')
  const addGtin = db.prepare('INSERT INTO item_gtins (gtin, sku) VALUES (?, ?)')
  const readOnHand = db.prepare('SELECT on_hand FROM positions WHERE sku = ? AND location = ?')
  const setOnHand = db.prepare(`INSERT INTO positions (sku, location, on_hand, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at`)
  const bumpVersion = db.prepare('UPDATE master_data_version SET version = version + 1 WHERE id = 1')
  const ledger = db.prepare(`INSERT INTO ledger (event_seq, sku, location, bucket, delta, balance, reason, occurred_at)
    VALUES (NULL, ?, ?, 'on_hand', ?, ?, 'snapshot', ?)`)

  return db.transaction((): ImportSummary => {
    for (const l of data.locations) upsertLocation.run(l.id, l.kind, l.description, l.zone, now)
    for (const item of data.items) dropGtins.run(item.sku)
    for (const item of data.items) {
      upsertItem.run({ ...item, orderDaysText: item.orderDays === null ? null : item.orderDays.join(','), now })
      for (const g of item.gtins) addGtin.run(g, item.sku)
    }
    for (const p of data.onHand) {
      const before = (readOnHand.get(p.sku, p.location) as { on_hand: number } | undefined)?.on_hand ?? 0
      setOnHand.run(p.sku, p.location, p.qty, now)
      // The snapshot's change is in the ledger too, so the item's history explains its balance.
      ledger.run(p.sku, p.location, p.qty - before, p.qty, now)
    }
    // Running servers notice this and reload their item cache (see Catalog.refreshIfChanged).
    bumpVersion.run()
    return { locations: data.locations.length, items: data.items.length, onHand: data.onHand.length }
  }).immediate()
}
