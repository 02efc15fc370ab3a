// What goes wrong in real stores, each with a rate you can set, and the scenario presets that bundle
// them. Rates are percentages so a command line reads like an operations report ("2% shrink").

export interface Rates {
  /** Units that vanish from shelves unrecorded (theft, damage), as a % of units sold. */
  shrinkPct: number
  /** Delivery lines that arrive wrong (short a case, over a case, or a case of another item), %. */
  receivingErrorPct: number
  /** Put-away cartons left in the wrong backroom spot, %. */
  misplacePct: number
  /** Handheld scans that record a wrong quantity, %. */
  scanErrorPct: number
  /** Really empty shelf facings a camera pass does not report, %. */
  gapMissPct: number
  /** Gap reports per camera per day for a facing that is not empty. */
  gapFalsePerDay: number
  /** Chance per device per day of an outage of 1 to 4 hours, %. */
  deviceOfflinePct: number
  /** Supplier deliveries that arrive 1-3 days late, %. */
  lateDeliveryPct: number
}

/** A weather event: demand for whole categories multiplied for some days. */
export interface Spike { categories: string[], fromDay: number, toDay: number, factor: number }

/** A promotion: some SKUs' demand lifted and their price cut for some days. */
export interface Promotion { skus: string[] | 'top', fromDay: number, toDay: number, lift: number, discountPct: number }

export const ZERO_RATES: Rates = {
  shrinkPct: 0, receivingErrorPct: 0, misplacePct: 0, scanErrorPct: 0, gapMissPct: 0, gapFalsePerDay: 0, deviceOfflinePct: 0, lateDeliveryPct: 0
}

/** Typical grocery figures: ~2% shrink, a few % receiving and put-away errors. */
export const TYPICAL_RATES: Rates = {
  shrinkPct: 2, receivingErrorPct: 3, misplacePct: 3, scanErrorPct: 1, gapMissPct: 10, gapFalsePerDay: 2, deviceOfflinePct: 5, lateDeliveryPct: 5
}

export interface Scenario {
  name: string
  description: string
  rates: Rates
  spikes: Spike[]
  promotions: Promotion[]
}

export const SCENARIOS: Record<string, Scenario> = {
  calm: { name: 'calm', description: 'nothing goes wrong: every rate 0', rates: ZERO_RATES, spikes: [], promotions: [] },
  typical: { name: 'typical', description: 'typical grocery error rates', rates: TYPICAL_RATES, spikes: [], promotions: [] },
  rough: {
    name: 'rough',
    description: 'a badly run store: three times the typical error rates',
    rates: { ...TYPICAL_RATES, shrinkPct: 6, receivingErrorPct: 9, misplacePct: 9, scanErrorPct: 3, gapMissPct: 20, gapFalsePerDay: 4, deviceOfflinePct: 15, lateDeliveryPct: 15 },
    spikes: [],
    promotions: []
  },
  storm: {
    name: 'storm',
    description: 'typical rates, and a storm that triples food demand on days 8-10',
    rates: TYPICAL_RATES,
    spikes: [{ categories: ['FOODS'], fromDay: 8, toDay: 10, factor: 3 }],
    promotions: []
  },
  promo: {
    name: 'promo',
    description: 'typical rates, and a week-long promotion (x2.5 demand, 20% off) on the ten best sellers from day 7',
    rates: TYPICAL_RATES,
    spikes: [],
    promotions: [{ skus: 'top', fromDay: 7, toDay: 13, lift: 2.5, discountPct: 20 }]
  }
}

export function scenario (name: string): Scenario {
  const s = SCENARIOS[name]
  if (!s) throw new RangeError(`unknown scenario "${name}" (one of: ${Object.keys(SCENARIOS).join(', ')})`)
  return s
}

/** Checks every rate is a number in range, naming the one that is not. */
export function checkRates (r: Rates): void {
  for (const [k, v] of Object.entries(r)) {
    const max = k === 'gapFalsePerDay' ? 1000 : 100
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new RangeError(`rate ${k} = ${String(v)}: must be a number from 0 to ${max}`)
  }
}

/** Demand multiplier for a SKU on a day (spikes and promotions multiply). */
export function demandFactor (sku: { sku: string, category: string }, day: number, spikes: readonly Spike[], promos: ReadonlyArray<{ skus: ReadonlySet<string>, fromDay: number, toDay: number, lift: number }>): number {
  let f = 1
  for (const s of spikes) if (day >= s.fromDay && day <= s.toDay && s.categories.includes(sku.category)) f *= s.factor
  for (const p of promos) if (day >= p.fromDay && day <= p.toDay && p.skus.has(sku.sku)) f *= p.lift
  return f
}
