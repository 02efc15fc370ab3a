// Completing a put-away: the units moved leave the receiving location and land where they went (a
// putaway event with data.from = the dock, so the journal moves them in one step). The associate
// may report fewer units (result.moved, default the task's qty) or another destination (result.to,
// default the task's location); what is left at the dock gets a new put-away from the detector.
// What the associate saw at the dock (result.found: the item's units there before moving any) is a
// count of it: a receipt scanned short or twice, or cartons already gone, would otherwise leave a
// record no put-away can ever clear. Moving more than the record holds implies found >= moved.

import { EdgeError, Errors } from '../../../core/errors.js'
import { postTaskEvents } from './post.js'
import type { Completer } from './types.js'

export const completePutaway: Completer = async (c) => {
  const { task, result: r } = c
  const from = task.fromLocation
  if (from === null) throw new EdgeError(Errors.BAD_EVENT, `put-away task ${task.id} names no receiving location to take stock from`)
  const moved = r.moved ?? task.qty ?? 0
  const to = r.to ?? task.location
  if (c.reads.kindOf(to) === undefined) throw new EdgeError(Errors.UNKNOWN_LOCATION, `result.to "${to}" is not a location of this store`, { to })
  if (to === from) throw new EdgeError(Errors.BAD_EVENT, `result.to "${to}" is the receiving location itself`, { to })
  const held = c.reads.onHand(task.sku, from)
  const found = r.found ?? (moved > held ? moved : undefined)
  if (found !== undefined && moved > found) throw new EdgeError(Errors.BAD_QTY, `moved ${moved} but found only ${found} at ${from}`, { moved, found, from })
  const data = { taskId: task.id, associateId: c.associateId, handheld: c.deviceId }
  const events: Parameters<typeof postTaskEvents>[1] = []
  // The dock count goes first: the put-away then takes its units from what was really there.
  if (found !== undefined && found !== held) events.push({ id: `task-${task.id}-dock-count`, type: 'cycle_count', sku: task.sku, location: from, qty: found, occurredAt: c.at, data })
  if (moved > 0) events.push({ id: `task-${task.id}-putaway`, type: 'putaway', sku: task.sku, location: to, qty: moved, occurredAt: c.at, data: { ...data, from } })
  const posted = await postTaskEvents(c, events)
  return { result: { moved, to, from, found: found ?? null, dockRecord: held }, events: posted }
}
