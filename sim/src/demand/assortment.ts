// Scales a store to thousands of SKUs for load: each synthetic SKU resamples one real M5 series
// (any store), scaled by a lognormal factor and shifted in time, so the catalogue keeps real
// intermittency and lumpiness without 5,000 copies of the same 28 curves.

import type { Rng } from '../rng.js'
import type { DaySeries, M5Data } from './m5.js'

export interface SyntheticSku {
  sku: string
  base: DaySeries
  /** Multiplier on the base series' daily units. */
  scale: number
  /** Days the base series is shifted by (day d reads base day d + offset, wrapping). */
  offset: number
}

export function buildAssortment (data: M5Data, storeId: string, size: number, rng: Rng): SyntheticSku[] {
  const own = [...data.series.values()].filter((s) => s.storeId === storeId)
  if (own.length === 0) throw new Error(`store ${storeId} is not in the data (stores: ${data.stores.join(', ')})`)
  const all = [...data.series.values()]
  const out: SyntheticSku[] = []
  // The store's own items come first, unscaled: a 28-SKU run is the real store.
  for (const s of own.slice(0, size)) out.push({ sku: s.itemId, base: s, scale: 1, offset: 0 })
  for (let i = out.length; i < size; i++) {
    const base = all[rng.int(all.length)]
    // sigma 0.6: most SKUs within 0.3x-3x of their base's volume
    const scale = Math.exp(0.6 * rng.normal())
    out.push({ sku: `${base.itemId}-S${String(i).padStart(5, '0')}`, base, scale, offset: rng.int(base.units.length) })
  }
  return out
}

/**
 * Units of a synthetic SKU on a day index. Scaling keeps counts whole by rounding the scaled value
 * stochastically (2.4 becomes 2 or 3, 3 with probability 0.4), so the mean is preserved.
 */
export function unitsOn (s: SyntheticSku, day: number, rng: Rng): number {
  const n = s.base.units.length
  const raw = s.base.units[((day + s.offset) % n + n) % n] * s.scale
  const whole = Math.floor(raw)
  return whole + (rng.chance(raw - whole) ? 1 : 0)
}
