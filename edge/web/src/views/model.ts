// Model and link: the shelf-risk model acting (or why rules stand in), calibration of the scores
// that acted against what shelves turned out to be, feature drift; and the link to headquarters
// (outbox per lane, oldest unsent, the sender's state and last error, the heartbeat).

import { get } from '../api.js'
import { calibrationChart } from '../chart.js'
import { age, badge, h, num, pct, replace, seconds, when } from '../dom.js'
import type { Ctx, View } from '../view.js'
import { featureLabel } from './risk.js'

interface Report { n: number, empty: number, auc: number | null, brier: number | null, calibrationGap: number | null, calibration: Array<{ from: number, to: number, n: number, meanPredicted: number | null, observed: number | null }> }
interface Models {
  active: { version: string, kind: string, activatedAt: string | null, loadedAt: string } | null
  candidate: { version: string } | null
  problem: { reason: string, detail?: string } | null
  governance: { calibrationDrift: string | null, calibrationBound: number }
  scorers: Record<string, number>
  rulesReasons: Record<string, number>
  monitoring: { window: { from: string, to: string, confirmations: number }, acting: Report, drift: { atMs: number, features: Array<{ feature: string, psi: number | null }> } | null }
}
interface Outbox {
  total: number
  lanes: Array<{ lane: string, rows: number, oldestAgeS: number | null }>
  budget: { level: string, bytes: number, budgetBytes: number }
  sender: { enabled: boolean, state: string, failures: number, lastAck: { at: string } | null, lastAckedSeq: number | null, lastError: { at: string, message: string } | null }
  heartbeat: { lastAt: string | null, lastOk: boolean | null }
}

const SENDER_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'mute' | 'info'> = { idle: 'ok', sending: 'info', backoff: 'warn', refused: 'bad', off: 'mute' }

function modelCard (m: Models): HTMLElement {
  const rules = m.scorers.rules ?? 0
  const model = m.scorers.model ?? 0
  const fallback = m.active === null || m.governance.calibrationDrift !== null
  return h('section.card', { 'aria-labelledby': 'model-h' },
    h('h2', { id: 'model-h' }, 'Shelf-risk model'),
    m.active !== null
      ? h('p', {}, 'Active: ', h('strong', {}, m.active.version), ` (${m.active.kind}), since ${when(m.active.activatedAt ?? m.active.loadedAt)}`)
      : h('p', {}, badge('no model', 'bad'), ` rules score every shelf: ${m.problem?.reason ?? 'no model configured'}`),
    m.candidate !== null ? h('p.muted', {}, `Candidate in shadow: ${m.candidate.version}`) : null,
    h('p', {}, fallback ? badge('fallback to rules', 'warn') : badge('model acting', 'ok'), ` ${num(model)} shelves scored by the model, ${num(rules)} by rules`),
    m.governance.calibrationDrift !== null ? h('p.alert', {}, 'Calibration drift: ', m.governance.calibrationDrift) : null,
    Object.keys(m.rulesReasons).length > 0 ? h('p.muted', {}, 'Why rules act: ', Object.entries(m.rulesReasons).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`).join(', ')) : null)
}

function monitoringCard (m: Models, charts: Array<() => void>): HTMLElement {
  const a = m.monitoring.acting
  const chart = h('div.chart', { 'data-testid': 'calibration-chart' })
  const card = h('section.card', { 'aria-labelledby': 'mon-h' },
    h('h2', { id: 'mon-h' }, 'How good the scores were'),
    h('p.muted', {}, `${num(a.n)} shelf checks since ${when(m.monitoring.window.from)}, ${num(a.empty)} found empty.`),
    h('div.kpis', {},
      h('div', {}, h('span.label', {}, 'AUC'), h('span.value', {}, a.auc === null ? '–' : a.auc.toFixed(3))),
      h('div', {}, h('span.label', {}, 'Brier'), h('span.value', {}, a.brier === null ? '–' : a.brier.toFixed(3))),
      h('div', {}, h('span.label', {}, 'Calibration gap'), h('span.value', {}, a.calibrationGap === null ? '–' : `${a.calibrationGap > 0 ? '+' : ''}${pct(a.calibrationGap, 1)}`))),
    a.calibration.some((b) => b.n > 0) ? chart : h('p.muted', {}, 'The calibration chart appears once shelves have been checked.'))
  if (a.calibration.some((b) => b.n > 0)) queueMicrotask(() => charts.push(calibrationChart(chart, a.calibration)))
  const drift = m.monitoring.drift
  card.append(h('h3', {}, 'Feature drift (PSI)'), drift === null
    ? h('p.muted', {}, 'Measured on each full rescoring: none yet.')
    : h('table.data.compact', {}, h('tbody', {}, ...drift.features.filter((f) => f.psi !== null).sort((x, y) => (y.psi ?? 0) - (x.psi ?? 0)).slice(0, 6).map((f) =>
      h('tr', {}, h('td', {}, featureLabel(f.feature)), h('td', {}, f.psi!.toFixed(3)), h('td', {}, f.psi! > 0.25 ? badge('shifted', 'bad') : f.psi! > 0.1 ? badge('moving', 'warn') : badge('stable', 'ok')))))))
  return card
}

function linkCard (o: Outbox): HTMLElement {
  const s = o.sender
  return h('section.card', { 'aria-labelledby': 'link-h', 'data-testid': 'link' },
    h('h2', { id: 'link-h' }, 'Link to headquarters'),
    h('p', {}, badge(s.enabled ? s.state : 'not configured', SENDER_TONE[s.state] ?? 'info'),
      s.lastAck !== null ? ` last batch taken ${age(s.lastAck.at)} ago` : '', s.lastAckedSeq !== null ? ` (up to #${s.lastAckedSeq})` : ''),
    s.lastError !== null && s.failures > 0 ? h('p.alert', {}, `${s.failures} failed sends in a row; last: ${s.lastError.message}`) : null,
    h('table.data.compact', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Lane'), h('th', {}, 'Waiting'), h('th', {}, 'Oldest'))),
      h('tbody', {}, ...o.lanes.map((l) => h('tr', {}, h('td', {}, l.lane), h('td', {}, num(l.rows)), h('td', {}, l.rows === 0 ? '–' : seconds(l.oldestAgeS)))))),
    h('p.muted', {}, `Disk budget: ${o.budget.level} (${(o.budget.bytes / 1e6).toFixed(1)} of ${(o.budget.budgetBytes / 1e6).toFixed(0)} MB). Heartbeat: `,
      o.heartbeat.lastAt === null ? 'not sent yet' : `${age(o.heartbeat.lastAt)} ago, ${o.heartbeat.lastOk === true ? 'taken' : 'not taken'}`))
}

export function modelView (_ctx: Ctx): View {
  const grid = h('div.grid2')
  const el = h('section', {}, grid)
  let charts: Array<() => void> = []
  const refresh = async (): Promise<void> => {
    const [m, o] = await Promise.all([get<Models>('/api/v1/models'), get<Outbox>('/api/v1/outbox')])
    for (const c of charts) c()
    charts = []
    replace(grid, modelCard(m), linkCard(o), monitoringCard(m, charts))
  }
  return { title: 'Model and link', el, topics: ['risk', 'outbox'], refresh, dispose: () => { for (const c of charts) c() } }
}
