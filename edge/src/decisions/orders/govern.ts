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

/** The usual order: the median of the last approved ones once there are 3, else what min-max orders a cycle. */
export function usualOrder (lastApproved: readonly number[] | undefined, minMaxCycle: number): number {
  if (lastApproved === undefined || lastApproved.length < 3) return minMaxCycle
  const s = [...lastApproved].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function deviationPct (qty: number, usual: number): number | null {
  return usual > 0 ? Math.abs(qty - usual) / usual * 100 : null
}
