// Store-edge work straight from the server's task list (issue 5): fills, put-aways, counts and
// receiving reviews, ranked by the server (expected lost revenue avoided per labor minute). The
// associates take the best one their role covers, and report back with task actions, so the
// server's detectors, ranking, cancellations and completions are what run the store.

import type { ServerTask, StoreApi } from '../drive/api.js'
import type { Layout, SimSku } from '../layout.js'
import type { Now } from './policy.js'
import type { TaskLine, TaskSource } from './store-edge.js'

/** Open tasks read per look: more than a store's associates can do between two looks. */
const LIMIT = 1000
/**
 * A task within this many minutes of its deadline (or past it) jumps the queue, as the handheld
 * app shows it first; priorities are otherwise the server's value per labor minute.
 */
const DUE_SOON_MIN = 30
const DUE_BOOST = 1000

export class ServerTasks implements TaskSource {
  readonly authoritative = true
  private readonly bySku = new Map<string, SimSku>()

  constructor (layout: Layout, private readonly api: StoreApi) {
    for (const s of layout.skus) this.bySku.set(s.sku, s)
  }

  async next (now: Now): Promise<TaskLine[]> {
    const out: TaskLine[] = []
    for (const t of await this.api.openTasks(LIMIT)) {
      const line = this.lineOf(t, now)
      if (line) out.push(line)
    }
    return out
  }

  private lineOf (t: ServerTask, now: Now): TaskLine | null {
    const s = this.bySku.get(t.sku)
    if (!s) return null
    const deadline = t.deadline === null ? NaN : Date.parse(t.deadline)
    const due = Number.isFinite(deadline) && deadline - now.t <= DUE_SOON_MIN * 60000
    const priority = t.value + (due ? DUE_BOOST : 0)
    const task = { id: t.id, qty: t.qty, ...(t.kind === 'putaway' ? { to: t.location === s.shelfLocation ? 'shelf' as const : 'backroom' as const } : {}) }
    return { kind: t.kind, sku: t.sku, priority, reason: `server task ${t.id} (${t.kind})`, task }
  }
}
