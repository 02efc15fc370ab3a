// Order-up-to for one SKU: enough to cover the demand until the order after this one arrives
// (lead time + review period), plus safety stock for the forecast's error at the category's service
// level, less what the store has (the record, corrected by the phantom estimate) and what is on its
// way; then whole cases, the supplier's minimum, and the space the shelf and backroom have. Every
// step is kept in the reasoning the manager reads.

import { normalQuantile } from './normal.js'

export interface OrderUpToInput {
  /** Forecast units per day; index 0 = the first day after tonight's order is placed. */
  daily: ArrayLike<number>
  /** Units still expected to sell today after the run (the rest of today's forecast). */
  restOfToday: number
  /** Std dev of one day's forecast error, units. */
  sigmaDay: number
  /** Days from placing the order to its arrival. */
  leadTimeDays: number
  /** Std dev of the lead time as the store has seen it, days (0 = deliveries on time). */
  leadTimeStdDays: number
  /** Days until the next order can be placed (the supplier's order days). */
  reviewDays: number
  /** Probability of no stockout over the protection period, e.g. 0.95. */
  serviceLevel: number
  /** On hand by the record, units. */
  onHand: number
  /** Units the phantom estimate says are not really on the shelf (probability x shelf record). */
  phantomUnits: number
  /** Ordered and not yet received (approved orders, open ASNs), units. */
  pipeline: number
  casePack: number
  /** The supplier's minimum order, units; null = none. */
  minOrderUnits: number | null
  /** Units the shelf and backroom hold together; null = not limited. */
  capacity: number | null
}

export interface OrderUpToResult {
  qty: number
  cases: number
  reasoning: {
    protectionDays: number
    demandOverProtection: number
    restOfToday: number
    safetyStock: number
    z: number
    leadTimeStdDays: number
    orderUpTo: number
    onHand: number
    phantomUnits: number
    pipeline: number
    position: number
    need: number
    /** What changed the quantity after the need: rounding, minimum, space. */
    steps: string[]
    /** Units expected on hand when the order arrives, before it. */
    expectedAtArrival: number
    room: number | null
  }
}

const round2 = (v: number): number => Math.round(v * 100) / 100

export function orderUpTo (i: OrderUpToInput): OrderUpToResult {
  const lead = Math.max(0, i.leadTimeDays)
  const protection = lead + Math.max(1, i.reviewDays)
  const demand = sumDays(i.daily, 0, protection)
  const z = normalQuantile(i.serviceLevel)
  // Errors of a day-ahead forecast add up roughly as independent over the protection period; a
  // delivery that can come late adds the demand of the days it is late (the usual
  // sqrt(P sd^2 + d^2 sL^2) of demand over a random lead time).
  const meanDaily = protection > 0 ? demand / protection : 0
  const safety = Math.max(0, z * Math.sqrt(protection * i.sigmaDay ** 2 + (meanDaily * i.leadTimeStdDays) ** 2))
  const level = i.restOfToday + demand + safety
  const onHand = Math.max(0, i.onHand - i.phantomUnits)
  const position = onHand + i.pipeline
  const need = level - position
  const steps: string[] = []
  let cases = need > 0 ? Math.ceil(need / i.casePack - 1e-9) : 0
  if (cases > 0) steps.push(`${round2(need)} units needed, rounded up to ${cases} case(s) of ${i.casePack}`)
  if (cases > 0 && i.minOrderUnits !== null && cases * i.casePack < i.minOrderUnits) {
    cases = Math.ceil(i.minOrderUnits / i.casePack)
    steps.push(`raised to the supplier's minimum of ${i.minOrderUnits} units: ${cases} case(s)`)
  }
  const expectedAtArrival = Math.max(0, position - i.restOfToday - sumDays(i.daily, 0, lead))
  let room: number | null = null
  if (i.capacity !== null && cases > 0) {
    room = Math.max(0, i.capacity - expectedAtArrival)
    const fit = Math.floor(room / i.casePack + 1e-9)
    if (fit < cases) {
      steps.push(`capped to ${fit} case(s): ${round2(room)} units of room on arrival (shelf + backroom ${i.capacity})`)
      cases = fit
      if (cases > 0 && i.minOrderUnits !== null && cases * i.casePack < i.minOrderUnits) {
        steps.push(`below the supplier's minimum of ${i.minOrderUnits} units with the room there is: nothing ordered`)
        cases = 0
      }
    }
  }
  return {
    qty: cases * i.casePack,
    cases,
    reasoning: {
      protectionDays: protection,
      demandOverProtection: round2(demand),
      restOfToday: round2(i.restOfToday),
      safetyStock: round2(safety),
      z: round2(z),
      leadTimeStdDays: round2(i.leadTimeStdDays),
      orderUpTo: round2(level),
      onHand: round2(i.onHand),
      phantomUnits: round2(i.phantomUnits),
      pipeline: round2(i.pipeline),
      position: round2(position),
      need: round2(need),
      steps,
      expectedAtArrival: round2(expectedAtArrival),
      room: room === null ? null : round2(room)
    }
  }
}

/** Units over days [from, from + days), a fractional last day counted in part. */
export function sumDays (daily: ArrayLike<number>, from: number, days: number): number {
  let s = 0
  const whole = Math.floor(days)
  for (let d = 0; d < whole; d++) s += daily[Math.min(from + d, daily.length - 1)] ?? 0
  const part = days - whole
  if (part > 0) s += part * (daily[Math.min(from + whole, daily.length - 1)] ?? 0)
  return s
}
