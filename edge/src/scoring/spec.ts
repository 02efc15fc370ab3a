// The shelf-risk contract shared by the server (features, scoring), the simulator (training data)
// and the model pipeline (models/shelf-risk): which features, in which order, in which units, and
// what the model answers. A model is trained on exactly these columns and refused at load unless
// its input is float32 [N, FEATURE_COUNT] named MODEL_INPUT.

export interface FeatureSpec {
  name: string
  /** What it measures, with its unit. */
  doc: string
  /** Values are clamped into [min, max] before scoring (an outlier cannot run a tree off its range). */
  min: number
  max: number
}

// Hours are hours of clock time; rates are units per hour unless named per day.
export const FEATURES = [
  { name: 'shelf_qty', doc: 'record on the shelf: on hand + picked on the way to it, units', min: -1000, max: 100000 },
  { name: 'shelf_fill', doc: 'shelf_qty / shelf capacity, 0-1+ (-1 when the capacity is unknown)', min: -1, max: 10 },
  { name: 'cover_h', doc: 'hours the shelf lasts at the expected rate of sale from now (capped)', min: 0, max: 1000 },
  { name: 'backroom_qty', doc: 'record in backroom locations, units', min: -1000, max: 100000 },
  { name: 'in_transit_qty', doc: 'picked for the shelf and not yet put there, units', min: -1000, max: 100000 },
  { name: 'rate_now', doc: 'expected sales this hour of the week (learned profile x daily rate), units/h', min: 0, max: 10000 },
  { name: 'rate_day', doc: 'smoothed sales per day (EWMA, half-life 7 days), units/day', min: 0, max: 100000 },
  { name: 'since_sale_h', doc: 'hours since the last sale (capped at 720 = no sale in 30 days)', min: 0, max: 720 },
  { name: 'silence_ratio', doc: 'since_sale_h / expected gap between sales at rate_now (capped): a silent fast mover hints at an empty shelf', min: 0, max: 100 },
  { name: 'since_obs_h', doc: 'hours since anyone last looked at the shelf: count, gap detection, fill, shelf check with a quantity (capped 720)', min: 0, max: 720 },
  { name: 'obs_gap', doc: '1 when that last look was a camera gap detection not followed by a fill, else 0', min: 0, max: 1 },
  { name: 'obs_qty', doc: 'units seen at the last look: counted, on hand after a fill, or a shelf check\'s quantity (-1 when none; a gap detection leaves it)', min: -1, max: 100000 },
  { name: 'gaps_24h', doc: 'gap detections in the last 24 h (this clock hour and the 23 before)', min: 0, max: 1000 },
  { name: 'count_var_abs', doc: 'mean |counted - record| over the last 3 shelf or backroom counts of the last 28 days, units (0 when none)', min: 0, max: 100000 },
  { name: 'count_var_signed', doc: 'mean (counted - record) over the same counts: negative = the record runs high (phantom stock)', min: -100000, max: 100000 },
  { name: 'open_tasks', doc: 'open associate tasks on the item (0 until tasks exist)', min: 0, max: 100 },
  { name: 'sales_24h_ratio', doc: 'units sold in the last 24 h / rate_day: a spike (promotion, weather) shows > 1', min: 0, max: 100 },
  { name: 'price_ratio', doc: 'price of the last sale / list price: < 1 on promotion (1 when either is unknown)', min: 0, max: 10 },
  { name: 'lead_time_d', doc: 'supplier lead time, days (2 when the item master has none)', min: 0, max: 365 },
  { name: 'case_to_shelf', doc: 'case pack / shelf capacity (-1 when the capacity is unknown)', min: -1, max: 100 },
  { name: 'hour', doc: 'hour of day of the score, 0-23 (store local time = UTC)', min: 0, max: 23 },
  { name: 'dow', doc: 'day of week of the score, 0 = Sunday', min: 0, max: 6 }
] as const satisfies readonly FeatureSpec[]

export type FeatureName = typeof FEATURES[number]['name']
export const FEATURE_NAMES: readonly FeatureName[] = FEATURES.map((f) => f.name)
export const FEATURE_COUNT = FEATURES.length
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.fromEntries(FEATURES.map((f, i) => [f.name, i])) as Record<FeatureName, number>

/** The label: the shelf is really empty at some open minute within this many hours after the score. */
export const HORIZON_H = 4

/** ONNX input: float32 [N, FEATURE_COUNT]. Output: float32 [N, 1], the probability of the label. */
export const MODEL_INPUT = 'features'
export const MODEL_OUTPUT = 'risk'

/** Clamps a vector in place into each feature's range; NaN becomes the range's lower bound and is reported. */
export function clampFeatures (v: Float32Array, offset = 0): number {
  let nonFinite = 0
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const x = v[offset + i]
    const f = FEATURES[i]
    if (!Number.isFinite(x)) {
      nonFinite++
      v[offset + i] = Number.isNaN(x) ? f.min : x > 0 ? f.max : f.min
    } else if (x < f.min) v[offset + i] = f.min
    else if (x > f.max) v[offset + i] = f.max
  }
  return nonFinite
}
