// Changes no source announces, found by polling a cheap fingerprint every POLL_MS while a panel
// listens: the device registry (registered, revoked) and dead letters, the outbox (depth per lane,
// the sender's state, the disk budget, the heartbeat's outcome) and the alert list. A notice goes
// out only when a fingerprint changed since the last poll.

import type { ChangeTopic } from '../../core/change-hub.js'
import { Fingerprints } from '../../store/fingerprints.js'
import type { OutboxRows } from '../../store/outbox-rows.js'
import type { AppDeps } from '../deps.js'
import type { AlertBoard } from './alerts.js'
import { linkView } from './link.js'

/** Milliseconds of real time between polls. */
export const POLL_MS = 2000

export class PanelWatch {
  private readonly marks = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private readonly prints: Fingerprints

  constructor (private readonly deps: AppDeps, private readonly rows: OutboxRows, private readonly board: AlertBoard, private readonly everyMs = POLL_MS) {
    this.prints = new Fingerprints(deps.db)
  }

  start (): void {
    this.timer ??= setInterval(() => this.poll(), this.everyMs)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** One look; public so a test can poll without waiting. */
  poll (): void {
    if (this.deps.changes.listening === 0) { this.marks.clear(); return }
    try {
      const link = linkView(this.deps, this.rows)
      this.mark('devices', 'registry', this.prints.devices(), { change: 'registry' })
      const dead = this.prints.lastDeadLetter()
      this.mark('devices', 'dead-letters', String(dead), { change: 'dead_letter', lastId: dead })
      const outbox = [...link.lanes.map((l) => l.rows), link.sender.state, link.sender.failures, link.budget.level, link.heartbeat.lastOk].join('|')
      this.mark('outbox', 'outbox', outbox, { total: link.total, sender: link.sender.state, budget: link.budget.level })
      const alerts = this.board.list(link)
      this.mark('alerts', 'alerts', alerts.map((a) => `${a.level}:${a.code}`).join('|'), { codes: alerts.map((a) => a.code) })
    } catch (err) {
      this.deps.log.warn({ err }, 'panel change poll failed')
    }
  }

  /** Publishes when the fingerprint differs from the last poll's (the first poll only records it). */
  private mark (topic: ChangeTopic, key: string, print: string, item: Record<string, unknown>): void {
    const last = this.marks.get(key)
    this.marks.set(key, print)
    if (last !== undefined && last !== print) this.deps.changes.publish(topic, item)
  }
}
