// Which proposals a manager must see, by the policy: every reason that stops an order going
// through on its own. No reason means auto-approve.

import type { OrderPolicy } from './ports.js'

export interface GovernInput {
  qty: number
  value: number | null
  confidence: number
  deviationPct: number | null
  /** Why the inputs are stale (the quantity is min-max then); [] = fresh. */
  stale: string[]
}

export function reviewReasons (i: GovernInput, p: OrderPolicy): string[] {
  const out = i.stale.map((s) => `fallback to min-max: ${s}`)
  const a = p.autoApprove
  if (i.confidence < a.minConfidence) out.push(`forecast confidence ${i.confidence.toFixed(2)} is below ${a.minConfidence}`)
  if (i.value === null) out.push('the item has no cost or price: the order value is unknown')
  else if (i.value > a.maxValue) out.push(`order value ${i.value.toFixed(2)} is over ${a.maxValue}`)
  if (i.deviationPct !== null && i.deviationPct > a.maxDeviationPct) out.push(`${Math.round(i.deviationPct)}% away from the usual order (limit ${a.maxDeviationPct}%)`)
  return out
}

/**
 * The usual order: the median of the last approved ones once there are 3, else the SKU's average
 * demand over one review period in whole cases (at least one): what an order cycle usually needs.
 */
export function usualOrder (lastApproved: readonly number[] | undefined, cycleNeed: number): number {
  if (lastApproved === undefined || lastApproved.length < 3) return cycleNeed
  const s = [...lastApproved].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The usual order of a cycle when a SKU has no approved orders yet: average demand over the review period, in whole cases. */
export function cycleNeed (meanDaily: number, reviewDays: number, casePack: number): number {
  return Math.max(1, Math.round(meanDaily * reviewDays / casePack)) * casePack
}

/**
 * How far an order is from the usual one, percent of the usual, beyond one case either way: with
 * orders of one or two cases, a case more or less is rounding, not a change of mind.
 */
export function deviationPct (qty: number, usual: number, casePack: number): number | null {
  return usual > 0 ? Math.max(0, Math.abs(qty - usual) - casePack) / usual * 100 : null
}
