// Shelf risk: the SKU-locations most at risk of an empty shelf, with why (score, the features that
// moved it, which scorer and version acted), filtered by category and location.

import { get } from '../api.js'
import { age, badge, h, pct, replace, scoreBar } from '../dom.js'
import type { Ctx, View } from '../view.js'

export interface RiskRow {
  sku: string
  location: string
  category: string | null
  score: number
  scorer: 'model' | 'rules'
  version: string
  reason: string | null
  why: Array<{ feature: string, value: number, contribution: number }>
  scoredAt: string
}

// Plain words for the features a store manager sees in "why" (edge/src/scoring/spec.ts).
export const FEATURE_LABELS: Record<string, string> = {
  shelf_qty: 'on the shelf (record)',
  shelf_fill: 'shelf fill',
  cover_h: 'hours of cover',
  backroom_qty: 'in the backroom',
  in_transit_qty: 'on the way to the shelf',
  rate_now: 'sales per hour now',
  rate_day: 'sales per day',
  since_sale_h: 'hours since a sale',
  silence_ratio: 'silence vs usual gap',
  since_obs_h: 'hours since anyone looked',
  obs_gap: 'camera saw a gap',
  obs_qty: 'units seen last time',
  gaps_24h: 'gaps seen in 24 h',
  count_var_abs: 'count error (units)',
  count_var_signed: 'record runs high by',
  open_tasks: 'open tasks',
  sales_24h_ratio: 'sales spike',
  price_ratio: 'price vs list',
  lead_time_d: 'lead time (days)',
  case_to_shelf: 'case vs shelf',
  hour: 'hour of day',
  dow: 'day of week'
}
export const featureLabel = (f: string): string => FEATURE_LABELS[f] ?? f.replace(/_/g, ' ')

export function whyList (why: RiskRow['why']): HTMLElement {
  return h('ul.why', {}, ...why.map((w) => h('li', {}, `${featureLabel(w.feature)} = ${Number.isInteger(w.value) ? w.value : w.value.toFixed(2)}`, h('span.contrib', {}, ` ${w.contribution >= 0 ? '+' : ''}${w.contribution.toFixed(2)}`))))
}

export function scorerBadge (r: Pick<RiskRow, 'scorer' | 'version' | 'reason'>): HTMLElement {
  return r.scorer === 'model' ? badge(`model ${r.version}`, 'info') : badge(`rules (${(r.reason ?? 'fallback').replace(/_/g, ' ')})`, 'warn')
}

export function riskView (ctx: Ctx): View {
  const category = h('select', { id: 'risk-category', 'aria-label': 'Category' }, h('option', { value: '' }, 'All categories')) as HTMLSelectElement
  const location = h('input', { id: 'risk-location', type: 'search', placeholder: 'Location, e.g. SHELF-A1', 'aria-label': 'Location' }) as HTMLInputElement
  const summary = h('p.muted')
  const body = h('tbody')
  const table = h('table.data', { 'data-testid': 'risk-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'Location'), h('th', {}, 'Risk'), h('th', {}, 'Why'), h('th', {}, 'Scored by'), h('th', {}, 'Scored'))),
    body)
  const el = h('section', {},
    h('div.toolbar', {}, h('label.inline', { for: 'risk-category' }, 'Category ', category), h('label.inline', { for: 'risk-location' }, 'Location ', location)),
    summary,
    h('div.scroll', {}, table))
  const categories = new Set<string>()
  const refresh = async (): Promise<void> => {
    const q = new URLSearchParams({ limit: '100' })
    if (category.value !== '') q.set('category', category.value)
    if (location.value.trim() !== '') q.set('location', location.value.trim())
    const r = await get<{ scores: RiskRow[], total: number, scored: number, horizonH: number }>(`/api/v1/risk?${q.toString()}`)
    for (const s of r.scores) if (s.category !== null && !categories.has(s.category)) { categories.add(s.category); category.append(h('option', { value: s.category }, s.category)) }
    replace(summary, r.scored === 0 ? 'No scores yet: they appear once the first scoring pass has run.' : `${r.total} shelf locations match, of ${r.scored} scored; chance of an empty shelf within ${r.horizonH} h.`)
    replace(body, ...r.scores.map((s) => h('tr.link', {
      tabindex: 0,
      'data-sku': s.sku,
      onclick: () => ctx.navigate(`#/items/${encodeURIComponent(s.sku)}`),
      onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') ctx.navigate(`#/items/${encodeURIComponent(s.sku)}`) }
    },
    h('td', {}, h('strong', {}, s.sku), h('div.muted', {}, s.category ?? '')),
    h('td', {}, s.location),
    h('td', { title: pct(s.score, 1) }, scoreBar(s.score)),
    h('td', {}, whyList(s.why)),
    h('td', {}, scorerBadge(s)),
    h('td', {}, age(s.scoredAt)))))
  }
  category.addEventListener('change', () => { void refresh() })
  let typing: ReturnType<typeof setTimeout> | undefined
  location.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => { void refresh() }, 300) })
  return { title: 'Shelf risk', el, topics: ['risk'], refresh }
}
