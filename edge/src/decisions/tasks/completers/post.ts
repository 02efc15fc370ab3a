// Posts a completion's movements as canonical events through the same ingest path as handheld
// posts, under one device id whose event ids derive from the task id alone: (device, id) makes them
// apply once per task whichever handheld completed it and however often the completion is retried.

import { EdgeError, Errors } from '../../../core/errors.js'
import type { CompleteResult, CompletionInput } from './types.js'

/** The device id task movements are journalled under. */
export const TASK_DEVICE_ID = 'edge-tasks'

export type TaskEvent = {
  id: string
  type: string
  sku: string
  location: string
  qty: number
  occurredAt: string
  data: Record<string, unknown>
} & Record<string, unknown>

/** Posts the events; resolves with their ids, or throws the first rejection as a 422. */
export async function postTaskEvents (c: Pick<CompletionInput, 'ingest' | 'task'>, events: TaskEvent[]): Promise<string[]> {
  if (events.length === 0) return []
  const results = await c.ingest.postEvents(TASK_DEVICE_ID, events, `task:${c.task.id}`)
  const bad = results.find((r) => r.status === 'rejected')
  if (bad?.error) {
    throw new EdgeError({ code: bad.error.code, status: 422, message: bad.error.message }, `the task's movements were refused: ${bad.error.message}`)
  }
  return events.map((e) => e.id)
}

type Counts = NonNullable<CompleteResult['counts']>

/**
 * Posts counts as cycle_counts (ids from the task and the location: a retry applies each once),
 * after checking them whole: whole units, each location once and known to the store. Nothing is
 * posted if any is wrong.
 */
export async function postCounts (c: Pick<CompletionInput, 'ingest' | 'task' | 'reads' | 'associateId' | 'deviceId' | 'at'>, counts: Counts, data: Record<string, unknown> = {}): Promise<string[]> {
  const seen = new Set<string>()
  for (const x of counts) {
    if (!Number.isInteger(x.qty)) throw new EdgeError(Errors.BAD_QTY, `counted ${x.qty} at ${x.location}: whole units only`)
    if (seen.has(x.location)) throw new EdgeError(Errors.BAD_EVENT, `location ${x.location} is counted twice`)
    seen.add(x.location)
  }
  const unknown = counts.filter((x) => c.reads.kindOf(x.location) === undefined).map((x) => x.location)
  if (unknown.length > 0) throw new EdgeError(Errors.UNKNOWN_LOCATION, `unknown location${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in the count`, { locations: unknown })
  const task = c.task
  return await postTaskEvents(c, counts.map((x) => ({
    id: `task-${task.id}-count-${x.location}`,
    type: 'cycle_count',
    sku: task.sku,
    location: x.location,
    qty: x.qty,
    occurredAt: c.at,
    data: { taskId: task.id, associateId: c.associateId, handheld: c.deviceId, ...data }
  })))
}
