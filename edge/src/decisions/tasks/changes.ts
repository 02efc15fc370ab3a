// Task change notices for listeners (the MQTT push to handhelds): every write path of the task store
// and the handheld actions records what changed, and listeners hear of it once the write has
// committed. Task writes are synchronous better-sqlite3 transactions, so a change recorded inside
// one is held until the transaction ends (flushed by the writer right after, or on the next
// microtask at the latest) and dropped if it was rolled back.

import type { Database } from 'better-sqlite3'
import type { Task, TaskState } from './types.js'

export const TASK_CHANGES = ['created', 'updated', 'claimed', 'started', 'released', 'completed', 'cancelled'] as const
export type TaskChangeKind = typeof TASK_CHANGES[number]

export interface TaskChange {
  change: TaskChangeKind
  /** The task as the write left it. */
  task: Task
  /** State and assignee just before the write (null for a new task): who held it, whether it was open. */
  before: { state: TaskState, assignee: string | null } | null
}

export type TaskChangeListener = (c: TaskChange) => void

export class TaskChanges {
  private readonly listeners: TaskChangeListener[] = []
  private pending: TaskChange[] = []
  private scheduled = false

  constructor (private readonly db: Database) {}

  on (fn: TaskChangeListener): () => void {
    this.listeners.push(fn)
    return () => {
      const i = this.listeners.indexOf(fn)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  /** Records a change written just now; told to listeners once it has committed. */
  record (change: TaskChangeKind, task: Task, before: TaskChange['before']): void {
    if (this.listeners.length === 0) return
    this.pending.push({ change, task, before })
    if (!this.db.inTransaction) { this.flush(); return }
    if (!this.scheduled) {
      this.scheduled = true
      queueMicrotask(() => { this.scheduled = false; this.flush() })
    }
  }

  /** Tells listeners the changes that committed; call after a transaction that wrote tasks. */
  flush (): void {
    if (this.db.inTransaction || this.pending.length === 0) return
    const due = this.pending
    this.pending = []
    const versionOf = this.db.prepare('SELECT version FROM tasks WHERE id = ?').pluck()
    for (const c of due) {
      // A rolled-back write left an older version (or no row): nothing happened, nothing is told.
      const v = versionOf.get(c.task.id) as number | undefined
      if (v === undefined || v < c.task.version) continue
      for (const fn of this.listeners) {
        // A listener handles (and logs) its own failures; one that throws must not stop the others
        // or reach the writer, whose write has already committed.
        try { fn(c) } catch { /* see above */ }
      }
    }
  }
}
