// The quantities a completion reports are checked before any completer runs, whoever completes
// (an associate's handheld, a manager deciding a review on the panel): a negative, non-numeric or
// absurd number is refused whole, so nothing is posted for it.

import { EdgeError, Errors } from '../../../core/errors.js'
import type { CompleteResult } from './types.js'

/** The refusal for the first quantity that is negative, not a number or over `maxQty` (units); null when all are fine. */
export function badQuantity (r: CompleteResult, maxQty: number): EdgeError | null {
  const fields = { moved: r.moved, found: r.found, laborMin: r.laborMin, ...Object.fromEntries((r.counts ?? []).map((c, i) => [`counts[${i}].qty`, c.qty])) }
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0 || v > maxQty)) {
      return new EdgeError(Errors.BAD_QTY, `result.${k} = ${v} is negative or over the limit of ${maxQty}`)
    }
  }
  return null
}
