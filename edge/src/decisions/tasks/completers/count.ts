// Completing a count: what the associate counted replaces the record, one cycle_count per location
// counted (result.found at the task's location, or result.counts for several, such as the shelf and
// the SKU's backroom bin). Event ids derive from the task id and the location, so a retried
// completion applies each count once. The journal writes the ERP-bound inventory_adjustment for a
// count that changed the record, in the count's own transaction; the result says by how much (the
// count's ledger rows), which is what count_checks (migration 007) keeps for precision.

import { EdgeError, Errors } from '../../../core/errors.js'
import { postCounts } from './post.js'
import type { Completer } from './types.js'

export const completeCount: Completer = async (c) => {
  const { task, result: r } = c
  if (r.found !== undefined && r.counts !== undefined) {
    throw new EdgeError(Errors.BAD_EVENT, 'a count reports result.found (the task\'s location) or result.counts, not both')
  }
  const counts = r.counts ?? (r.found !== undefined ? [{ location: task.location, qty: r.found }] : [])
  if (counts.length === 0) throw new EdgeError(Errors.BAD_EVENT, `count task ${task.id}: report result.found or result.counts [{location, qty}]`)
  const events = await postCounts(c, counts)
  // What each count did to the record: its on-hand ledger rows (also on a retry, whose events are duplicates).
  const counted = counts.map((x, i) => ({ location: x.location, qty: x.qty, delta: c.reads.onHandDelta(events[i], x.location) }))
  const delta = counted.reduce((a, x) => a + x.delta, 0)
  const absDelta = counted.reduce((a, x) => a + Math.abs(x.delta), 0)
  const here = counted.find((x) => x.location === task.location)
  return {
    result: { found: here?.qty ?? null, counts: counted, delta, absDelta, discrepancy: absDelta > 0 },
    events
  }
}
