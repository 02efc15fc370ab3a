// What needs a manager's attention, as the panel's alert list: devices offline, the link to
// headquarters refused or backing off, the outbox near or at its disk budget, the shelf-risk model
// standing down (failed to load, calibration drift, file changed), the journal unable to commit, and
// order proposals about to expire undecided, devices low on battery. Each alert has a stable code; `since` is when the
// condition began where the source knows it, else when this board first saw it (server clock).

import type { AppDeps } from '../deps.js'
import { devicesView } from './devices.js'
import type { LinkView } from './link.js'

export type AlertLevel = 'error' | 'warn' | 'info'
export interface Alert { level: AlertLevel, code: string, message: string, since: string | null }

/** An online device reporting less battery than this, percent, is flagged. */
export const LOW_BATTERY_PCT = 15

/** Pending proposals expiring within this many hours of the server clock are flagged. */
export const EXPIRING_WITHIN_H = 2

const LEVEL_RANK: Record<AlertLevel, number> = { error: 0, warn: 1, info: 2 }

export class AlertBoard {
  /** When each code was first seen, kept while it stays raised. */
  private readonly firstSeen = new Map<string, string>()

  constructor (private readonly deps: Pick<AppDeps, 'clock' | 'registry' | 'presence' | 'risk' | 'orders' | 'journalFailure'>) {}

  list (link: LinkView): Alert[] {
    const now = this.deps.clock.now()
    const raised: Array<Omit<Alert, 'since'> & { since?: string | null }> = []

    const failure = this.deps.journalFailure()
    if (failure !== null) raised.push({ level: 'error', code: 'journal_failed', message: `the event journal cannot commit: ${failure.message}` })

    const dv = devicesView(this.deps)
    if (dv.offline > 0) {
      const names = dv.offlineDevices.slice(0, 5).map((d) => d.id).join(', ')
      raised.push({ level: 'warn', code: 'devices_offline', message: `${dv.offline} device(s) offline: ${names}${dv.offline > 5 ? ', ...' : ''}` })
    }

    // Online devices whose last reported battery is low: charge them before they drop off the floor.
    const low = this.deps.registry.list().filter((d) => d.status !== 'revoked' && this.deps.presence.isOnline(d.id))
      .map((d) => ({ id: d.id, b: this.deps.presence.batteryOf(d.id) })).filter((x) => x.b !== null && x.b.pct < LOW_BATTERY_PCT)
    if (low.length > 0) raised.push({ level: 'warn', code: 'battery_low', message: `${low.length} device(s) below ${LOW_BATTERY_PCT}% battery: ${low.slice(0, 5).map((x) => `${x.id} ${x.b!.pct}%`).join(', ')}${low.length > 5 ? ', ...' : ''}` })

    const { sender, budget } = link
    if (sender.state === 'refused') raised.push({ level: 'error', code: 'outbox_refused', message: `the relay refuses the store's batches: ${sender.lastError?.message ?? 'no detail'}`, since: sender.lastError?.at })
    if (sender.state === 'backoff') raised.push({ level: 'warn', code: 'outbox_backoff', message: `sending to the relay failed ${sender.failures} time(s) in a row; next try ${sender.nextAttemptAt ?? 'soon'}: ${sender.lastError?.message ?? ''}`, since: sender.lastError?.at })
    if (budget.level !== 'ok') {
      const share = Math.round(budget.bytes / budget.budgetBytes * 100)
      raised.push({ level: budget.level === 'full' ? 'error' : 'warn', code: `outbox_budget_${budget.level}`, message: `the outbox holds ${share}% of its disk budget` })
    }

    const risk = this.deps.risk
    if (risk !== undefined) {
      const g = risk.governance()
      if (g.drift !== null) raised.push({ level: 'warn', code: 'model_drift', message: `model calibration drifted, rules score until it recovers: ${g.drift}` })
      const p = risk.slots.problem
      if (risk.slots.active === null && p !== null && p.path !== null) raised.push({ level: 'warn', code: 'model_fallback', message: `the shelf-risk model is not running (${p.reason}), rules score every shelf: ${p.detail}` })
      if (g.fileChanged !== null) raised.push({ level: 'info', code: 'model_file_changed', message: `the active model's file changed on disk: ${g.fileChanged}` })
    }

    const expiring = this.deps.orders.proposals.expiredBy(new Date(now + EXPIRING_WITHIN_H * 3_600_000).toISOString())
    if (expiring.length > 0) {
      const first = expiring.reduce((a, b) => a.expiresAt <= b.expiresAt ? a : b)
      raised.push({ level: 'warn', code: 'proposals_expiring', message: `${expiring.length} order proposal(s) expire undecided within ${EXPIRING_WITHIN_H} h (first ${first.sku} at ${first.expiresAt})` })
    }

    const nowIso = new Date(now).toISOString()
    const codes = new Set(raised.map((a) => a.code))
    for (const code of [...this.firstSeen.keys()]) if (!codes.has(code)) this.firstSeen.delete(code)
    const out = raised.map((a) => {
      if (!this.firstSeen.has(a.code)) this.firstSeen.set(a.code, a.since ?? nowIso)
      return { level: a.level, code: a.code, message: a.message, since: a.since ?? this.firstSeen.get(a.code)! }
    })
    return out.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || a.code.localeCompare(b.code))
  }
}

export const alertsSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      level: { type: 'string', enum: ['error', 'warn', 'info'] },
      code: { type: 'string', description: 'stable: journal_failed, devices_offline, outbox_refused, outbox_backoff, outbox_budget_warn, outbox_budget_full, model_drift, model_fallback, model_file_changed, proposals_expiring, battery_low' },
      message: { type: 'string' },
      since: { type: ['string', 'null'], description: 'when the condition began, or when the server first saw it' }
    }
  }
} as const
