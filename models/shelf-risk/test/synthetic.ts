// Synthetic shelf-risk rows for the tests, in the simulator's export format, with a label drawn from
// a known rule no straight line can draw: thresholds, an interaction and a band. The rows are
// plausible (a rate, a cover that follows from it) but the rule is ours, so the tests know the truth.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FEATURE_COUNT, FEATURE_INDEX as X } from '../../../edge/src/scoring/spec.js'
import { DATASET_COLUMNS } from '../src/dataset.js'
import type { Examples } from '../src/examples.js'
import { prng } from '../src/prng.js'

export const CATEGORIES = ['FOODS', 'HOBBIES', 'HOUSEHOLD']

export interface SyntheticRow {
  seed: number
  category: string
  features: number[]
  label: 0 | 1
}

/** The known rule, as log-odds: the truth the models should find. */
export function truthLogit (v: ArrayLike<number>): number {
  let z = -6
  if (v[X.cover_h] < 4) z += 8 // hours: runs out within the horizon
  if (v[X.obs_gap] === 1 && v[X.since_obs_h] < 24) z += 7 // a recent camera gap
  if (v[X.silence_ratio] > 4 && v[X.price_ratio] > 0.9) z += 7 // silent at full price (interaction)
  if (v[X.hour] >= 17 && v[X.hour] <= 20) z += 4 // the evening rush (a band in the middle of a range)
  return z
}

export function syntheticRows (seeds: readonly number[], rowsPerSeed: number, rngSeed = 42): SyntheticRow[] {
  const rng = prng(rngSeed)
  const u = (a: number, b: number): number => a + (b - a) * rng.next()
  const rows: SyntheticRow[] = []
  for (const seed of seeds) {
    for (let i = 0; i < rowsPerSeed; i++) {
      const v = new Array<number>(FEATURE_COUNT).fill(0)
      const capacity = 10 + rng.int(50) // units
      v[X.shelf_qty] = rng.next() < 0.05 ? -rng.int(3) : rng.int(capacity + 1)
      v[X.shelf_fill] = rng.next() < 0.05 ? -1 : v[X.shelf_qty] / capacity
      v[X.rate_now] = Math.round(-Math.log(1 - rng.next()) * 1.5 * 1000) / 1000 // units/h
      v[X.cover_h] = v[X.rate_now] > 0 ? Math.min(1000, Math.max(0, v[X.shelf_qty]) / v[X.rate_now]) : 1000
      v[X.backroom_qty] = rng.int(100)
      v[X.in_transit_qty] = rng.next() < 0.8 ? 0 : rng.int(10)
      v[X.rate_day] = v[X.rate_now] * u(8, 14)
      v[X.since_sale_h] = Math.round(u(0, 72) * 10) / 10
      v[X.silence_ratio] = Math.min(100, v[X.since_sale_h] * v[X.rate_now])
      v[X.since_obs_h] = Math.round(u(0, 200))
      v[X.obs_gap] = rng.next() < 0.15 ? 1 : 0
      v[X.obs_qty] = rng.next() < 0.2 ? -1 : rng.int(50)
      v[X.gaps_24h] = rng.int(4)
      v[X.count_var_abs] = u(0, 10)
      v[X.count_var_signed] = u(-10, 10)
      v[X.open_tasks] = rng.int(3)
      v[X.sales_24h_ratio] = u(0, 3)
      v[X.price_ratio] = rng.next() < 0.3 ? 0.8 : 1
      v[X.lead_time_d] = 1 + rng.int(14)
      v[X.case_to_shelf] = Math.round(u(0.1, 2) * 100) / 100
      v[X.hour] = 8 + rng.int(14)
      v[X.dow] = rng.int(7)
      // Round through float32 so CSV text, in-memory examples and the model all see the same values.
      for (let j = 0; j < FEATURE_COUNT; j++) v[j] = Math.fround(v[j])
      const p = 1 / (1 + Math.exp(-truthLogit(v)))
      rows.push({ seed, category: CATEGORIES[rng.int(CATEGORIES.length)], features: v, label: rng.next() < p ? 1 : 0 })
    }
  }
  return rows
}

export function toExamples (rows: readonly SyntheticRow[]): Examples {
  const columns = Array.from({ length: FEATURE_COUNT }, () => new Float32Array(rows.length))
  const labels = new Uint8Array(rows.length)
  rows.forEach((r, i) => {
    r.features.forEach((x, j) => { columns[j][i] = x })
    labels[i] = r.label
  })
  return { rows: rows.length, columns, labels }
}

/** The rows as the simulator would write them (header, one line per row). */
export function toCsv (rows: readonly SyntheticRow[]): string {
  const lines = [DATASET_COLUMNS.join(',')]
  rows.forEach((r, i) => {
    lines.push([r.seed, 'store-edge', 'typical', 'CA_1', r.category, `SKU${i % 500}`, `A-${i % 40}`,
      new Date(Date.UTC(2016, 0, 4) + i * 3_600_000).toISOString(), ...r.features, r.label].join(','))
  })
  return lines.join('\n') + '\n'
}

export function writeCsv (file: string, rows: readonly SyntheticRow[]): void {
  writeFileSync(file, toCsv(rows))
}

/** The next float32 above (dir 1) or below (dir -1) x: for inputs right beside a threshold. */
export function nextFloat32 (x: number, dir: 1 | -1): number {
  const f = new Float32Array([x])
  const i = new Int32Array(f.buffer)
  if (x === 0) return dir * 1.401298464324817e-45 // the smallest subnormal
  i[0] += (x > 0) === (dir > 0) ? 1 : -1
  return f[0]
}

/** One CSV per seed in `dir` (as the simulator's generator would write them). */
export function writeSyntheticRuns (dir: string, seeds: readonly number[], rowsPerSeed: number): void {
  for (const seed of seeds) writeCsv(join(dir, `run-${seed}.csv`), syntheticRows([seed], rowsPerSeed, 1000 + seed))
}
