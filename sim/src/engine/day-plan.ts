// One simulated day planned up front from the seed: who comes to buy what and when, what
// vanishes from the shelves unrecorded, and which devices drop off the network when. Each day and
// purpose draws from its own stream, so both policies face the same customers and the same thieves.

import { unitsOn } from '../demand/assortment.js'
import { dayOfWeek, DEFAULT_HOURS, spreadDay } from '../demand/intraday.js'
import { dayDiff } from '../demand/m5.js'
import { demandFactor, type Rates, type Spike } from '../faults.js'
import type { SimSku } from '../layout.js'
import { Rng } from '../rng.js'

export const MINUTES = 1440

export interface Want { sku: number, qty: number }

export interface DayPlan {
  date: string
  /** Purchases by minute of day: SKU index and units wanted. */
  wants: Want[][]
  /** Unrecorded losses by minute: SKU index and units. */
  shrink: Want[][]
  /** Device outages: [id, from minute, to minute). */
  outages: Array<{ id: string, from: number, to: number }>
  /** Units wanted today per SKU (for the record of demand). */
  demand: Uint32Array
}

export interface PlanInputs {
  seed: number
  day: number
  date: string
  skus: readonly SimSku[]
  rates: Rates
  spikes: readonly Spike[]
  promos: ReadonlyArray<{ skus: ReadonlySet<string>, fromDay: number, toDay: number, lift: number }>
  devices: readonly string[]
}

function buckets (): Want[][] {
  return Array.from({ length: MINUTES }, () => [])
}

export function planDay (p: PlanInputs): DayPlan {
  const demandRng = new Rng(p.seed, `demand:${p.day}`)
  const shrinkRng = new Rng(p.seed, `shrink:${p.day}`)
  const outageRng = new Rng(p.seed, `outage:${p.day}`)
  const dow = dayOfWeek(p.date)
  const wants = buckets()
  const shrink = buckets()
  const demand = new Uint32Array(p.skus.length)
  const openMin = DEFAULT_HOURS.open * 60
  const openLen = (DEFAULT_HOURS.close - DEFAULT_HOURS.open) * 60
  for (const [i, s] of p.skus.entries()) {
    const seriesDay = dayDiff(s.demand.base.startDate, p.date)
    let units = unitsOn(s.demand, seriesDay, demandRng)
    const f = demandFactor(s, p.day, p.spikes, p.promos)
    if (f !== 1) {
      const raw = units * f
      units = Math.floor(raw) + (demandRng.chance(raw - Math.floor(raw)) ? 1 : 0)
    }
    demand[i] = units
    for (const buy of spreadDay(units, dow, demandRng)) wants[buy.minute].push({ sku: i, qty: buy.qty })
    const lost = shrinkRng.poisson(units * p.rates.shrinkPct / 100)
    for (let k = 0; k < lost; k++) shrink[openMin + shrinkRng.int(openLen)].push({ sku: i, qty: 1 })
  }
  const outages: DayPlan['outages'] = []
  for (const id of p.devices) {
    if (!outageRng.chance(p.rates.deviceOfflinePct / 100)) continue
    const from = 6 * 60 + outageRng.int(15 * 60)
    outages.push({ id, from, to: Math.min(MINUTES - 1, from + 60 + outageRng.int(180)) })
  }
  return { date: p.date, wants, shrink, outages, demand }
}

export function addDays (date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10)
}
