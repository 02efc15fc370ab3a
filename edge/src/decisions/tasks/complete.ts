// What completing a fill does to inventory: the units moved leave the backroom bin (a pick with
// data.from, so they are in transit to the shelf) and land on the shelf (a putaway, which takes
// them out of transit). Both are canonical events through the same ingest path as handheld posts,
// so the journal, ledger, features and scoring see them like any other movement.

import { EdgeError, Errors } from '../../core/errors.js'
import type { Ingest } from '../../ingest/pipeline.js'
import type { Task } from './types.js'

/**
 * The device id task movements are journalled under. Their event ids are derived from the task id
 * alone, so (device, id) makes them apply once per task whichever handheld completed it and however
 * often the completion is retried.
 */
export const TASK_DEVICE_ID = 'edge-tasks'

export interface FillMovement {
  task: Task
  /** Units moved backroom -> shelf. */
  moved: number
  associateId: string
  /** The handheld the associate used. */
  deviceId: string
  /** Event time, ISO 8601: when the associate completed it. */
  at: string
}

/** Posts the movements; resolves with their event ids, or throws the first rejection's code. */
export async function postFillMovements (ingest: Ingest, m: FillMovement): Promise<string[]> {
  if (m.moved <= 0) return []
  const { task } = m
  const data = { taskId: task.id, associateId: m.associateId, handheld: m.deviceId }
  const from = task.fromLocation
  if (from === null) throw new EdgeError(Errors.BAD_EVENT, `fill task ${task.id} names no backroom location to take stock from`)
  const events = [
    { id: `task-${task.id}-pick`, type: 'pick', sku: task.sku, location: task.location, qty: m.moved, occurredAt: m.at, data: { ...data, from } },
    { id: `task-${task.id}-putaway`, type: 'putaway', sku: task.sku, location: task.location, qty: m.moved, occurredAt: m.at, data }
  ]
  const results = await ingest.postEvents(TASK_DEVICE_ID, events, `task:${task.id}`)
  const bad = results.find((r) => r.status === 'rejected')
  if (bad?.error) {
    throw new EdgeError({ code: bad.error.code, status: 422, message: bad.error.message }, `the fill's movements were refused: ${bad.error.message}`)
  }
  return events.map((e) => e.id)
}

/** Labor minutes of a completed task: reported, else from start (or claim) to completion, 0.1 min. */
export function laborMinutes (task: Task, reported: number | undefined, doneAtMs: number): number {
  if (reported !== undefined) return reported
  const since = task.startedAt ?? task.claimedAt
  const fromMs = since === null ? NaN : Date.parse(since)
  const ms = Number.isFinite(fromMs) ? doneAtMs - fromMs : NaN
  if (!Number.isFinite(ms) || ms < 0) return task.laborMin
  return Math.round(ms / 6_000) / 10
}
