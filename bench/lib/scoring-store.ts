// The store of the live scoring bench (bench/scoring-live.ts), prepared in the server's data dir
// before it starts, with the project's own modules: master data through importMasterData (every SKU
// with a home shelf and a shelf capacity, so every one is a scored SKU-location), days of history
// through the real Journal (sales, shelf fills, a cycle count per SKU, a few gaps: the server's
// start-up replay learns rates and shapes from them, as in a store that has been running), and the
// device fleet through the registry, secrets to a file read back.
//
// Values stay inside the shipped model's training ranges (fill at most 1, case pack at most the
// capacity): what is measured is the model scoring, not the rules refusing odd vectors.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EventType } from '../../edge/src/core/event.js'
import { checkDigitOf } from '../../edge/src/core/gtin.js'
import { silentLog } from '../../edge/src/core/log.js'
import { openDatabase } from '../../edge/src/store/db.js'
import { DeviceRegistry } from '../../edge/src/store/devices.js'
import { importMasterData } from '../../edge/src/store/import/index.js'
import { Journal, type BatchEntry } from '../../edge/src/store/journal.js'
import { PROFILE_OF, Rng, type BenchDevice, type BenchItem, type DeviceKind } from './data.js'
import { readDevices } from './prepare.js'

/** fast: sells more than 24 units a day (a sale is fresh for the fast tier); probe: kept out of the load, for the end-to-end probes. */
export type ItemRole = 'fast' | 'probe' | 'other'

export interface ScoringItem extends BenchItem { capacity: number, role: ItemRole }

/** One SKU in FAST_EVERY is a fast mover, one other in FAST_EVERY a probe SKU (2 % each). */
const FAST_EVERY = 50
const SKUS_PER_BAY = 10
const BAYS_PER_AISLE = 4
const CATEGORIES = ['FOODS', 'DAIRY', 'HOUSEHOLD', 'HOBBIES', 'BEVERAGES']
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export function roleOf (i: number): ItemRole {
  const r = i % FAST_EVERY
  return r === 0 ? 'fast' : r === FAST_EVERY / 2 ? 'probe' : 'other'
}

interface Generated {
  locations: Array<Record<string, unknown>>
  items: Array<Record<string, unknown>>
  onHand: Array<Record<string, unknown>>
  list: ScoringItem[]
  /** Units a day each SKU sold in the history. */
  ratePerDay: Float64Array
  backroomOf: string[]
}

export function generateScoringStore (skus: number): Generated {
  const aisles = Math.max(1, Math.ceil(skus / (SKUS_PER_BAY * BAYS_PER_AISLE)))
  const pad = String(aisles).length
  const locations: Array<Record<string, unknown>> = []
  const shelves: string[] = []
  for (let a = 1; a <= aisles; a++) {
    const aisle = String(a).padStart(pad, '0')
    for (let b = 1; b <= BAYS_PER_AISLE; b++) {
      shelves.push(`A${aisle}-${b}`)
      locations.push({ id: `A${aisle}-${b}`, kind: 'shelf', description: `Aisle ${a} bay ${b}`, zone: CATEGORIES[a % CATEGORIES.length].toLowerCase() })
    }
    locations.push({ id: `BR-${aisle}`, kind: 'backroom', description: `Backroom bin ${a}` })
  }
  locations.push({ id: 'RCV', kind: 'receiving', description: 'Receiving dock' })

  const rng = new Rng(4242)
  const items: Array<Record<string, unknown>> = []
  const onHand: Array<Record<string, unknown>> = []
  const list: ScoringItem[] = []
  const ratePerDay = new Float64Array(skus)
  const backroomOf: string[] = []
  for (let i = 0; i < skus; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]
    const sku = `SKU-${String(i + 1).padStart(6, '0')}`
    // GS1 company prefix 400639 + a 6-digit item reference + check digit.
    const body = `400639${String(i).padStart(6, '0').slice(-6)}`
    const gtin = body + String(checkDigitOf(body))
    const home = shelves[Math.floor(i / SKUS_PER_BAY)]
    const backroom = `BR-${home.slice(1, 1 + pad)}`
    const price = Math.round((0.5 + rng.next() * 20) * 100) / 100
    const capacity = 12 + rng.int(60) // units
    const casePack = Math.min(capacity, 6 + rng.int(19))
    const role = roleOf(i)
    // Fast movers 30-80 units a day; the rest a long tail as in a supermarket: most sell a unit
    // every few days, a few up to 4 a day (mean 1.1).
    ratePerDay[i] = role === 'fast' ? 30 + rng.next() * 50 : 0.1 + 4 * rng.next() ** 3
    list.push({ sku, gtin, home, price, capacity, role })
    backroomOf.push(backroom)
    items.push({
      sku,
      description: `${category.toLowerCase()} item ${i + 1}`,
      gtins: [gtin],
      category,
      case_pack: casePack,
      unit_cost: Math.round(price * 60) / 100,
      unit_price: price,
      unit_weight_g: 100 + rng.int(1500),
      shelf_capacity: capacity,
      facings: 1 + rng.int(6),
      home_location: home,
      lead_time_days: 2 // days: the one lead time the shipped model was trained on
    })
    onHand.push({ sku, location: home, qty: Math.round(capacity * (0.35 + 0.65 * rng.next())) })
    if (rng.next() < 0.7) onHand.push({ sku, location: backroom, qty: casePack * (1 + rng.int(3)) })
  }
  return { locations, items, onHand, list, ratePerDay, backroomOf }
}

/**
 * `days` of history ending at endMs, in event-time order: sales in store hours (7-22 h; fast
 * movers 1-3 units a line, the rest 1), one cycle count per SKU, a gap for 3 % of SKUs, and a shelf
 * fill (a putaway to capacity) whenever a shelf falls under a quarter of its capacity. The shelf is
 * followed through the history, so counts find about what the record says (a count variance of a
 * few units, as the model was trained on) and the shelves end where a store's shelves are.
 * Written through the Journal 5,000 events a transaction; returns the events written.
 */
function writeHistory (db: ReturnType<typeof openDatabase>, g: Generated, storeId: string, endMs: number, days: number): number {
  if (days <= 0) return 0
  const rng = new Rng(99)
  const startMs = endMs - days * DAY_MS
  // Event time within store hours of a random day of the window; before endMs.
  const when = (): number => {
    for (;;) {
      const day = Math.floor(startMs / DAY_MS) + rng.int(days + 1)
      const at = day * DAY_MS + 7 * HOUR_MS + Math.floor(rng.next() * 15 * HOUR_MS)
      if (at >= startMs && at < endMs - 60_000) return at
    }
  }
  let n = 0
  for (let i = 0; i < g.list.length; i++) n += Math.round(g.ratePerDay[i] * days / (g.list[i].role === 'fast' ? 2 : 1)) + 2
  const at = new Float64Array(n)
  const skuOf = new Int32Array(n)
  const typeOf = new Uint8Array(n) // 0 sale, 1 cycle_count, 2 gap_detected
  const qtyOf = new Int16Array(n)
  let k = 0
  for (let i = 0; i < g.list.length; i++) {
    const fast = g.list[i].role === 'fast'
    const lines = Math.round(g.ratePerDay[i] * days / (fast ? 2 : 1))
    for (let s = 0; s < lines; s++) { at[k] = when(); skuOf[k] = i; typeOf[k] = 0; qtyOf[k] = fast ? 1 + rng.int(3) : 1; k++ }
    at[k] = when(); skuOf[k] = i; typeOf[k] = 1; k++
    if (rng.next() < 0.03) { at[k] = when(); skuOf[k] = i; typeOf[k] = 2; k++ }
  }
  const order = new Uint32Array(k)
  for (let j = 0; j < k; j++) order[j] = j
  order.sort((a, b) => at[a] - at[b])
  // The shelf of each SKU through the history, from the imported snapshot.
  const shelf = new Float64Array(g.list.length)
  for (const p of g.onHand) {
    const i = Number((p.sku as string).slice(4)) - 1
    if (p.location === g.list[i].home) shelf[i] = p.qty as number
  }
  const journal = new Journal(db)
  const source = '{"transport":"mqtt"}'
  let batch: BatchEntry[] = []
  let written = 0
  const push = (device: string, type: EventType, ms: number, it: ScoringItem, qty: number | null, data: string): void => {
    const iso = new Date(ms).toISOString()
    batch.push({ kind: 'row', row: [device, `h${written++}`, type, storeId, iso, iso, it.sku, null, it.home, qty, data, source, null, null] })
    if (batch.length === 5000) { journal.write(batch); batch = [] }
  }
  for (let j = 0; j < k; j++) {
    const e = order[j]
    const i = skuOf[e]
    const it = g.list[i]
    if (typeOf[e] === 0) {
      push('hist-pos', 'sale', at[e], it, qtyOf[e], `{"price":${it.price}}`)
      shelf[i] -= qtyOf[e]
      if (shelf[i] < it.capacity / 4) {
        // Filled from the backroom a few minutes later.
        push('hist-handheld', 'putaway', at[e] + 300_000, it, it.capacity - shelf[i], '{}')
        shelf[i] = it.capacity
      }
    } else if (typeOf[e] === 1) {
      const counted = Math.max(0, Math.round(shelf[i]) + rng.int(5) - 2)
      push('hist-handheld', 'cycle_count', at[e], it, counted, '{}')
      shelf[i] = counted
    } else {
      push('hist-camera', 'gap_detected', at[e], it, null, `{"gapRatio":1,"confidence":0.9,"candidates":["${it.sku}"]}`)
    }
  }
  if (batch.length > 0) journal.write(batch)
  return written
}

/** How many devices of each kind the load uses; handhelds send cycle counts. */
export interface FleetMix { pos: number, camera: number, handheld: number }

export interface PreparedStore {
  items: ScoringItem[]
  /** The load's devices, in an interleaved order (round robin keeps the mix at any point). */
  devices: BenchDevice[]
  /** The camera the end-to-end probes publish from. */
  probeCamera: BenchDevice
  secretsFile: string
  historyEvents: number
  ms: { master: number, history: number, devices: number }
}

export function prepareScoringStore (dataDir: string, o: { skus: number, historyDays: number, storeId: string, endMs: number, mix: FleetMix }): PreparedStore {
  const nowIso = new Date(o.endMs).toISOString()
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => nowIso })
  try {
    let t = performance.now()
    const g = generateScoringStore(o.skus)
    importMasterData(db, { format: 'json', text: JSON.stringify({ locations: g.locations, items: g.items, onHand: g.onHand }) }, nowIso)
    const master = performance.now() - t
    t = performance.now()
    const historyEvents = writeHistory(db, g, o.storeId, o.endMs, o.historyDays)
    const history = performance.now() - t
    t = performance.now()
    const kinds: Array<{ id: string, kind: DeviceKind }> = []
    const total = o.mix.pos + o.mix.camera + o.mix.handheld
    const made: Record<DeviceKind, number> = { pos: 0, camera: 0, handheld: 0 }
    // Interleaved by share: device i goes to the kind furthest behind its share.
    for (let i = 0; i < total; i++) {
      const kind = (['pos', 'camera', 'handheld'] as DeviceKind[]).reduce((best, k) => made[k] / o.mix[k] < made[best] / o.mix[best] ? k : best, 'pos' as DeviceKind)
      made[kind]++
      kinds.push({ id: `${kind === 'pos' ? 'pos' : kind === 'camera' ? 'cam' : 'hh'}-${String(made[kind]).padStart(3, '0')}`, kind })
    }
    kinds.push({ id: 'cam-probe', kind: 'camera' })
    const registry = new DeviceRegistry(db, () => nowIso)
    const secrets: Record<string, { profileId: string, secret: string }> = {}
    db.transaction(() => {
      for (const d of kinds) {
        const { profileId } = PROFILE_OF[d.kind]
        secrets[d.id] = { profileId, secret: registry.add(d.id, profileId, `bench ${d.kind}`).secret }
      }
    })()
    const secretsFile = join(dataDir, '..', 'device-secrets.json')
    writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 })
    // Handhelds publish cycle counts (the handheld profile's count stream), not scans.
    const read = readDevices(secretsFile).map((d) => d.kind === 'handheld' ? { ...d, stream: 'count' } : d)
    return {
      items: g.list,
      devices: read.filter((d) => d.id !== 'cam-probe'),
      probeCamera: read.find((d) => d.id === 'cam-probe')!,
      secretsFile,
      historyEvents,
      ms: { master, history, devices: performance.now() - t }
    }
  } finally {
    db.close()
  }
}
