// The simulated store's layout and master data: every SKU gets a department zone, a shelf bay with a
// capacity sized to its real demand, a case pack, a price from its M5 series and a valid GTIN.
// The same layout is imported into the store server, so the server and the simulator agree on
// what exists and where it belongs.

import { checkDigitOf } from '../../edge/src/core/gtin.js'
import type { SyntheticSku } from './demand/assortment.js'
import { dayDiff } from './demand/m5.js'
import type { SkuSpec } from './world/store.js'

export interface SimSku extends SkuSpec {
  index: number
  description: string
  /** M5 category (FOODS, HOBBIES, HOUSEHOLD): demand spikes target these. */
  category: string
  dept: string
  /** Department zone: associates and cameras work by zone. */
  zone: string
  shelfLocation: string
  backroomLocation: string
  gtin: string
  unitCost: number
  leadTimeDays: number
  /** Mean units a day over the year before the run (what a planner would size the shelf for). */
  meanDaily: number
  demand: SyntheticSku
}

export const RECEIVING = 'RCV'
/** SKUs per shelf bay (one camera frame, one stretch of an associate's walk). */
export const SKUS_PER_BAY = 40

export interface Layout {
  skus: SimSku[]
  zones: string[]
  bays: Map<string, SimSku[]>
  locations: Array<{ id: string, kind: 'shelf' | 'backroom' | 'receiving', zone: string | null, description: string }>
}

/** An in-store GTIN-13 (GS1 prefix 20-29 is for store-internal numbering) from the SKU's index. */
export function gtinFor (index: number): string {
  const body = `20${String(index).padStart(10, '0')}`
  return `${body}${checkDigitOf(body)}`
}

function meanOver (s: SyntheticSku, fromDay: number, days: number): number {
  const n = s.base.units.length
  let sum = 0
  for (let d = fromDay; d < fromDay + days; d++) sum += s.base.units[((d + s.offset) % n + n) % n]
  return (sum / days) * s.scale
}

function lastPrice (s: SyntheticSku, day: number): number {
  const n = s.base.price.length
  for (let d = Math.min(day, n - 1); d >= 0; d--) {
    const p = s.base.price[((d + s.offset) % n + n) % n]
    if (Number.isFinite(p) && p > 0) return Math.round(p * s.scale ** 0.3 * 100) / 100
  }
  return 4.99
}

/** Case pack by weekly volume: slow movers come in small cases. */
function casePackFor (meanDaily: number): number {
  const weekly = meanDaily * 7
  return weekly < 6 ? 6 : weekly < 24 ? 12 : weekly < 60 ? 24 : 48
}

export function buildLayout (assortment: readonly SyntheticSku[], startDate: string): Layout {
  const skus: SimSku[] = []
  const bays = new Map<string, SimSku[]>()
  const zones: string[] = []
  const byDept = new Map<string, number>()
  for (const [index, a] of assortment.entries()) {
    const start = dayDiff(a.base.startDate, startDate)
    const meanDaily = meanOver(a, start - 365, 365)
    const zone = a.base.deptId
    if (!zones.includes(zone)) zones.push(zone)
    const inDept = byDept.get(zone) ?? 0
    byDept.set(zone, inDept + 1)
    const bay = `${zone}-B${String(Math.floor(inDept / SKUS_PER_BAY) + 1).padStart(3, '0')}`
    const casePack = casePackFor(meanDaily)
    // A shelf holds about four days of demand, never less than a case or three facings of two.
    const facings = Math.max(1, Math.min(6, Math.round(meanDaily / 2)))
    const shelfCapacity = Math.max(casePack, facings * 2, Math.ceil(meanDaily * 4))
    const unitPrice = lastPrice(a, start - 1)
    const sku: SimSku = {
      index,
      sku: a.sku,
      description: `${a.base.itemId} (${a.base.deptId})${a.scale !== 1 ? ` x${a.scale.toFixed(2)}` : ''}`,
      category: a.base.catId,
      dept: a.base.deptId,
      zone,
      shelfLocation: bay,
      backroomLocation: `BR-${zone}`,
      gtin: gtinFor(index + 1),
      shelfCapacity,
      facings,
      casePack,
      unitPrice,
      unitCost: Math.round(unitPrice * 0.7 * 100) / 100,
      leadTimeDays: 2,
      meanDaily,
      demand: a
    }
    skus.push(sku)
    const list = bays.get(bay)
    if (list) list.push(sku)
    else bays.set(bay, [sku])
  }
  const locations: Layout['locations'] = [{ id: RECEIVING, kind: 'receiving', zone: null, description: 'Receiving dock' }]
  for (const z of zones) locations.push({ id: `BR-${z}`, kind: 'backroom', zone: z, description: `Backroom, ${z}` })
  for (const [bay, list] of bays) locations.push({ id: bay, kind: 'shelf', zone: list[0].zone, description: `Shelf bay ${bay}` })
  return { skus, zones, bays, locations }
}

/** The server's master-data import body (POST /api/v1/items/import, JSON). */
export function masterData (layout: Layout, onHand: (s: SimSku) => { shelf: number, backroom: number }): { items: object[], locations: object[], onHand: object[] } {
  return {
    locations: layout.locations,
    items: layout.skus.map((s) => ({
      sku: s.sku,
      description: s.description,
      category: s.category,
      gtins: [s.gtin],
      case_pack: s.casePack,
      unit_cost: s.unitCost,
      unit_price: s.unitPrice,
      shelf_capacity: s.shelfCapacity,
      facings: s.facings,
      home_location: s.shelfLocation,
      lead_time_days: s.leadTimeDays
    })),
    onHand: layout.skus.flatMap((s) => {
      const o = onHand(s)
      return [{ sku: s.sku, location: s.shelfLocation, qty: o.shelf }, { sku: s.sku, location: s.backroomLocation, qty: o.backroom }]
    })
  }
}
