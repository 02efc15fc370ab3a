// Approvals: order proposals waiting for a manager, each with its reasoning (forecast, safety
// stock, on hand, pipeline) and static min-max beside it; approve, modify (whole cases, a reason)
// or reject (a reason). Below them the receiving adjustments waiting for review: accept as received
// or recount (counts per place, a reason). A decided one leaves the list at once, here and on every
// other panel.

import { get, post } from '../api.js'
import { formDialog } from '../dialog.js'
import { age, badge, h, num, pct, replace, until } from '../dom.js'
import { isManager, type Ctx, type View } from '../view.js'

export interface Proposal {
  id: number
  sku: string
  orderDay: string
  state: string
  qty: number
  cases: number
  casePack: number
  minMaxQty: number
  minMax: { min?: number, max?: number, qty?: number }
  value: number | null
  usualQty: number | null
  deviationPct: number | null
  confidence: number
  fallback: boolean
  reviewReasons: string[]
  reasoning: Record<string, unknown>
  expiresAt: string
  createdAt: string
  version: number
}


function facts (p: Proposal): HTMLElement {
  const r = p.reasoning as { orderUpTo?: Record<string, unknown>, forecast?: Record<string, unknown>, leadTimeDays?: number, reviewDays?: number, supplier?: string | null, serviceLevel?: number }
  const o = (r.orderUpTo ?? {}) as Record<string, number | string[] | null | undefined>
  const row = (k: string, v: string): HTMLElement => h('div', {}, h('dt', {}, k), h('dd', {}, v))
  const n = (v: unknown): string => typeof v === 'number' ? num(Math.round(v * 10) / 10) : '–'
  const steps = Array.isArray(o.steps) ? o.steps : []
  return h('div', {},
    h('dl.facts', {},
      row(`Demand over ${n(o.protectionDays)} days`, n(o.demandOverProtection)),
      row(`Safety stock (${pct(r.serviceLevel ?? null, 1)} service)`, n(o.safetyStock)),
      row('Order up to', n(o.orderUpTo)),
      row('On hand', `${n(o.onHand)}${typeof o.phantomUnits === 'number' && o.phantomUnits > 0 ? ` (less ${n(o.phantomUnits)} likely phantom)` : ''}`),
      row('On order', n(o.pipeline)),
      row('Lead time / review', `${n(r.leadTimeDays)} d / ${n(r.reviewDays)} d`),
      row('Forecast confidence', pct(p.confidence)),
      row('Usual order', p.usualQty === null ? '–' : num(p.usualQty))),
    steps.length > 0 ? h('p.muted', {}, 'Then: ', steps.join('; ')) : null)
}

async function decide (p: Proposal, action: 'approve' | 'modify' | 'reject', ctx: Ctx, refresh: () => Promise<void>): Promise<void> {
  let body: Record<string, unknown> = { version: p.version }
  if (action === 'modify') {
    const v = await formDialog(`Modify the order for ${p.sku}`, `Proposed ${p.qty} units (${p.cases} cases of ${p.casePack}); min-max would order ${p.minMaxQty}.`, [
      { name: 'cases', label: 'Cases to order', type: 'number', required: true, min: 1, step: 1, value: String(p.cases) },
      { name: 'reason', label: 'Reason', type: 'textarea', required: true }
    ], 'Approve modified')
    if (v === null) return
    body = { ...body, qty: Number(v.cases) * p.casePack, reason: v.reason }
  } else if (action === 'reject') {
    const v = await formDialog(`Reject the order for ${p.sku}`, `Proposed ${p.qty} units.`, [{ name: 'reason', label: 'Reason', type: 'textarea', required: true }], 'Reject', 'danger')
    if (v === null) return
    body = { ...body, reason: v.reason }
  }
  try {
    await post(`/api/v1/order-proposals/${p.id}/${action}`, body)
    ctx.toast(`${p.sku}: ${action === 'approve' ? 'approved' : action === 'modify' ? 'approved with your quantity' : 'rejected'}`)
  } catch (e) { ctx.toast((e as Error).message, 'bad') }
  await refresh()
}

function proposalCard (p: Proposal, ctx: Ctx, refresh: () => Promise<void>): HTMLElement {
  const diff = p.qty - p.minMaxQty
  return h('article.proposal', { 'data-proposal-id': p.id, tabindex: 0 },
    h('header', {},
      h('div', {}, h('strong', {}, p.sku), h('span.muted', {}, ` order day ${p.orderDay}`)),
      h('div', {}, ...p.reviewReasons.map((r) => badge(r, 'warn')), p.fallback ? badge('fallback: min-max', 'bad') : null)),
    h('div.compare', {},
      h('div.big', {}, h('span.label', {}, 'Proposed'), h('span.value', {}, `${num(p.qty)}`), h('span.muted', {}, `${p.cases} × ${p.casePack}`)),
      h('div.big', {}, h('span.label', {}, 'Min-max'), h('span.value', {}, `${num(p.minMaxQty)}`), h('span.muted', {}, `min ${p.minMax.min ?? '–'} / max ${p.minMax.max ?? '–'}`)),
      h('div.big', {}, h('span.label', {}, 'Difference'), h('span.value', {}, `${diff > 0 ? '+' : ''}${num(diff)}`), h('span.muted', {}, p.value !== null ? `value ${num(Math.round(p.value))}` : ''))),
    facts(p),
    h('footer', {},
      h('span.muted', {}, `made ${age(p.createdAt)} ago, expires in ${until(p.expiresAt)}`),
      isManager(ctx)
        ? h('div.card-actions', {},
          h('button.primary', { type: 'button', onclick: () => { void decide(p, 'approve', ctx, refresh) } }, 'Approve'),
          h('button', { type: 'button', onclick: () => { void decide(p, 'modify', ctx, refresh) } }, 'Modify'),
          h('button.ghost', { type: 'button', onclick: () => { void decide(p, 'reject', ctx, refresh) } }, 'Reject'))
        : h('span.muted', {}, 'a manager decides')))
}

interface ReviewTask {
  id: number
  sku: string
  location: string
  state: string
  assignee: string | null
  version: number
  createdAt: string
  why: { asn?: string, supplier?: string | null, kind?: string, expected?: number, received?: number, text?: string }
}

/** What a review is about, in a sentence. */
function reviewText (t: ReviewTask): string {
  const from = t.why.supplier ? ` from ${t.why.supplier}` : ''
  return `${t.sku} on ASN ${t.why.asn ?? '–'}${from}: expected ${num(t.why.expected ?? null)}, received ${num(t.why.received ?? null)} at ${t.location}.`
}

/** Where a recount counts: the review's location first, then the receiving and backroom places that hold the item (at most 6). */
async function recountPlaces (t: ReviewTask): Promise<Array<{ location: string, onHand: number }>> {
  const item = await get<{ positions: Array<{ location: string, kind: string | null, onHand: number }> }>(`/api/v1/items/${encodeURIComponent(t.sku)}`).catch(() => ({ positions: [] }))
  const here = item.positions.find((p) => p.location === t.location)
  const others = item.positions.filter((p) => p.location !== t.location && p.onHand > 0 && (p.kind === 'receiving' || p.kind === 'backroom'))
  return [{ location: t.location, onHand: here?.onHand ?? 0 }, ...others.slice(0, 5).map((p) => ({ location: p.location, onHand: p.onHand }))]
}

async function decideReview (t: ReviewTask, decision: 'accept' | 'recount', ctx: Ctx, refresh: () => Promise<void>): Promise<void> {
  const held = t.assignee !== null ? ` ${t.assignee} holds it on a handheld: your decision stands instead of theirs.` : ''
  const reason = { name: 'reason', label: 'Reason', type: 'textarea' as const, required: true }
  let body: Record<string, unknown>
  if (decision === 'accept') {
    const v = await formDialog(`Accept ${t.sku} as received`, [reviewText(t), ' The receipt stands as scanned; the ERP already has the discrepancy.', held], [reason], 'Accept as received')
    if (v === null) return
    body = { decision, reason: v.reason, version: t.version }
  } else {
    const places = await recountPlaces(t)
    const v = await formDialog(`Recount ${t.sku}`, [reviewText(t), ' The counts correct the record and the ERP gets the adjustment. Leave a place empty if it was not counted.', held], [
      ...places.map((p, i) => ({ name: `count:${p.location}`, label: `Counted at ${p.location}`, type: 'number' as const, required: i === 0, min: 0, step: 1, hint: `on record: ${num(p.onHand)}` })),
      reason
    ], 'Post the recount')
    if (v === null) return
    const counts = places.filter((p) => (v[`count:${p.location}`] ?? '') !== '').map((p) => ({ location: p.location, qty: Number(v[`count:${p.location}`]) }))
    body = { decision, counts, reason: v.reason, version: t.version }
  }
  try {
    await post(`/api/v1/tasks/${t.id}/review`, body)
    ctx.toast(`${t.sku}: ${decision === 'accept' ? 'accepted as received' : 'recount posted'}`)
  } catch (e) { ctx.toast((e as Error).message, 'bad') }
  await refresh()
}

/** Receiving discrepancies waiting for their review: a manager decides here, or an associate on a handheld. */
function reviewsCard (reviews: ReviewTask[], ctx: Ctx, refresh: () => Promise<void>): HTMLElement {
  const manager = isManager(ctx)
  return h('section.card', { 'aria-labelledby': 'reviews-h', 'data-testid': 'reviews' },
    h('h2', { id: 'reviews-h' }, 'Receiving adjustments waiting for review'),
    h('p.muted', {}, 'Accept a receipt as scanned, or recount it: the counts correct the record and the ERP gets the adjustment (it already has the discrepancy). ',
      manager ? 'Decide here, or leave it to an associate on a handheld.' : 'A manager decides here, or an associate on a handheld.'),
    h('div.scroll', {}, h('table.data.compact', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'ASN'), h('th', {}, 'Expected'), h('th', {}, 'Received'), h('th', {}, 'Waiting'), h('th', {}, 'Held by'), manager ? h('th', {}, h('span.sr-only', {}, 'Decide')) : null)),
      h('tbody', {}, ...reviews.map((t) => h('tr', { 'data-task-id': t.id },
        h('td', {}, h('strong', {}, t.sku), h('div.muted', {}, t.why.text ?? t.location)),
        h('td', {}, t.why.asn ?? '–', t.why.supplier ? h('div.muted', {}, t.why.supplier) : null),
        h('td.num', {}, num(t.why.expected ?? null)),
        h('td.num', {}, num(t.why.received ?? null)),
        h('td', {}, age(t.createdAt)),
        h('td', {}, t.assignee ?? h('span.muted', {}, 'nobody')),
        manager
          ? h('td.row-actions', {},
            h('button.small', { type: 'button', 'aria-label': `Accept ${t.sku} as received`, onclick: () => { void decideReview(t, 'accept', ctx, refresh) } }, 'Accept as received'),
            h('button.small', { type: 'button', 'aria-label': `Recount ${t.sku}`, onclick: () => { void decideReview(t, 'recount', ctx, refresh) } }, 'Recount'))
          : null))))))
}

export function approvalsView (ctx: Ctx): View {
  const list = h('div.stack', { 'data-testid': 'approvals' })
  const summary = h('p.muted')
  const reviews = h('div')
  const el = h('section', {}, summary, list, reviews)
  const refresh = async (): Promise<void> => {
    const reviewsIn = (state: string): Promise<ReviewTask[]> => get<{ tasks: ReviewTask[] }>(`/api/v1/tasks?kind=review&state=${state}&limit=200`).then((x) => x.tasks)
    const [r, open, claimed, started] = await Promise.all([
      get<{ proposals: Proposal[] }>('/api/v1/order-proposals?state=pending&limit=200'),
      reviewsIn('open'), reviewsIn('claimed'), reviewsIn('started')
    ])
    replace(summary, r.proposals.length === 0 ? 'No order proposal waits for a decision.' : `${r.proposals.length} order proposals wait for a manager. The rest were within the policy and approved automatically.`)
    replace(list, ...r.proposals.map((p) => proposalCard(p, ctx, refresh)))
    const waiting = [...open, ...claimed, ...started]
    replace(reviews, waiting.length === 0 ? null : reviewsCard(waiting, ctx, refresh))
  }
  return { title: 'Approvals', el, topics: ['proposals', 'tasks'], refresh }
}
