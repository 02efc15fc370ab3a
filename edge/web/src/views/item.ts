// One item: where it is (positions on the shelf and in the backroom), its current shelf-risk score
// with why, a chart of the score and the stock over the last days, and the ledger timeline (every
// movement with its time, quantity and reason).

import { get, getOptional } from '../api.js'
import { timeChart } from '../chart.js'
import { h, num, replace, scoreBar, when } from '../dom.js'
import type { Ctx, View } from '../view.js'
import { scorerBadge, whyList, type RiskRow } from './risk.js'

interface ItemDetail {
  item: { sku: string, description: string, category: string | null, casePack: number }
  positions: Array<{ location: string, kind: string | null, onHand: number, inTransit: number, reserved: number, updatedAt: string | null }>
  totals: { onHand: number, shelf: number, backroom: number, inTransit: number }
  ledger: Array<{ id: number, location: string, bucket: string, delta: number, balance: number, reason: string, occurredAt: string }>
  risk: RiskRow[]
}

/** Score and stock over time (GET /api/v1/items/{sku}/timeline): step series per location. */
interface Timeline {
  /** Now on the server's clock (simulated in a demo). */
  to: string
  series: {
    stock: Array<{ location: string, kind: string | null, points: Array<{ at: string, onHand: number }> }>
    risk: Array<{ location: string, points: Array<{ at: string, score: number }> }>
  }
}

/**
 * The step series on one time axis (epoch seconds) for the chart: shelf and backroom stock summed
 * over their locations, and the highest shelf score; each value holds until the next change.
 */
export function alignTimeline (tl: Timeline, nowMs: number): { x: number[], shelf: Array<number | null>, backroom: Array<number | null>, score: Array<number | null> } {
  const end = Math.floor(nowMs / 1000)
  const times = new Set<number>([end])
  // Points after the server's now (a snapshot imported at wall time into a simulated store) are left out.
  for (const s of [...tl.series.stock, ...tl.series.risk]) for (const p of s.points) { const t = Math.floor(Date.parse(p.at) / 1000); if (t <= end) times.add(t) }
  const x = [...times].sort((a, b) => a - b)
  const valueAt = <P extends { at: string }>(points: P[], t: number, pick: (p: P) => number): number | null => {
    let v: number | null = null
    for (const p of points) { if (Date.parse(p.at) / 1000 <= t) v = pick(p); else break }
    return v
  }
  const sum = (kind: string): Array<number | null> => x.map((t) => {
    const vals = tl.series.stock.filter((s) => s.kind === kind).map((s) => valueAt(s.points, t, (p) => p.onHand)).filter((v): v is number => v !== null)
    return vals.length === 0 ? null : vals.reduce((a, b) => a + b, 0)
  })
  const score = x.map((t) => {
    const vals = tl.series.risk.map((s) => valueAt(s.points, t, (p) => p.score)).filter((v): v is number => v !== null)
    return vals.length === 0 ? null : Math.max(...vals)
  })
  return { x, shelf: sum('shelf'), backroom: sum('backroom'), score }
}

export function itemView (ctx: Ctx): View {
  const sku = ctx.params.sku
  const head = h('div.toolbar')
  const positions = h('section.card', { 'aria-labelledby': 'pos-h' })
  const risk = h('section.card', { 'aria-labelledby': 'irisk-h' })
  const chart = h('div.chart', { 'data-testid': 'item-chart' })
  const chartCard = h('section.card', { 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Score and stock, last 3 days'), chart)
  const ledger = h('section.card', { 'aria-labelledby': 'ledger-h' })
  const el = h('section', { 'data-testid': 'item' }, head, h('div.grid2', {}, positions, risk), h('div.stack', {}, chartCard, ledger))
  let disposeChart: (() => void) | null = null

  const refresh = async (): Promise<void> => {
    const [d, tl] = await Promise.all([
      get<ItemDetail>(`/api/v1/items/${encodeURIComponent(sku)}?ledger=100`),
      getOptional<Timeline>(`/api/v1/items/${encodeURIComponent(sku)}/timeline?hours=72`)
    ])
    replace(head, h('div', {}, h('h2', { 'data-testid': 'item-title' }, d.item.description !== '' ? d.item.description : d.item.sku), h('span.muted', {}, `${d.item.sku} · ${d.item.category ?? 'no category'} · case of ${d.item.casePack}`)),
      h('a', { href: '#/risk' }, '← Shelf risk'))
    replace(positions, h('h2', { id: 'pos-h' }, 'Where it is'),
      h('p.muted', {}, `${num(d.totals.onHand)} on hand: ${num(d.totals.shelf)} on the shelf, ${num(d.totals.backroom)} in the backroom, ${num(d.totals.inTransit)} on the way.`),
      h('table.data.compact', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Location'), h('th', {}, 'Kind'), h('th', {}, 'On hand'), h('th', {}, 'In transit'), h('th', {}, 'Updated'))),
        h('tbody', {}, ...d.positions.map((p) => h('tr', {}, h('td', {}, p.location), h('td', {}, p.kind ?? '–'), h('td', {}, num(p.onHand)), h('td', {}, num(p.inTransit)), h('td', {}, when(p.updatedAt)))))))
    replace(risk, h('h2', { id: 'irisk-h' }, 'Shelf risk now'),
      d.risk.length === 0
        ? h('p.muted', {}, 'Not scored yet.')
        : h('div.stack', {}, ...d.risk.map((r) => h('div', {}, h('div', {}, h('strong', {}, r.location), ' ', scoreBar(r.score), ' ', scorerBadge(r)), whyList(r.why)))))
    disposeChart?.()
    disposeChart = null
    const points = tl === null ? 0 : [...tl.series.stock, ...tl.series.risk].reduce((n, s) => n + s.points.length, 0)
    if (tl === null || points === 0) replace(chart, h('p.muted', {}, 'No history yet for this item.'))
    else {
      replace(chart)
      const a = alignTimeline(tl, Date.parse(tl.to))
      disposeChart = timeChart(chart, a.x, [
        { label: 'shelf stock', values: a.shelf, color: '#1f6feb', scale: 'y', fill: true },
        { label: 'backroom', values: a.backroom, color: '#8250df', scale: 'y' },
        { label: 'risk score', values: a.score, color: '#cf222e', scale: 'y2' }
      ], 'units', 'risk')
    }
    replace(ledger, h('h2', { id: 'ledger-h' }, 'Ledger'),
      d.ledger.length === 0
        ? h('p.muted', {}, 'No movements yet.')
        : h('ol.timeline', { 'data-testid': 'ledger' }, ...d.ledger.map((l) => h('li', {},
          h('span.muted', {}, when(l.occurredAt)),
          h('span', {}, `${l.reason.replace(/_/g, ' ')} at ${l.location}`, l.bucket !== 'on_hand' ? h('span.muted', {}, ` (${l.bucket.replace(/_/g, ' ')})`) : null),
          h(`span.delta.${l.delta >= 0 ? 'in' : 'out'}`, {}, `${l.delta >= 0 ? '+' : ''}${num(l.delta)} → ${num(l.balance)}`)))))
  }
  return { title: 'Item', el, topics: ['risk', 'tasks'], refresh, dispose: () => disposeChart?.() }
}
