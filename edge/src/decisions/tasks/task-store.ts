// The tasks table: create, refresh a fill in place, cancel, read, and the state changes the action
// handler decides on. Writes are small synchronous transactions on the main connection (like the
// device registry and the model registry), not the journal thread: a task row changes once per
// associate action, not once per event, and the inventory movements a completion causes do go
// through ingest and the journal thread (complete.ts).

import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { EdgeError, Errors } from '../../core/errors.js'
import { AuditLog } from '../../store/audit.js'
import { TaskChanges, type TaskChangeListener } from './changes.js'
import { LIVE_UNIQUE_KINDS, toTask, type Task, type TaskDraft, type TaskKind, type TaskRow, type TaskState } from './types.js'

export interface TaskFilter {
  state?: TaskState
  kind?: TaskKind
  sku?: string
  location?: string
  assignee?: string
  limit?: number
}

export class TaskStore {
  /** Every write below records its change here; listeners hear of it after the commit (changes.ts). */
  readonly changes: TaskChanges
  /** Task overrides and sweeps go to the one audit log (hash-chained, store/audit.ts). */
  private readonly auditLog: AuditLog

  constructor (private readonly db: Database, private readonly clock: Clock) {
    this.changes = new TaskChanges(db)
    this.auditLog = new AuditLog(db, () => this.now())
  }

  /** Calls `fn` after each task write commits (created, updated in place, claimed, ..., cancelled); returns an unsubscribe. */
  onChange (fn: TaskChangeListener): () => void {
    return this.changes.on(fn)
  }

  private now (): string { return new Date(this.clock.now()).toISOString() }

  get (id: number): Task | undefined {
    const r = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined
    return r ? toTask(r) : undefined
  }

  /** The task or EDGE_ERR_TASK_UNKNOWN. */
  must (id: number): Task {
    const t = this.get(id)
    if (!t) throw new EdgeError(Errors.TASK_UNKNOWN, `task ${id} does not exist`)
    return t
  }

  list (f: TaskFilter = {}): Task[] {
    const where: string[] = []
    const args: unknown[] = []
    for (const [col, v] of [['state', f.state], ['kind', f.kind], ['sku', f.sku], ['location', f.location], ['assignee', f.assignee]] as const) {
      if (v !== undefined) { where.push(`${col} = ?`); args.push(v) }
    }
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY value DESC, id LIMIT ?`
    return (this.db.prepare(sql).all(...args, f.limit ?? 500) as TaskRow[]).map(toTask)
  }

  /** Open tasks best first (value per labor minute, then the earliest deadline), and the ones `assignee` holds. */
  offered (assignee: string, limit: number): { open: Task[], mine: Task[] } {
    const open = (this.db.prepare(`SELECT * FROM tasks WHERE state = 'open'
      ORDER BY value DESC, deadline IS NULL, deadline, id LIMIT ?`).all(limit) as TaskRow[]).map(toTask)
    const mine = (this.db.prepare(`SELECT * FROM tasks WHERE assignee = ? AND state IN ('claimed', 'started')
      ORDER BY value DESC, id`).all(assignee) as TaskRow[]).map(toTask)
    return { open, mine }
  }

  /** Every live fill (open, claimed or started): at most one per SKU-location. */
  liveFills (): Task[] {
    return this.liveOf('fill')
  }

  /** Runs `fn` in one transaction (a detector's many small writes commit once). */
  batch<T> (fn: () => T): T {
    const out = this.db.transaction(fn).immediate()
    this.changes.flush()
    return out
  }

  /** A new task; a kind with one live task per SKU-location (LIVE_UNIQUE_KINDS) goes through upsertLive. */
  create (d: TaskDraft): Task {
    if (LIVE_UNIQUE_KINDS.has(d.kind)) return this.upsertLive(d).task
    return this.insert(d)
  }

  private insert (d: TaskDraft): Task {
    const now = this.now()
    const r = this.db.prepare(`INSERT INTO tasks (kind, sku, location, from_location, qty, value, labor_min, deadline, why, lineage, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(d.kind, d.sku, d.location, d.fromLocation ?? null, d.qty ?? null, d.value ?? 0,
      d.laborMin ?? 0, d.deadline ?? null, JSON.stringify(d.why ?? {}), JSON.stringify(d.lineage ?? []), now, now)
    const task = this.get(Number(r.lastInsertRowid))!
    this.changes.record('created', task, null)
    return task
  }

  /** The fill of a SKU-location: see upsertLive. */
  upsertFill (d: TaskDraft): { task: Task, created: boolean } {
    return this.upsertLive({ ...d, kind: 'fill' })
  }

  /**
   * The live task of this kind at a SKU-location: a new one, or the live one updated in place
   * (quantity, value, why, source, deadline; lineage grows). An associate already on it keeps it.
   * A unique partial index per kind (migrations) makes a second live one impossible.
   */
  upsertLive (d: TaskDraft): { task: Task, created: boolean } {
    const out = this.db.transaction(() => {
      const live = this.live(d.kind, d.sku, d.location)
      if (!live) return { task: this.insert(d), created: true }
      const lineage = [...new Set([...live.lineage, ...(d.lineage ?? [])])]
      this.db.prepare(`UPDATE tasks SET qty = ?, value = ?, labor_min = ?, why = ?, lineage = ?, from_location = ?, deadline = ?,
          version = version + 1, updated_at = ? WHERE id = ?`)
        .run(d.qty ?? live.qty, d.value ?? live.value, d.laborMin ?? live.laborMin, JSON.stringify(d.why ?? live.why),
          JSON.stringify(lineage), d.fromLocation ?? live.fromLocation, d.deadline ?? live.deadline, this.now(), live.id)
      const task = this.get(live.id)!
      this.changes.record('updated', task, { state: live.state, assignee: live.assignee })
      return { task, created: false }
    }).immediate()
    this.changes.flush()
    return out
  }

  /** The live (open, claimed or started) task of a kind at a SKU-location, if any. */
  live (kind: TaskKind, sku: string, location: string): Task | undefined {
    const r = this.db.prepare(`SELECT * FROM tasks WHERE kind = ? AND sku = ? AND location = ? AND state IN ('open', 'claimed', 'started')
      ORDER BY id LIMIT 1`).get(kind, sku, location) as TaskRow | undefined
    return r ? toTask(r) : undefined
  }

  /** Every live task of a SKU, best value first (the handheld's item lookup). */
  liveForSku (sku: string): Task[] {
    return (this.db.prepare(`SELECT * FROM tasks WHERE sku = ? AND state IN ('open', 'claimed', 'started') ORDER BY value DESC, id`).all(sku) as TaskRow[]).map(toTask)
  }

  /** Every live task of a kind. */
  liveOf (kind: TaskKind): Task[] {
    return (this.db.prepare(`SELECT * FROM tasks WHERE kind = ? AND state IN ('open', 'claimed', 'started')`).all(kind) as TaskRow[]).map(toTask)
  }

  /** No longer needed (the shelf was filled, the gap cleared): cancelled with the reason. */
  cancel (id: number, reason: string): Task {
    const t = this.must(id)
    if (t.state === 'done' || t.state === 'cancelled') {
      throw new EdgeError(Errors.TASK_STATE, `task ${id} is already ${t.state}`, { state: t.state, at: t.doneAt ?? t.updatedAt })
    }
    this.db.prepare(`UPDATE tasks SET state = 'cancelled', cancel_reason = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(reason, this.now(), id)
    const task = this.get(id)!
    this.changes.record('cancelled', task, { state: t.state, assignee: t.assignee })
    return task
  }

  /**
   * A manager hands a live task to another associate (claimed by them, keeping 'started' if work
   * began), or back to the pool (`to` null: open, nobody). Heard by the handhelds as a claim or a
   * release, so both the old and the new holder's lists update.
   */
  reassign (id: number, to: string | null): Task {
    const t = this.must(id)
    if (t.state === 'done' || t.state === 'cancelled') {
      throw new EdgeError(Errors.TASK_STATE, `task ${id} is already ${t.state}`, { state: t.state, at: t.doneAt ?? t.updatedAt })
    }
    const now = this.now()
    if (to === null) {
      this.db.prepare(`UPDATE tasks SET state = 'open', assignee = NULL, claimed_at = NULL, version = version + 1, updated_at = ? WHERE id = ?`).run(now, id)
    } else {
      this.db.prepare(`UPDATE tasks SET state = CASE WHEN state = 'started' THEN 'started' ELSE 'claimed' END, assignee = ?, claimed_at = ?,
        last_action_at = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(to, now, now, now, id)
    }
    const task = this.get(id)!
    this.changes.record(to === null ? 'released' : 'claimed', task, { state: t.state, assignee: t.assignee })
    return task
  }

  /**
   * Claimed tasks with no action for `staleMin` minutes of the server clock go back to the pool.
   * Returns the ids released.
   */
  releaseStale (staleMin: number): number[] {
    const nowMs = this.clock.now()
    const before = new Date(nowMs - staleMin * 60_000).toISOString()
    const ids = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT id, assignee FROM tasks WHERE state = 'claimed' AND last_action_at < ?`).all(before) as Array<{ id: number, assignee: string }>
      const now = new Date(nowMs).toISOString()
      for (const r of rows) {
        this.db.prepare(`UPDATE tasks SET state = 'open', assignee = NULL, claimed_at = NULL, version = version + 1, updated_at = ? WHERE id = ?`).run(now, r.id)
        this.audit('system', 'task.release_stale', r.id, { assignee: r.assignee, staleMin })
        this.changes.record('released', this.get(r.id)!, { state: 'claimed', assignee: r.assignee })
      }
      return rows.map((r) => r.id)
    }).immediate()
    this.changes.flush()
    return ids
  }

  /** One row of the audit log about a task (in the caller's transaction), with the manager's reason when there is one. */
  audit (actor: string, action: string, taskId: number, detail: Record<string, unknown>, reason?: string): void {
    this.auditLog.append({ kind: action, actor, subject: `task:${taskId}`, inputs: detail, reason: reason ?? null })
  }
}
