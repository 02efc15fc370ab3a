// Completing a put-away: the units moved leave the receiving location and land where they went (a
// putaway event with data.from = the dock, so the journal moves them in one step). The associate
// may report fewer units (result.moved, default the task's qty) or another destination (result.to,
// default the task's location); what is left at the dock gets a new put-away from the detector.

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
  if (moved > held) throw new EdgeError(Errors.BAD_QTY, `moved ${moved} but ${from} holds only ${held} of ${task.sku} by the record`, { moved, held, from })
  const events = moved <= 0
    ? []
    : await postTaskEvents(c, [{
      id: `task-${task.id}-putaway`,
      type: 'putaway',
      sku: task.sku,
      location: to,
      qty: moved,
      occurredAt: c.at,
      data: { taskId: task.id, associateId: c.associateId, handheld: c.deviceId, from }
    }])
  return { result: { moved, to, from }, events }
}
