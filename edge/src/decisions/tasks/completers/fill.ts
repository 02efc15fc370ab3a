// Completing a fill: the units moved leave the backroom bin (a pick with data.from, so they are in
// transit to the shelf) and land on the shelf (a putaway, which takes them out of transit). A fill
// that finds less than it asked for raises a count of the bin: the record said there was enough.

import { EdgeError, Errors } from '../../../core/errors.js'
import { postTaskEvents } from './post.js'
import type { Completer } from './types.js'

export const completeFill: Completer = async (c) => {
  const { task, result: r } = c
  const asked = task.qty ?? 0
  const moved = r.moved ?? asked
  const found = r.found ?? moved
  if (moved > found) throw new EdgeError(Errors.BAD_QTY, `moved ${moved} but found only ${found}`)
  const from = task.fromLocation
  if (from === null) throw new EdgeError(Errors.BAD_EVENT, `fill task ${task.id} names no backroom location to take stock from`)
  const data = { taskId: task.id, associateId: c.associateId, handheld: c.deviceId }
  const events = moved <= 0
    ? []
    : await postTaskEvents(c, [
      { id: `task-${task.id}-pick`, type: 'pick', sku: task.sku, location: task.location, qty: moved, occurredAt: c.at, data: { ...data, from } },
      { id: `task-${task.id}-putaway`, type: 'putaway', sku: task.sku, location: task.location, qty: moved, occurredAt: c.at, data }
    ])
  return {
    result: { moved, found },
    events,
    inTx: (tasks) => {
      if (found >= asked) return []
      // The backroom record said there was enough: the bin gets counted.
      const count = tasks.create({
        kind: 'count',
        sku: task.sku,
        location: from,
        value: task.value,
        laborMin: 3, // minutes: one bin count
        why: { rule: 'short_fill', text: `fill found ${found} of ${asked}`, fillTaskId: task.id, found, asked },
        lineage: events
      })
      return [count.id]
    }
  }
}
