// Posts a completion's movements as canonical events through the same ingest path as handheld
// posts, under one device id whose event ids derive from the task id alone: (device, id) makes them
// apply once per task whichever handheld completed it and however often the completion is retried.

import { EdgeError } from '../../../core/errors.js'
import type { CompletionInput } from './types.js'

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
