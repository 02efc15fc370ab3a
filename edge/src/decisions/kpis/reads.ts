// The SQL reads behind the KPIs: live tasks, tasks touched in the window with their first claim,
// and the on-hand changes at receiving locations. Plain reads on the main connection.

import type { Database } from 'better-sqlite3'
import type { TaskKind, TaskState } from '../tasks/types.js'

export interface LiveTaskRow { kind: TaskKind, state: TaskState, createdAt: string }

export interface WindowTaskRow {
  id: number
  kind: TaskKind
  state: TaskState
  createdAt: string
  claimedAt: string | null
  doneAt: string | null
  result: Record<string, unknown> | null
  /** Times of its accepted claim and start actions (the handheld's `at`, else when applied). */
  firstActions: string[]
}

export interface ReceivingRow { sku: string, occurredAt: string, delta: number, reason: string }

export class KpiReads {
  constructor (private readonly db: Database) {}

  liveTasks (): LiveTaskRow[] {
    return this.db.prepare(`SELECT kind, state, created_at AS createdAt FROM tasks WHERE state IN ('open', 'claimed', 'started')`).all() as LiveTaskRow[]
  }

  /**
   * Tasks that changed since `fromIso` (server time) or were completed since then by the
   * handheld's clock: every task with a claim, a completion or a resolution in the window.
   */
  tasksSince (fromIso: string): WindowTaskRow[] {
    const rows = this.db.prepare(`SELECT id, kind, state, created_at, claimed_at, done_at, result FROM tasks
      WHERE updated_at >= @from OR done_at >= @from`).all({ from: fromIso }) as Array<{ id: number, kind: TaskKind, state: TaskState, created_at: string, claimed_at: string | null, done_at: string | null, result: string | null }>
    const actions = this.db.prepare(`SELECT a.task_id AS taskId, COALESCE(a.at, a.applied_at) AS at FROM task_actions a
      WHERE a.action IN ('claim', 'start') AND json_extract(a.outcome, '$.status') = 'accepted'
        AND a.task_id IN (SELECT id FROM tasks WHERE updated_at >= @from OR done_at >= @from)`).all({ from: fromIso }) as Array<{ taskId: number, at: string }>
    const byTask = new Map<number, string[]>()
    for (const a of actions) {
      const list = byTask.get(a.taskId)
      if (list) list.push(a.at)
      else byTask.set(a.taskId, [a.at])
    }
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      state: r.state,
      createdAt: r.created_at,
      claimedAt: r.claimed_at,
      doneAt: r.done_at,
      result: r.result === null ? null : JSON.parse(r.result) as Record<string, unknown>,
      firstActions: byTask.get(r.id) ?? []
    }))
  }

  /** On-hand changes at receiving locations between two event times, in time order. */
  receivingMoves (fromIso: string, toIso: string): ReceivingRow[] {
    return this.db.prepare(`SELECT l.sku, l.occurred_at AS occurredAt, l.delta, l.reason FROM ledger l
      JOIN locations loc ON loc.id = l.location AND loc.kind = 'receiving'
      WHERE l.bucket = 'on_hand' AND l.occurred_at >= ? AND l.occurred_at <= ?
      ORDER BY l.occurred_at, l.id`).all(fromIso, toIso) as ReceivingRow[]
  }
}
