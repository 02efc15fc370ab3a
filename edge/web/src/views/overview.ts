// Overview: what a manager looks at first. On-shelf availability, items at risk now (the top five
// with why), open tasks by kind and age, approvals waiting, devices offline, the link to
// headquarters, and the alerts. Every tile leads to its page.

import { get } from '../api.js'
import { age, badge, h, num, pct, replace, scoreBar, seconds } from '../dom.js'
import type { Ctx, View } from '../view.js'
import { kindLabel } from './tasks.js'
import { featureLabel, type RiskRow } from './risk.js'

const AGES = ['<15m', '15-60m', '1-4h', '>4h'] as const

interface Overview {
  availability: { onShelf: number | null, onShelfNotAtRisk: number | null, shelves: number, empty: number, method: string }
  atRisk: { count: number, threshold: number, horizonH: number, top: RiskRow[] }
  tasks: { total: number, byKind: Record<string, { total: number, open: number, claimed: number, started: number, age: Record<string, number> }> }
  approvals: { orderProposals: number, receivingReviews: number, counts: number }
  devices: { registered: number, online: number, offline: number, neverSeen: number, offlineDevices: Array<{ id: string, name: string | null, lastSeenAt: string | null }> }
  link: { relay: boolean, total: number, oldestUnsentAgeS: number | null, sender: { state: string, failures: number, lastError: { message: string } | null } }
  alerts: Array<{ level: 'error' | 'warn' | 'info', code: string, message: string, since: string | null }>
}

const plural = (n: number, what: string): string => `${num(n)} ${what}${n === 1 ? '' : 's'}`

function tile (href: string, label: string, value: string, note: string, tone: '' | 'ok' | 'warn' | 'bad' = ''): HTMLElement {
  return h(`a.tile${tone === '' ? '' : '.' + tone}`, { href, 'data-tile': label }, h('span.label', {}, label), h('span.value', {}, value), h('span.muted', {}, note))
}

export function overviewView (ctx: Ctx): View {
  const tiles = h('div.tiles', { 'data-testid': 'overview-tiles' })
  const grid = h('div.grid2')
  const el = h('section', {}, tiles, grid)
  const refresh = async (): Promise<void> => {
    const o = await get<Overview>('/api/v1/overview')
    const linkTone = !o.link.relay ? '' : o.link.sender.state === 'refused' ? 'bad' : o.link.sender.state === 'backoff' ? 'warn' : 'ok'
    replace(tiles,
      tile('#/risk', 'On-shelf availability', pct(o.availability.onShelf, 1), o.availability.shelves === 0 ? 'no scores yet' : `${num(o.availability.empty)} of ${num(o.availability.shelves)} shelves empty`, o.availability.onShelf === null ? '' : o.availability.onShelf < 0.95 ? 'warn' : 'ok'),
      tile('#/risk', 'At risk now', num(o.atRisk.count), `score ≥ ${pct(o.atRisk.threshold)} within ${o.atRisk.horizonH} h`, o.atRisk.count > 0 ? 'warn' : 'ok'),
      tile('#/tasks', 'Open tasks', num(o.tasks.total), `${Object.values(o.tasks.byKind).reduce((s, k) => s + (k.age['>4h'] ?? 0), 0)} older than 4 h`),
      tile('#/approvals', 'Approvals waiting', num(o.approvals.orderProposals), `${plural(o.approvals.receivingReviews, 'receiving review')}, ${plural(o.approvals.counts, 'count')}`, o.approvals.orderProposals > 0 ? 'warn' : ''),
      tile('#/devices', 'Devices offline', num(o.devices.offline), `${o.devices.online} of ${o.devices.registered} online`, o.devices.offline > 0 ? 'bad' : 'ok'),
      tile('#/model', 'Headquarters link', o.link.relay ? o.link.sender.state : 'off', o.link.relay ? `${num(o.link.total)} waiting, oldest ${o.link.oldestUnsentAgeS === null ? '–' : seconds(o.link.oldestUnsentAgeS)}` : 'no relay configured', linkTone))
    const alerts = h('section.card', { 'aria-labelledby': 'alerts-h', 'data-testid': 'alerts' }, h('h2', { id: 'alerts-h' }, 'Alerts'),
      o.alerts.length === 0
        ? h('p.muted', {}, 'Nothing needs attention.')
        : h('ul.plain', {}, ...o.alerts.map((a) => h('li', {}, badge(a.level, a.level === 'error' ? 'bad' : a.level === 'warn' ? 'warn' : 'info'), ' ', a.message, a.since !== null ? h('span.muted', {}, ` (since ${age(a.since)})`) : null))))
    const risk = h('section.card', { 'aria-labelledby': 'risk-h' }, h('h2', { id: 'risk-h' }, 'Most at risk'),
      o.atRisk.top.length === 0
        ? h('p.muted', {}, 'No shelf is at risk, or no scores yet.')
        : h('ul.plain.risk-list', {}, ...o.atRisk.top.map((r) => h('li.link', { tabindex: 0, 'data-sku': r.sku, onclick: () => ctx.navigate(`#/items/${encodeURIComponent(r.sku)}`), onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') ctx.navigate(`#/items/${encodeURIComponent(r.sku)}`) } },
          h('div.row', {}, h('span', {}, h('strong', {}, r.sku), h('span.muted', {}, ` at ${r.location}`)), scoreBar(r.score)),
          h('div.muted.small', {}, r.why.slice(0, 2).map((w) => `${featureLabel(w.feature)} ${Number.isInteger(w.value) ? w.value : w.value.toFixed(2)}`).join(' · '), ' · ', r.scorer === 'model' ? `model ${r.version}` : `rules (${(r.reason ?? 'fallback').replace(/_/g, ' ')})`)))))
    const kinds = Object.entries(o.tasks.byKind).filter(([, k]) => k.total > 0)
    const tasks = h('section.card', { 'aria-labelledby': 'tasks-h' }, h('h2', { id: 'tasks-h' }, 'Open tasks by age'),
      kinds.length === 0
        ? h('p.muted', {}, 'No open tasks.')
        : h('table.data.compact', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), ...AGES.map((a) => h('th', {}, a)), h('th', {}, 'Claimed'))),
          h('tbody', {}, ...kinds.map(([kind, k]) => h('tr', {}, h('td', {}, kindLabel(kind)), ...AGES.map((a) => h('td', {}, String(k.age[a] ?? 0))), h('td', {}, String(k.claimed + k.started)))))))
    const devices = o.devices.offlineDevices.length === 0
      ? null
      : h('section.card', { 'aria-labelledby': 'dev-h' }, h('h2', { id: 'dev-h' }, 'Devices offline'),
        h('ul.plain', {}, ...o.devices.offlineDevices.map((d) => h('li', {}, h('strong', {}, d.id), d.name !== null ? ` ${d.name}` : '', h('span.muted', {}, ` last seen ${age(d.lastSeenAt)} ago`)))))
    replace(grid, alerts, risk, tasks, devices)
  }
  return { title: 'Overview', el, topics: ['risk', 'tasks', 'proposals', 'devices', 'outbox', 'alerts'], refresh }
}
