// Handheld actions on tasks (claim, start, complete, release), one batch at a time. Each action is
// keyed by (device_id, action_id): a replay answers with the first outcome and changes nothing. A
// batch from a handheld back online is applied in the order the associate did the work (its `at`,
// then claim < start < complete < release), whatever order it was sent in; answers keep the
// order sent.

import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { EdgeError, Errors, isEdgeError } from '../../core/errors.js'
import type { Log } from '../../core/log.js'
import type { Ingest } from '../../ingest/pipeline.js'
import type { Associate } from '../../store/associates.js'
import { COMPLETERS } from './completers/index.js'
import { badQuantity } from './completers/quantities.js'
import type { TaskChangeKind } from './changes.js'
import type { CompleteResult, Completion, CompletionReads } from './completers/types.js'
import { panelDecider } from './review-decision.js'
import type { TaskStore } from './task-store.js'
import type { Task, TaskAction } from './types.js'

export interface ActionInput {
  actionId: string
  taskId: number
  action: TaskAction
  /** When the associate did it, ISO 8601 by the handheld's clock; the server's time if left out. */
  at?: string
  /** complete: what the associate reports; which fields a kind reads is its completer's (completers/). */
  result?: CompleteResult
}

export type ActionStatus = 'accepted' | 'duplicate' | 'conflict' | 'rejected'

export interface Outcome {
  status: Exclude<ActionStatus, 'duplicate'>
  task?: { id: number, state: string, version: number, assignee: string | null }
  /** Tasks the completion raised (a count after a short fill). */
  raised?: number[]
  error?: { code: string, message: string, details?: unknown }
}

export interface ActionResult {
  index: number
  actionId: string
  taskId: number
  status: ActionStatus
  task?: Outcome['task']
  raised?: number[]
  error?: Outcome['error']
  /** A duplicate: the answer the action got the first time. */
  first?: Outcome
}

export interface TaskActionsOptions {
  db: Database
  tasks: TaskStore
  ingest: Ingest
  clock: Clock
  log: Log
  /** Largest quantity an action may report, units (config maxQty). */
  maxQty: number
  /** What completers may read of the store (the record, the locations). */
  reads: CompletionReads
}

const ORDER: Record<TaskAction, number> = { claim: 0, start: 1, complete: 2, release: 3 }

/** The change an applied action is announced as (changes.ts). */
const CHANGE_OF: Record<TaskAction, TaskChangeKind> = { claim: 'claimed', start: 'started', complete: 'completed', release: 'released' }

/** Not applied, and why: recorded like an applied action so a replay gets the same answer. */
class Refusal extends Error {
  constructor (readonly outcome: Outcome) { super(outcome.error?.message) }
}

export class TaskActions {
  /** Batches run one after another: a completion awaits its movements' commit, and no other action may slip in between. */
  private chain: Promise<unknown> = Promise.resolve()

  constructor (private readonly o: TaskActionsOptions) {}

  apply (associate: Associate, deviceId: string, actions: ActionInput[]): Promise<ActionResult[]> {
    return this.exclusive(() => this.applyNow(associate, deviceId, actions))
  }

  /**
   * Runs `fn` on the queue the batches run on: no handheld action is applied while it runs (a
   * manager deciding a review on the panel completes it wholly before or after a handheld's batch).
   */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn)
    this.chain = run.catch(() => {})
    return run
  }

  private async applyNow (associate: Associate, deviceId: string, actions: ActionInput[]): Promise<ActionResult[]> {
    const nowMs = this.o.clock.now()
    const timeOf = (a: ActionInput): number => {
      const ms = a.at === undefined ? NaN : Date.parse(a.at)
      return Number.isFinite(ms) ? ms : nowMs
    }
    const order = actions.map((a, i) => i).sort((i, j) =>
      timeOf(actions[i]) - timeOf(actions[j]) || ORDER[actions[i].action] - ORDER[actions[j].action] || i - j)
    const results: ActionResult[] = new Array(actions.length)
    for (const i of order) {
      const a = actions[i]
      const base = { index: i, actionId: a.actionId, taskId: a.taskId }
      const first = this.recorded(deviceId, a.actionId)
      if (first) { results[i] = { ...base, status: 'duplicate', first }; continue }
      let outcome: Outcome
      try {
        outcome = await this.one(associate, deviceId, a, timeOf(a))
      } catch (err) {
        if (!(err instanceof Refusal)) throw err
        outcome = err.outcome
        this.record(associate.id, deviceId, a, outcome)
      }
      results[i] = { ...base, ...outcome }
    }
    return results
  }

  private recorded (deviceId: string, actionId: string): Outcome | undefined {
    const r = this.o.db.prepare('SELECT outcome FROM task_actions WHERE device_id = ? AND action_id = ?').get(deviceId, actionId) as { outcome: string } | undefined
    return r ? JSON.parse(r.outcome) as Outcome : undefined
  }

  private record (associateId: string, deviceId: string, a: ActionInput, outcome: Outcome): void {
    this.o.db.prepare(`INSERT INTO task_actions (associate_id, device_id, action_id, task_id, action, at, applied_at, outcome)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(associateId, deviceId, a.actionId, a.taskId, a.action, a.at ?? null,
      new Date(this.o.clock.now()).toISOString(), JSON.stringify(outcome))
  }

  /** Decides and applies one action; a refusal is thrown as Refusal. */
  private async one (associate: Associate, deviceId: string, a: ActionInput, atMs: number): Promise<Outcome> {
    const task = this.o.tasks.get(a.taskId)
    if (!task) throw refuse('rejected', new EdgeError(Errors.TASK_UNKNOWN, `task ${a.taskId} does not exist`))
    checkAllowed(task, associate.id, a.action)
    const at = new Date(atMs).toISOString()
    if (a.action === 'complete') return await this.complete(task, associate, deviceId, a, atMs)
    if ((a.action === 'claim' && task.state !== 'open') || (a.action === 'start' && task.state === 'started')) {
      // Already the associate's (claimed on another handheld, or a second tap): nothing changes.
      return this.applied(associate.id, deviceId, a, task, 'version', {})
    }
    const set: Record<string, unknown> = a.action === 'claim'
      ? { state: 'claimed', assignee: associate.id, claimed_at: at }
      : a.action === 'start'
        ? { state: 'started', assignee: associate.id, claimed_at: task.claimedAt ?? at, started_at: at }
        : { state: 'open', assignee: null, claimed_at: null, started_at: null }
    return this.applied(associate.id, deviceId, a, task, 'version', set)
  }

  private async complete (task: Task, associate: Associate, deviceId: string, a: ActionInput, atMs: number): Promise<Outcome> {
    const r = a.result ?? {}
    const bad = badQuantity(r, this.o.maxQty)
    if (bad !== null) throw refuse('rejected', bad)
    const completer = COMPLETERS[task.kind]
    if (!completer) throw refuse('rejected', new EdgeError(Errors.TASK_STATE, `a ${task.kind} task cannot be completed from a handheld`, { kind: task.kind }))
    const at = new Date(atMs).toISOString()
    let done: Completion
    try {
      done = await completer({ task, result: r, associateId: associate.id, deviceId, at, ingest: this.o.ingest, maxQty: this.o.maxQty, reads: this.o.reads })
    } catch (err) {
      if (isEdgeError(err) && err.statusCode < 500) throw refuse('rejected', err)
      throw err
    }
    const result = { ...done.result, laborMin: laborMinutes(task, r.laborMin, atMs), note: r.note ?? null, events: done.events }
    let raised: number[] = []
    // Guarded by state and holder, not version: while the movements committed, the detector may
    // have refreshed the task in place (quantity, value), which must not undo a completion whose
    // stock has already moved.
    const outcome = this.applied(associate.id, deviceId, a, task, 'holder',
      { state: 'done', assignee: associate.id, claimed_at: task.claimedAt ?? at, done_at: at, result: JSON.stringify(result) },
      () => { raised = done.inTx?.(this.o.tasks, this.o.db) ?? [] })
    return raised.length ? { ...outcome, raised } : outcome
  }

  /**
   * Writes the change and the action in one transaction, if the task still passes `guard` (its
   * version, or its state and holder, as read before an await); otherwise the action is a conflict.
   * Listeners (the MQTT push) hear of an accepted change once it has committed.
   */
  private applied (associateId: string, deviceId: string, a: ActionInput, task: Task, guard: 'version' | 'holder', set: Record<string, unknown>, also?: () => void): Outcome {
    const now = new Date(this.o.clock.now()).toISOString()
    const taskId = task.id
    const where = guard === 'version' ? 'version = @version' : 'state = @gState AND assignee IS @gAssignee'
    const args = guard === 'version' ? { version: task.version } : { gState: task.state, gAssignee: task.assignee }
    const out = this.o.db.transaction((): Outcome => {
      const cols = Object.keys(set)
      const changed = cols.length === 0
        ? this.o.db.prepare(`UPDATE tasks SET last_action_at = @now WHERE id = @id AND ${where}`).run({ now, id: taskId, ...args }).changes
        : this.o.db.prepare(`UPDATE tasks SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, last_action_at = @now, version = version + 1, updated_at = @now
            WHERE id = @id AND ${where}`).run({ ...set, now, id: taskId, ...args }).changes
      let outcome: Outcome
      if (changed === 0) {
        const t = this.o.tasks.must(taskId)
        outcome = { status: 'conflict', task: brief(t), error: { code: Errors.TASK_CONFLICT.code, message: `task ${taskId} changed while the action was applied`, details: { state: t.state, assignee: t.assignee } } }
      } else {
        const after = this.o.tasks.must(taskId)
        if (cols.length > 0) this.o.tasks.changes.record(CHANGE_OF[a.action], after, { state: task.state, assignee: task.assignee })
        // What the completion raises (a count after a short fill) is announced after it.
        also?.()
        outcome = { status: 'accepted', task: brief(after) }
      }
      this.record(associateId, deviceId, a, outcome)
      return outcome
    }).immediate()
    // Listeners (the MQTT push) hear of the change now that it has committed.
    this.o.tasks.changes.flush()
    return out
  }
}

function brief (t: Task): NonNullable<Outcome['task']> {
  return { id: t.id, state: t.state, version: t.version, assignee: t.assignee }
}

function refuse (status: 'conflict' | 'rejected', err: EdgeError): Refusal {
  return new Refusal({ status, error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } })
}

/** The state rules: who may do what to a task in which state. Throws a Refusal when not allowed. */
function checkAllowed (t: Task, who: string, action: TaskAction): void {
  if (t.state === 'cancelled') {
    throw refuse('conflict', new EdgeError(Errors.TASK_CONFLICT, `task ${t.id} was cancelled: ${t.cancelReason ?? 'no reason given'}`, { state: t.state, at: t.updatedAt, reason: t.cancelReason }))
  }
  if (t.state === 'done') {
    const manager = panelDecider(t)
    if (manager !== null) {
      throw refuse('conflict', new EdgeError(Errors.TASK_CONFLICT, `task ${t.id} was already decided by ${manager} on the panel at ${t.doneAt}`, { state: t.state, by: manager, via: 'panel', at: t.doneAt }))
    }
    const by = t.assignee === who ? 'you' : t.assignee
    throw refuse('conflict', new EdgeError(Errors.TASK_CONFLICT, `task ${t.id} was already completed by ${by} at ${t.doneAt}`, { state: t.state, by: t.assignee, at: t.doneAt }))
  }
  if (t.state !== 'open' && t.assignee !== who) {
    throw refuse('conflict', new EdgeError(Errors.TASK_CONFLICT, `task ${t.id} is ${t.state} by ${t.assignee} since ${t.claimedAt}`, { state: t.state, by: t.assignee, at: t.claimedAt }))
  }
  if (t.state === 'open' && (action === 'complete' || action === 'release')) {
    throw refuse('rejected', new EdgeError(Errors.TASK_STATE, `task ${t.id} is open: claim it before you ${action} it`, { state: t.state }))
  }
}

/** Labor minutes of a completed task: reported, else from start (or claim) to completion, 0.1 min. */
function laborMinutes (task: Task, reported: number | undefined, doneAtMs: number): number {
  if (reported !== undefined) return reported
  const since = task.startedAt ?? task.claimedAt
  const fromMs = since === null ? NaN : Date.parse(since)
  const ms = Number.isFinite(fromMs) ? doneAtMs - fromMs : NaN
  if (!Number.isFinite(ms) || ms < 0) return task.laborMin
  return Math.round(ms / 6_000) / 10
}
