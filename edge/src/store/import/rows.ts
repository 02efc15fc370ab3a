// Turns raw import rows (CSV records or JSON objects) into typed master data, collecting every
// problem with its row and line rather than stopping at the first.

import { checkGtin } from '../../core/gtin.js'
import { LOCATION_KINDS, ORDER_DAYS, type Item, type LocationKind, type OrderDay } from '../catalog.js'

export interface RowProblem {
  /** 1-based row number within its section (not counting the CSV header). */
  row: number
  /** Physical line in the CSV file (absent for JSON). */
  line?: number
  section: ImportKind
  field?: string
  message: string
}

export type ImportKind = 'items' | 'locations' | 'onHand'

/** An imported item has exactly the fields of a catalogue item. */
export type ItemInput = Item

export interface LocationInput { id: string, kind: LocationKind, description: string | null, zone: string | null }
export interface OnHandInput { sku: string, location: string, qty: number }

export interface RawRow { row: number, line?: number, values: Record<string, unknown> }

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$/
const KINDS: readonly LocationKind[] = LOCATION_KINDS

/** `unit_cost`, `unitCost` and `Unit Cost` all name the same column. */
function norm (key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '')
}

class RowReader {
  readonly values = new Map<string, unknown>()
  constructor (readonly raw: RawRow, private readonly section: ImportKind, private readonly problems: RowProblem[]) {
    for (const [k, v] of Object.entries(raw.values)) this.values.set(norm(k), v)
  }

  problem (field: string, message: string): void {
    this.problems.push({ row: this.raw.row, ...(this.raw.line !== undefined ? { line: this.raw.line } : {}), section: this.section, field, message })
  }

  private present (field: string): unknown {
    const v = this.values.get(norm(field))
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string' && v.trim() === '') return undefined
    return typeof v === 'string' ? v.trim() : v
  }

  text (field: string, required: boolean, pattern?: RegExp): string | null {
    const v = this.present(field)
    if (v === undefined) {
      if (required) this.problem(field, 'is required')
      return null
    }
    if (typeof v !== 'string' && typeof v !== 'number') { this.problem(field, 'must be text'); return null }
    const s = String(v)
    if (pattern && !pattern.test(s)) { this.problem(field, `"${s}" is not a valid code (1-64 letters, digits, _ . - /)`); return null }
    return s
  }

  num (field: string, opts: { int?: boolean, min: number, minExclusive?: boolean, max?: number }): number | null {
    const v = this.present(field)
    if (v === undefined) return null
    const n = typeof v === 'number' ? v : (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN)
    const max = opts.max ?? 1e9
    if (!Number.isFinite(n)) { this.problem(field, `"${String(v)}" is not a number`); return null }
    if (opts.int && !Number.isInteger(n)) { this.problem(field, `${n} is not a whole number`); return null }
    if (opts.minExclusive ? n <= opts.min : n < opts.min) { this.problem(field, `${n} must be ${opts.minExclusive ? 'greater than' : 'at least'} ${opts.min}`); return null }
    if (n > max) { this.problem(field, `${n} is absurdly large (over ${max})`); return null }
    return n
  }

  list (field: string): string[] {
    const v = this.present(field)
    if (v === undefined) return []
    if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter((x) => x !== '')
    return String(v).split(/[|;\s]+/).filter((x) => x !== '')
  }
}

export function readItems (rows: RawRow[], problems: RowProblem[]): ItemInput[] {
  const out: ItemInput[] = []
  const seen = new Map<string, number>()
  for (const raw of rows) {
    const r = new RowReader(raw, 'items', problems)
    const before = problems.length
    const sku = r.text('sku', true, CODE)
    const description = r.text('description', true)
    const gtins: string[] = []
    for (const g of r.list('gtins').concat(r.list('gtin'))) {
      const c = checkGtin(g)
      if (!c.ok) r.problem('gtins', c.reason === 'check_digit' ? `GTIN ${g} has a wrong check digit` : `"${g}" is not a GTIN-8/12/13/14`)
      else if (!gtins.includes(c.gtin14)) gtins.push(c.gtin14)
    }
    const item: ItemInput = {
      sku: sku ?? '',
      description: description ?? '',
      gtins,
      category: r.text('category', false),
      casePack: r.num('case_pack', { int: true, min: 1, max: 100000 }) ?? 1,
      unitCost: r.num('unit_cost', { min: 0 }),
      unitPrice: r.num('unit_price', { min: 0 }),
      unitWeightG: r.num('unit_weight_g', { min: 0, minExclusive: true }),
      shelfCapacity: r.num('shelf_capacity', { int: true, min: 0, max: 1000000 }),
      facings: r.num('facings', { int: true, min: 1, max: 10000 }),
      homeLocation: r.text('home_location', false, CODE),
      leadTimeDays: r.num('lead_time_days', { min: 0, max: 365 }),
      orderDays: orderDaysOf(r),
      minOrderUnits: r.num('min_order_units', { int: true, min: 1, max: 1000000 }),
      backroomCapacity: r.num('backroom_capacity', { int: true, min: 0, max: 1000000 }),
      supplier: r.text('supplier', false)
    }
    if (sku !== null) {
      const prev = seen.get(sku)
      if (prev !== undefined) r.problem('sku', `"${sku}" appears again (first at row ${prev})`)
      else seen.set(sku, raw.row)
    }
    if (problems.length === before) out.push(item)
  }
  return out
}

/** `order_days` as 'mon,wed,fri' (or 'Mon|Wed', or a JSON list); every day when absent. */
function orderDaysOf (r: RowReader): OrderDay[] | null {
  const given = r.list('order_days')
  if (given.length === 0) return null
  const days: OrderDay[] = []
  for (const g of given) {
    const d = g.toLowerCase().slice(0, 3)
    if (!(ORDER_DAYS as readonly string[]).includes(d) || g.length > 9) { r.problem('order_days', `"${g}" is not a weekday (${ORDER_DAYS.join(', ')})`); return null }
    if (!days.includes(d as OrderDay)) days.push(d as OrderDay)
  }
  return ORDER_DAYS.filter((d) => days.includes(d))
}

export function readLocations (rows: RawRow[], problems: RowProblem[]): LocationInput[] {
  const out: LocationInput[] = []
  const seen = new Map<string, number>()
  for (const raw of rows) {
    const r = new RowReader(raw, 'locations', problems)
    const before = problems.length
    const id = r.text('id', true, CODE)
    const kind = r.text('kind', true)
    if (kind !== null && !KINDS.includes(kind as LocationKind)) r.problem('kind', `"${kind}" is not one of ${KINDS.join(', ')}`)
    if (id !== null) {
      const prev = seen.get(id)
      if (prev !== undefined) r.problem('id', `"${id}" appears again (first at row ${prev})`)
      else seen.set(id, raw.row)
    }
    if (problems.length === before) {
      out.push({ id: id!, kind: kind as LocationKind, description: r.text('description', false), zone: r.text('zone', false) })
    }
  }
  return out
}

export function readOnHand (rows: RawRow[], problems: RowProblem[]): OnHandInput[] {
  const out: OnHandInput[] = []
  const seen = new Map<string, number>()
  for (const raw of rows) {
    const r = new RowReader(raw, 'onHand', problems)
    const before = problems.length
    const sku = r.text('sku', true, CODE)
    const location = r.text('location', true, CODE)
    const qty = r.num('qty', { min: 0, max: 1e7 })
    if (qty === null && !problems.slice(before).some((p) => p.field === 'qty')) r.problem('qty', 'is required')
    const key = `${sku}@${location}`
    if (sku !== null && location !== null) {
      const prev = seen.get(key)
      if (prev !== undefined) r.problem('sku', `${sku} at ${location} appears again (first at row ${prev})`)
      else seen.set(key, raw.row)
    }
    if (problems.length === before) out.push({ sku: sku!, location: location!, qty: qty! })
  }
  return out
}
