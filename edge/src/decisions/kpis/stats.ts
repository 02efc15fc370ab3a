// The arithmetic of the KPIs, pure so it is tested without a server: quantiles (of tasks, or of
// units weighted by how many moved), age buckets, and backroom dwell by first-in first-out per SKU.

export interface Sample {
  value: number
  /** How many this sample stands for (units of a dwell); 1 for a task. */
  weight: number
}

export interface Summary {
  n: number
  median: number | null
  p90: number | null
}

const r2 = (v: number): number => Math.round(v * 100) / 100

/**
 * Quantile q (0-1) of samples, each counted `weight` times: linear interpolation between the
 * order statistics around rank (N - 1) * q (Hyndman and Fan type 7, what spreadsheets and numpy
 * give), N the total weight. Integer weights give exactly the quantile of the expanded list.
 * Null for no samples.
 */
export function quantile (samples: readonly Sample[], q: number): number | null {
  const s = samples.filter((x) => x.weight > 0 && Number.isFinite(x.value)).sort((a, b) => a.value - b.value)
  if (s.length === 0) return null
  const total = s.reduce((n, x) => n + x.weight, 0)
  const h = Math.max(0, (total - 1) * q)
  const at = (rank: number): number => {
    // The sample whose cumulative weight first passes `rank` (0-based).
    let cum = 0
    for (const x of s) {
      cum += x.weight
      if (cum > rank) return x.value
    }
    return s[s.length - 1].value
  }
  const lo = Math.floor(h)
  const vLo = at(lo)
  return vLo + (h - lo) * (at(Math.ceil(h)) - vLo)
}

/** Count, median and 90th percentile of plain values (one sample each), rounded to 0.01. */
export function summarize (values: readonly number[]): Summary {
  return summarizeWeighted(values.map((value) => ({ value, weight: 1 })), values.length)
}

/** Median and 90th percentile of weighted samples, rounded to 0.01; `n` as the caller counts it. */
export function summarizeWeighted (samples: readonly Sample[], n: number): Summary {
  const med = quantile(samples, 0.5)
  const p90 = quantile(samples, 0.9)
  return { n, median: med === null ? null : r2(med), p90: p90 === null ? null : r2(p90) }
}

/** Age buckets of open tasks, minutes: [15, 60, 240) split them into four. */
export const AGE_BUCKETS = ['<15m', '15-60m', '1-4h', '>4h'] as const
export type AgeBucket = typeof AGE_BUCKETS[number]

export function ageBucket (ageMin: number): AgeBucket {
  if (ageMin < 15) return '<15m'
  if (ageMin < 60) return '15-60m'
  if (ageMin < 240) return '1-4h'
  return '>4h'
}

export function emptyBuckets (): Record<AgeBucket, number> {
  return { '<15m': 0, '15-60m': 0, '1-4h': 0, '>4h': 0 }
}

/** One on-hand change at a receiving location (a ledger row). */
export interface ReceivingMove {
  sku: string
  atMs: number
  /** Units: positive arrived (a receipt, a count that found more), negative left. */
  delta: number
  reason: string
}

/** Ledger reasons that take units out of receiving to where they belong: the end of a dwell. */
export const PUT_AWAY_REASONS: ReadonlySet<string> = new Set(['putaway', 'pick'])

export interface DwellResult {
  /** Units put away inside the window and how long each lot of them waited, hours. */
  samples: Sample[]
  /** Units put away in the window with no arrival on record since the look-back began. */
  unmatchedUnits: number
  /** What still waits in receiving now, per SKU: units and the age of each lot, hours. */
  waiting: Array<{ sku: string, units: number, ageH: number }>
}

/**
 * Backroom dwell: units arriving at receiving queue per SKU; units leaving take the oldest first
 * (FIFO). A put-away (PUT_AWAY_REASONS) inside [fromMs, toMs] gives a sample per lot it drew
 * from; other departures (a count that found fewer, shrink) use up lots without a sample. `moves`
 * in time order.
 */
export function fifoDwell (moves: readonly ReceivingMove[], fromMs: number, toMs: number): DwellResult {
  const lots = new Map<string, Array<{ atMs: number, units: number }>>()
  const samples: Sample[] = []
  let unmatchedUnits = 0
  for (const m of moves) {
    if (m.delta === 0 || m.atMs > toMs) continue
    const queue = lots.get(m.sku) ?? []
    lots.set(m.sku, queue)
    if (m.delta > 0) { queue.push({ atMs: m.atMs, units: m.delta }); continue }
    const counted = PUT_AWAY_REASONS.has(m.reason) && m.atMs >= fromMs
    let need = -m.delta
    while (need > 0 && queue.length > 0) {
      const lot = queue[0]
      const take = Math.min(need, lot.units)
      if (counted) samples.push({ value: Math.max(0, m.atMs - lot.atMs) / 3_600_000, weight: take })
      lot.units -= take
      need -= take
      if (lot.units <= 1e-9) queue.shift()
    }
    if (counted && need > 0) unmatchedUnits += need
  }
  const waiting: DwellResult['waiting'] = []
  for (const [sku, queue] of lots) {
    for (const lot of queue) waiting.push({ sku, units: lot.units, ageH: Math.max(0, toMs - lot.atMs) / 3_600_000 })
  }
  return { samples, unmatchedUnits, waiting }
}
