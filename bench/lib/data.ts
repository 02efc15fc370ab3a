// The bench store: generated master data (SKUs with valid GTIN-13s, shelf bays, backroom bins, an
// on-hand snapshot), the simulated device fleet, and the payloads each device kind sends. Payloads
// follow the shipped profiles (handheld-scanner-app scan, pos-sales-feed basket, shelf-camera-gap
// gap) and carry ids unique across the whole run.

import { checkDigitOf } from '../../edge/src/core/gtin.js'

export interface BenchItem { sku: string, gtin: string, home: string, price: number }

export interface MasterData {
  locations: Array<Record<string, unknown>>
  items: Array<Record<string, unknown>>
  onHand: Array<Record<string, unknown>>
}

/** Deterministic xorshift32: the same run offers the same traffic. */
export class Rng {
  constructor (private s = 0x9e3779b9) {}
  next (): number {
    let x = this.s
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    this.s = x >>> 0
    return this.s / 4294967296
  }

  int (n: number): number { return Math.floor(this.next() * n) }
}

const CATEGORIES = ['FOODS', 'DAIRY', 'HOUSEHOLD', 'HOBBIES', 'BEVERAGES']

/** `skus` items over aisles of 4 bays, a backroom bin per aisle, and receiving. */
export function generateMasterData (skus: number): { data: MasterData, items: BenchItem[], shelves: string[] } {
  const aisles = Math.max(1, Math.ceil(skus / 20))
  const shelves: string[] = []
  const locations: Array<Record<string, unknown>> = []
  for (let a = 1; a <= aisles; a++) {
    for (let b = 1; b <= 4; b++) {
      const id = `A${String(a).padStart(2, '0')}-${b}`
      shelves.push(id)
      locations.push({ id, kind: 'shelf', description: `Aisle ${a} bay ${b}`, zone: CATEGORIES[a % CATEGORIES.length].toLowerCase() })
    }
    locations.push({ id: `BR-${String(a).padStart(2, '0')}`, kind: 'backroom', description: `Backroom bin ${a}` })
  }
  locations.push({ id: 'RCV', kind: 'receiving', description: 'Receiving dock' })

  const rng = new Rng(12345)
  const items: BenchItem[] = []
  const rows: Array<Record<string, unknown>> = []
  const onHand: Array<Record<string, unknown>> = []
  for (let i = 0; i < skus; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]
    const sku = `${category}_${String(i + 1).padStart(4, '0')}`
    // GS1 company prefix 400638 (as in the fixtures) + a 6-digit item reference + check digit.
    const body = `400638${String(100000 + i).slice(-6)}`
    const gtin = body + String(checkDigitOf(body))
    const home = shelves[i % shelves.length]
    const price = Math.round((0.5 + rng.next() * 20) * 100) / 100
    items.push({ sku, gtin, home, price })
    rows.push({
      sku,
      description: `${category.toLowerCase()} item ${i + 1}`,
      gtins: [gtin],
      category,
      case_pack: 6 + rng.int(19),
      unit_cost: Math.round(price * 60) / 100,
      unit_price: price,
      unit_weight_g: 100 + rng.int(1500),
      shelf_capacity: 24 + rng.int(48),
      facings: 1 + rng.int(6),
      home_location: home,
      lead_time_days: 1 + rng.int(5)
    })
    onHand.push({ sku, location: home, qty: 20 + rng.int(40) })
    onHand.push({ sku, location: `BR-${home.slice(1, 3)}`, qty: 24 + rng.int(96) })
  }
  return { data: { locations, items: rows, onHand }, items, shelves }
}

export type DeviceKind = 'handheld' | 'pos' | 'camera'

export interface BenchDevice { id: string, kind: DeviceKind, profileId: string, stream: string, secret: string }

export const PROFILE_OF: Record<DeviceKind, { profileId: string, stream: string }> = {
  handheld: { profileId: 'handheld-scanner-app', stream: 'scan' },
  pos: { profileId: 'pos-sales-feed', stream: 'basket' },
  camera: { profileId: 'shelf-camera-gap', stream: 'gap' }
}

/** The fleet: 80 % handhelds, 12 % POS lanes, 8 % shelf cameras, interleaved so any prefix is mixed. */
export function fleet (n: number): Array<{ id: string, kind: DeviceKind }> {
  const out: Array<{ id: string, kind: DeviceKind }> = []
  const count: Record<DeviceKind, number> = { handheld: 0, pos: 0, camera: 0 }
  for (let i = 0; i < n; i++) {
    const r = i % 25
    const kind: DeviceKind = r < 20 ? 'handheld' : r < 23 ? 'pos' : 'camera'
    const k = ++count[kind]
    const prefix = kind === 'handheld' ? 'hh' : kind === 'pos' ? 'pos' : 'cam'
    out.push({ id: `${prefix}-${String(k).padStart(4, '0')}`, kind })
  }
  return out
}

/**
 * Payloads. Each call builds one message of the device's stream with a fresh id; `lastEvents` is the
 * number of canonical events it becomes (a basket is one event per line).
 */
export class Traffic {
  private readonly rng = new Rng(777)
  private seq = 0
  private isoMs = 0
  private isoText = ''
  lastEvents = 1

  constructor (private readonly items: BenchItem[], private readonly tag: string) {}

  private iso (ms: number): string {
    if (ms !== this.isoMs) { this.isoMs = ms; this.isoText = new Date(ms).toISOString() }
    return this.isoText
  }

  next (dev: BenchDevice): string {
    const n = ++this.seq
    const now = Date.now()
    const it = this.items[this.rng.int(this.items.length)]
    if (dev.kind === 'handheld') {
      this.lastEvents = 1
      return `{"msgId":"${dev.id}-${this.tag}-${n}","ts":${now},"gtin":"${it.gtin}","location":"${it.home}","symbology":"EAN-13"}`
    }
    if (dev.kind === 'pos') {
      // 1-4 lines; every other line by GTIN (scanned), the rest by SKU (keyed in).
      const lines = 1 + this.rng.int(4)
      let text = ''
      for (let l = 1; l <= lines; l++) {
        const li = l === 1 ? it : this.items[this.rng.int(this.items.length)]
        const key = l % 2 === 1 ? `"gtin":"${li.gtin}"` : `"sku":"${li.sku}"`
        text += `${l > 1 ? ',' : ''}{"lineNo":${l},${key},"qty":${1 + this.rng.int(3)},"price":${li.price}}`
      }
      this.lastEvents = lines
      return `{"txnId":"${dev.id}-${this.tag}-${n}","ts":"${this.iso(now)}","lane":"${dev.id.slice(4)}","lines":[${text}]}`
    }
    this.lastEvents = 1
    const other = this.items[this.rng.int(this.items.length)]
    return `{"detId":"${dev.id}-${this.tag}-${n}","ts":"${this.iso(now)}","bay":"${it.home}","facing":${1 + this.rng.int(6)},` +
      `"gapRatio":${(0.3 + this.rng.next() * 0.7).toFixed(2)},"confidence":${(0.6 + this.rng.next() * 0.4).toFixed(2)},"candidates":["${it.sku}","${other.sku}"]}`
  }
}
