// One item: where it is (positions on the shelf and in the backroom), its current shelf-risk score
// with why, a chart of the score and the stock over the last days, and the ledger timeline (every
// movement with its time, quantity and reason).

import { getOptional, get } from '../api.js'
import { timeChart } from '../chart.js'
import { h, num, replace, when } from '../dom.js'
import type { Ctx, View } from '../view.js'
import { scorerBadge, whyList, type RiskRow } from './risk.js'
import { scoreBar } from '../dom.js'

interface ItemDetail {
  item: { sku: string, description: string, category: string | null, casePack: number }
  positions: Array<{ location: string, kind: string | null, onHand: number, inTransit: number, reserved: number, updatedAt: string | null }>
  totals: { onHand: number, shelf: number, backroom: number, inTransit: number }
  ledger: Array<{ id: number, location: string, bucket: string, delta: number, balance: number, reason: string, occurredAt: string }>
  risk: RiskRow[]
}

/** Score and stock over time (GET /api/v1/items/{sku}/timeline). */
interface Timeline { series: { t: string[], score: Array<number | null>, shelf: Array<number | null>, backroom: Array<number | null> } }

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
    replace(head, h('div', {}, h('h2', {}, d.item.description !== '' ? d.item.description : d.item.sku), h('span.muted', {}, `${d.item.sku} · ${d.item.category ?? 'no category'} · case of ${d.item.casePack}`)),
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
    if (tl === null || tl.series.t.length === 0) replace(chart, h('p.muted', {}, 'No history yet for this item.'))
    else {
      replace(chart)
      const x = tl.series.t.map((t) => Date.parse(t) / 1000)
      disposeChart = timeChart(chart, x, [
        { label: 'shelf stock', values: tl.series.shelf, color: '#1f6feb', scale: 'y', fill: true },
        { label: 'backroom', values: tl.series.backroom, color: '#8250df', scale: 'y' },
        { label: 'risk score', values: tl.series.score, color: '#cf222e', scale: 'y2' }
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
