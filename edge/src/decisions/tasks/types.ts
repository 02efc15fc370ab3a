// A task as the API and the decision core see it, and its row in the tasks table (migration 005).

export const TASK_KINDS = ['fill', 'putaway', 'count', 'review'] as const
export type TaskKind = typeof TASK_KINDS[number]
export const TASK_STATES = ['open', 'claimed', 'started', 'done', 'cancelled'] as const
export type TaskState = typeof TASK_STATES[number]
export const TASK_ACTIONS = ['claim', 'start', 'complete', 'release'] as const
export type TaskAction = typeof TASK_ACTIONS[number]

/** States in which a task still waits for work (at most one such fill per SKU-location). */
export const LIVE_STATES: readonly TaskState[] = ['open', 'claimed', 'started']

/**
 * Kinds with at most one live task per SKU-location, updated in place by their detector (each has a
 * unique partial index in the migrations): a second fill, count or put-away of the same thing would
 * send two associates to it.
 */
export const LIVE_UNIQUE_KINDS: ReadonlySet<TaskKind> = new Set<TaskKind>(['fill', 'count', 'putaway'])

export interface Task {
  id: number
  kind: TaskKind
  sku: string
  location: string
  fromLocation: string | null
  qty: number | null
  /** Expected lost revenue avoided per labor minute (currency per minute): the rank. */
  value: number
  /** Estimated labor, minutes. */
  laborMin: number
  deadline: string | null
  why: Record<string, unknown>
  lineage: string[]
  state: TaskState
  assignee: string | null
  claimedAt: string | null
  startedAt: string | null
  doneAt: string | null
  cancelReason: string | null
  result: Record<string, unknown> | null
  lastActionAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

/** What creates or refreshes a task; the server fills state, times and version. */
export interface TaskDraft {
  kind: TaskKind
  sku: string
  location: string
  fromLocation?: string | null
  qty?: number | null
  value?: number
  laborMin?: number
  deadline?: string | null
  why?: Record<string, unknown>
  lineage?: string[]
}

export interface TaskRow {
  id: number
  kind: TaskKind
  sku: string
  location: string
  from_location: string | null
  qty: number | null
  value: number
  labor_min: number
  deadline: string | null
  why: string
  lineage: string
  state: TaskState
  assignee: string | null
  claimed_at: string | null
  started_at: string | null
  done_at: string | null
  cancel_reason: string | null
  result: string | null
  last_action_at: string | null
  version: number
  created_at: string
  updated_at: string
}

export function toTask (r: TaskRow): Task {
  return {
    id: r.id,
    kind: r.kind,
    sku: r.sku,
    location: r.location,
    fromLocation: r.from_location,
    qty: r.qty,
    value: r.value,
    laborMin: r.labor_min,
    deadline: r.deadline,
    why: JSON.parse(r.why) as Record<string, unknown>,
    lineage: JSON.parse(r.lineage) as string[],
    state: r.state,
    assignee: r.assignee,
    claimedAt: r.claimed_at,
    startedAt: r.started_at,
    doneAt: r.done_at,
    cancelReason: r.cancel_reason,
    result: r.result === null ? null : JSON.parse(r.result) as Record<string, unknown>,
    lastActionAt: r.last_action_at,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}
