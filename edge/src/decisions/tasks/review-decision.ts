// A manager decides a receiving review on the panel instead of an associate on a handheld. The same
// completer (completers/review.ts) checks the decision, posts a recount's cycle counts through
// ingest (the record corrected, the ERP-bound adjustment written) and resolves the discrepancy, in
// the transaction that marks the task done and writes the audit row naming the manager and why.
//
// A review an associate holds (claimed or started) may still be decided: the manager overrides.
// It runs on the handheld actions' queue (TaskActions.exclusive), so a handheld's completion of the
// same review applies wholly before it (the manager then hears the task is done) or after it (the
// handheld gets the conflict any second completion gets, naming the manager and when).

import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Ingest } from '../../ingest/pipeline.js'
import { badQuantity } from './completers/quantities.js'
import { completeReview, REVIEW_DECISIONS } from './completers/review.js'
import type { CompleteResult, CompletionReads } from './completers/types.js'
import type { TaskStore } from './task-store.js'
import type { Task } from './types.js'

export type ReviewDecisionKind = typeof REVIEW_DECISIONS[number]

export interface ReviewDecision {
  taskId: number
  decision: ReviewDecisionKind
  /** A recount: what was counted where, units. */
  counts?: NonNullable<CompleteResult['counts']>
  /** Why (required): kept on the task and in the audit log. */
  reason: string
  /** The version the manager read: a task changed since is refused (EDGE_ERR_TASK_CONFLICT). */
  version?: number
  /** Who decides: the signed-in manager's user name ('admin' for the admin token). */
  by: string
}

export interface ReviewDecisionOptions {
  db: Database
  tasks: TaskStore
  ingest: Ingest
  clock: Clock
  /** Largest quantity a count may report, units (config maxQty). */
  maxQty: number
  reads: CompletionReads
}

/** The manager who decided a task on the panel, or null (done on a handheld, or not done). */
export function panelDecider (t: Pick<Task, 'result'>): string | null {
  const by = t.result?.decidedBy
  return typeof by === 'string' ? by : null
}

/**
 * Decides the review and answers with the task done. Refusals, before anything is posted:
 * EDGE_ERR_TASK_UNKNOWN, EDGE_ERR_TASK_KIND (not a review), EDGE_ERR_TASK_STATE (done or cancelled
 * already), EDGE_ERR_TASK_CONFLICT (a version other than the task's), EDGE_ERR_BAD_QTY, and the
 * completer's own (EDGE_ERR_REVIEW_DECISION, EDGE_ERR_UNKNOWN_LOCATION, ...).
 */
export async function decideReview (o: ReviewDecisionOptions, d: ReviewDecision): Promise<Task> {
  const task = o.tasks.must(d.taskId)
  if (task.kind !== 'review') {
    throw new EdgeError(Errors.TASK_KIND, `task ${task.id} is a ${task.kind} task, not a receiving review`, { kind: task.kind })
  }
  if (task.state === 'done' || task.state === 'cancelled') throw closed(task)
  if (d.version !== undefined && d.version !== task.version) {
    throw new EdgeError(Errors.TASK_CONFLICT, `task ${task.id} changed since you read it (version ${d.version}, now ${task.version}): look again before deciding`,
      { version: task.version, state: task.state, assignee: task.assignee })
  }
  const result: CompleteResult = { decision: d.decision, counts: d.counts ?? [] }
  const bad = badQuantity(result, o.maxQty)
  if (bad !== null) throw bad
  const at = new Date(o.clock.now()).toISOString()
  const done = await completeReview({ task, result, associateId: null, deviceId: null, decidedBy: d.by, at, ingest: o.ingest, maxQty: o.maxQty, reads: o.reads })
  // No labor minutes: the KPIs count associates' work, and a decision on the panel is not that.
  const kept = { ...done.result, laborMin: null, note: null, events: done.events, decidedBy: d.by, reason: d.reason }
  const out = o.db.transaction((): Task => {
    // Guarded by state only: whoever holds it, the manager's decision stands. Only a cancel that
    // slipped in while the counts were posted (the cancel route is not on the queue) stops it.
    const changed = o.db.prepare(`UPDATE tasks SET state = 'done', assignee = NULL, done_at = @at, result = @result, last_action_at = @at,
        version = version + 1, updated_at = @at WHERE id = @id AND state IN ('open', 'claimed', 'started')`)
      .run({ at, result: JSON.stringify(kept), id: task.id }).changes
    if (changed === 0) throw closed(o.tasks.must(task.id))
    const after = o.tasks.must(task.id)
    // The holder's handheld hears of it (push.ts: whoever held it just before).
    o.tasks.changes.record('completed', after, { state: task.state, assignee: task.assignee })
    done.inTx?.(o.tasks, o.db)
    o.tasks.audit(d.by, 'task.review', task.id, { decision: d.decision, counts: d.counts ?? [], via: 'panel', heldBy: task.assignee, events: done.events }, d.reason)
    return after
  }).immediate()
  o.tasks.changes.flush()
  return out
}

function closed (t: Task): EdgeError {
  if (t.state === 'cancelled') return new EdgeError(Errors.TASK_STATE, `task ${t.id} was cancelled: ${t.cancelReason ?? 'no reason given'}`, { state: t.state, at: t.updatedAt })
  const manager = panelDecider(t)
  const by = manager !== null ? `${manager} on the panel` : `${t.assignee ?? 'someone'} on a handheld`
  return new EdgeError(Errors.TASK_STATE, `task ${t.id} was already decided by ${by} at ${t.doneAt}`, { state: t.state, by: manager ?? t.assignee, at: t.doneAt })
}
