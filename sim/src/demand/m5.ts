// Real daily demand: the M5 subset in shared/data/m5-tiny (Walmart, 28 items x 8 stores x 1,913
// days). Loaded once into compact typed arrays per store-item series.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

export interface DaySeries {
  storeId: string
  itemId: string
  deptId: string
  catId: string
  /** First date of the series, YYYY-MM-DD; day i is that date + i days. */
  startDate: string
  /** Units sold per day. */
  units: Uint16Array
  /** Shelf price per day, USD; NaN before the item was first sold in the store. */
  price: Float32Array
  /** 1 on SNAP (food-stamp) days in the store's state. */
  snap: Uint8Array
  /** Event name per day, '' when none. */
  event: string[]
}

export interface M5Data {
  stores: string[]
  items: string[]
  /** Keyed `${storeId}/${itemId}`. */
  series: Map<string, DaySeries>
}

export class M5FormatError extends Error {
  override name = 'M5FormatError'
}

const COLUMNS = ['store_id', 'item_id', 'dept_id', 'cat_id', 'date', 'units', 'sell_price', 'snap', 'event_name_1', 'event_type_1']

/** The fields of one line; M5 quotes strings and never puts a comma inside one. */
function fields (line: string): string[] {
  return line.split(',').map((f) => f.length >= 2 && f[0] === '"' && f[f.length - 1] === '"' ? f.slice(1, -1) : f)
}

export function parseM5 (csv: string, source = 'M5 data'): M5Data {
  const lines = csv.split('\n')
  const header = fields(lines[0].trim())
  if (header.join(',') !== COLUMNS.join(',')) throw new M5FormatError(`${source}: header is ${header.join(',')}, expected ${COLUMNS.join(',')}`)
  // Rows come grouped by store and item, in date order; collect per series, then pack.
  const rows = new Map<string, { meta: string[], dates: string[], units: number[], price: number[], snap: number[], event: string[] }>()
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n].trim()
    if (line === '') continue
    const f = fields(line)
    if (f.length !== COLUMNS.length) throw new M5FormatError(`${source} line ${n + 1}: ${f.length} fields, expected ${COLUMNS.length}`)
    const key = `${f[0]}/${f[1]}`
    let r = rows.get(key)
    if (!r) { r = { meta: f.slice(0, 4), dates: [], units: [], price: [], snap: [], event: [] }; rows.set(key, r) }
    const units = Number(f[5])
    if (!Number.isInteger(units) || units < 0) throw new M5FormatError(`${source} line ${n + 1}: units "${f[5]}" is not a count`)
    r.dates.push(f[4])
    r.units.push(units)
    r.price.push(f[6] === '' ? NaN : Number(f[6]))
    r.snap.push(f[7] === '1' ? 1 : 0)
    r.event.push(f[8])
  }
  const series = new Map<string, DaySeries>()
  for (const [key, r] of rows) {
    for (let i = 1; i < r.dates.length; i++) {
      if (dayDiff(r.dates[i - 1], r.dates[i]) !== 1) throw new M5FormatError(`${source}: ${key} skips from ${r.dates[i - 1]} to ${r.dates[i]}`)
    }
    series.set(key, {
      storeId: r.meta[0],
      itemId: r.meta[1],
      deptId: r.meta[2],
      catId: r.meta[3],
      startDate: r.dates[0],
      units: Uint16Array.from(r.units),
      price: Float32Array.from(r.price),
      snap: Uint8Array.from(r.snap),
      event: r.event
    })
  }
  const stores = [...new Set([...series.values()].map((s) => s.storeId))].sort()
  const items = [...new Set([...series.values()].map((s) => s.itemId))].sort()
  return { stores, items, series }
}

export function loadM5 (file: string): M5Data {
  const raw = readFileSync(file)
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8')
  return parseM5(text, file)
}

const M5_RELATIVE = join('shared', 'data', 'm5-tiny', 'sales.csv.gz')

/**
 * Where the M5 file is: SIM_M5_FILE if set, else shared/data/m5-tiny beside the checkout (the
 * workplace lays shared/ next to the repository, for developers and CI alike).
 */
export function defaultM5File (env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIM_M5_FILE) return env.SIM_M5_FILE
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, M5_RELATIVE)
    if (existsSync(candidate)) return candidate
    const up = dirname(dir)
    if (up === dir) throw new Error(`M5 data not found: set SIM_M5_FILE or lay ${M5_RELATIVE} beside the checkout`)
    dir = up
  }
}

export function dayDiff (from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000)
}

/** The store's series with the day index of `date` in each (-1 when outside). */
export function storeDay (data: M5Data, storeId: string, date: string): Array<{ series: DaySeries, day: number }> {
  const out: Array<{ series: DaySeries, day: number }> = []
  for (const s of data.series.values()) {
    if (s.storeId !== storeId) continue
    const day = dayDiff(s.startDate, date)
    out.push({ series: s, day: day >= 0 && day < s.units.length ? day : -1 })
  }
  return out
}
