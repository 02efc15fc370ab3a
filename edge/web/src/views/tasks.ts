// Tasks: a live board of open, claimed (and started) and done tasks with their ages and who holds
// them; a manager reassigns or cancels one, with the reason. Moves without a reload on each
// `tasks` notice from the server.

import { get, post } from '../api.js'
import { formDialog } from '../dialog.js'
import { age, badge, h, replace, serverNow } from '../dom.js'
import { isManager, type Ctx, type View } from '../view.js'

export interface Task {
  id: number
  kind: string
  sku: string
  location: string
  fromLocation: string | null
  qty: number | null
  value: number
  laborMin: number
  deadline: string | null
  state: string
  assignee: string | null
  claimedAt: string | null
  startedAt: string | null
  doneAt: string | null
  cancelReason: string | null
  /** A done task's result; decidedBy: the manager who decided a review on the panel. */
  result: { decidedBy?: string } | null
  createdAt: string
  updatedAt: string
}

const KIND_LABEL: Record<string, string> = { fill: 'Fill shelf', putaway: 'Put away', count: 'Count', review: 'Review' }
export const kindLabel = (k: string): string => KIND_LABEL[k] ?? k

function card (t: Task, ctx: Ctx, refresh: () => Promise<void>): HTMLElement {
  const since = t.state === 'done' ? t.doneAt : t.state === 'open' ? t.createdAt : (t.startedAt ?? t.claimedAt)
  const actions = isManager(ctx) && t.state !== 'done' && t.state !== 'cancelled'
    ? h('div.card-actions', {},
      h('button.small', { type: 'button', 'aria-label': `Reassign task ${t.id}`, onclick: () => { void reassign(t, ctx, refresh) } }, 'Reassign'),
      h('button.small.ghost', { type: 'button', 'aria-label': `Cancel task ${t.id}`, onclick: () => { void cancel(t, ctx, refresh) } }, 'Cancel'))
    : null
  return h('article.task', { 'data-task-id': t.id, 'data-state': t.state, tabindex: 0 },
    h('header', {}, badge(kindLabel(t.kind), t.kind === 'fill' ? 'bad' : t.kind === 'putaway' ? 'warn' : 'info'), h('span.muted', {}, `#${t.id}`)),
    h('div.task-what', {}, h('strong', {}, t.sku), ' ', t.qty !== null ? `× ${t.qty}` : ''),
    h('div.muted', {}, t.fromLocation !== null ? `${t.fromLocation} → ${t.location}` : t.location),
    h('footer', {},
      h('span', { title: since ?? '' }, `${t.state === 'done' ? 'done' : t.state} ${age(since)} ago`),
      t.assignee !== null
        ? h('span.who', {}, t.assignee)
        : typeof t.result?.decidedBy === 'string' ? h('span.who', { title: 'decided on the panel' }, `${t.result.decidedBy} (panel)`) : h('span.muted', {}, 'anyone')),
    actions)
}

async function associates (): Promise<Array<{ value: string, label: string }>> {
  const r = await get<{ associates: Array<{ id: string, name: string, active: boolean }> }>('/api/v1/associates').catch(() => ({ associates: [] }))
  return r.associates.filter((a) => a.active).map((a) => ({ value: a.id, label: `${a.name} (${a.id})` }))
}

async function reassign (t: Task, ctx: Ctx, refresh: () => Promise<void>): Promise<void> {
  const people = await associates()
  const v = await formDialog(`Reassign task #${t.id}`, `${kindLabel(t.kind)} ${t.sku} at ${t.location}, now with ${t.assignee ?? 'nobody'}.`, [
    { name: 'to', label: 'Give it to', type: 'select', options: [{ value: '', label: 'Back to the pool (anyone)' }, ...people], value: '' },
    { name: 'reason', label: 'Reason', type: 'textarea', required: true }
  ], 'Reassign')
  if (v === null) return
  try {
    await post(`/api/v1/tasks/${t.id}/reassign`, { to: v.to === '' ? null : v.to, reason: v.reason })
    ctx.toast(`Task #${t.id} reassigned`)
  } catch (e) { ctx.toast((e as Error).message, 'bad') }
  await refresh()
}

async function cancel (t: Task, ctx: Ctx, refresh: () => Promise<void>): Promise<void> {
  const v = await formDialog(`Cancel task #${t.id}`, `${kindLabel(t.kind)} ${t.sku} at ${t.location}.`, [{ name: 'reason', label: 'Reason', type: 'textarea', required: true }], 'Cancel task', 'danger')
  if (v === null) return
  try {
    await post(`/api/v1/tasks/${t.id}/cancel`, { reason: v.reason })
    ctx.toast(`Task #${t.id} cancelled`)
  } catch (e) { ctx.toast((e as Error).message, 'bad') }
  await refresh()
}

export function tasksView (ctx: Ctx): View {
  const columns = {
    open: h('div.col-body', { 'data-column': 'open' }),
    claimed: h('div.col-body', { 'data-column': 'claimed' }),
    done: h('div.col-body', { 'data-column': 'done' })
  }
  const counts = { open: h('span.count'), claimed: h('span.count'), done: h('span.count') }
  const column = (key: keyof typeof columns, title: string): HTMLElement => h('section.column', { 'aria-label': title }, h('h2', {}, title, ' ', counts[key]), columns[key])
  const el = h('div.board', { 'data-testid': 'task-board' }, column('open', 'Open'), column('claimed', 'In progress'), column('done', 'Done today'))
  const refresh = async (): Promise<void> => {
    const [open, claimed, started, done] = await Promise.all(['open', 'claimed', 'started', 'done'].map((s) => get<{ tasks: Task[] }>(`/api/v1/tasks?state=${s}&limit=200`).then((r) => r.tasks)))
    // "Today" on the server's clock, which a demo or a replay runs simulated.
    const dayAgo = serverNow() - 86_400_000
    const lists = {
      open,
      claimed: [...started, ...claimed],
      done: done.filter((t) => t.doneAt !== null && Date.parse(t.doneAt) >= dayAgo).sort((a, b) => Date.parse(b.doneAt!) - Date.parse(a.doneAt!)).slice(0, 50)
    }
    for (const k of Object.keys(columns) as Array<keyof typeof columns>) {
      replace(columns[k], ...(lists[k].length === 0 ? [h('p.empty', {}, 'None')] : lists[k].map((t) => card(t, ctx, refresh))))
      replace(counts[k], String(lists[k].length))
    }
  }
  return { title: 'Tasks', el, topics: ['tasks'], refresh }
}
