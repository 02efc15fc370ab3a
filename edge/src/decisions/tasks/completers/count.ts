// Completing a count: what the associate counted replaces the record, one cycle_count per location
// counted (result.found at the task's location, or result.counts for several, such as the shelf and
// the SKU's backroom bin). Event ids derive from the task id and the location, so a retried
// completion applies each count once. The journal writes the ERP-bound inventory_adjustment for a
// count that changed the record, in the count's own transaction; the result says by how much (the
// count's ledger rows), which is what count_checks (migration 007) keeps for precision.

import { EdgeError, Errors } from '../../../core/errors.js'
import { postTaskEvents, TASK_DEVICE_ID } from './post.js'
import type { Completer } from './types.js'

export const completeCount: Completer = async (c) => {
  const { task, result: r } = c
  if (r.found !== undefined && r.counts !== undefined) {
    throw new EdgeError(Errors.BAD_EVENT, 'a count reports result.found (the task\'s location) or result.counts, not both')
  }
  const counts = r.counts ?? (r.found !== undefined ? [{ location: task.location, qty: r.found }] : [])
  if (counts.length === 0) throw new EdgeError(Errors.BAD_EVENT, `count task ${task.id}: report result.found or result.counts [{location, qty}]`)
  const seen = new Set<string>()
  for (const x of counts) {
    if (!Number.isInteger(x.qty)) throw new EdgeError(Errors.BAD_QTY, `counted ${x.qty} at ${x.location}: whole units only`)
    if (seen.has(x.location)) throw new EdgeError(Errors.BAD_EVENT, `location ${x.location} is counted twice`)
    seen.add(x.location)
  }
  const known = c.db.prepare('SELECT 1 FROM locations WHERE id = ?')
  const unknown = counts.filter((x) => known.get(x.location) === undefined).map((x) => x.location)
  // Checked before anything is posted: a count is applied whole or not at all.
  if (unknown.length > 0) throw new EdgeError(Errors.UNKNOWN_LOCATION, `unknown location${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in the count`, { locations: unknown })
  const data = { taskId: task.id, associateId: c.associateId, handheld: c.deviceId }
  const events = await postTaskEvents(c, counts.map((x) => ({
    id: `task-${task.id}-count-${x.location}`, type: 'cycle_count', sku: task.sku, location: x.location, qty: x.qty, occurredAt: c.at, data
  })))
  // What each count did to the record: its on-hand ledger row (also on a retry, whose events are duplicates).
  const ledger = c.db.prepare(`SELECT l.delta FROM events e JOIN ledger l ON l.event_seq = e.seq
    WHERE e.device_id = ? AND e.event_id = ? AND l.bucket = 'on_hand' AND l.location = ?`)
  const counted = counts.map((x, i) => {
    const row = ledger.get(TASK_DEVICE_ID, events[i], x.location) as { delta: number } | undefined
    return { location: x.location, qty: x.qty, delta: row?.delta ?? 0 }
  })
  const delta = counted.reduce((a, x) => a + x.delta, 0)
  const absDelta = counted.reduce((a, x) => a + Math.abs(x.delta), 0)
  const here = counted.find((x) => x.location === task.location)
  return {
    result: { found: here?.qty ?? null, counts: counted, delta, absDelta, discrepancy: absDelta > 0 },
    events
  }
}
