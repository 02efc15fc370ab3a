// GET /api/v1/overview's answer: the panel's first page in one call, each part read from the
// service that owns it (risk scores, the KPIs' open-task counts, order proposals, the device
// registry and presence, the outbox and its sender) and the alert board.

import type { Kpis } from '../../decisions/kpis/service.js'
import type { OutboxRows } from '../../store/outbox-rows.js'
import type { AppDeps } from '../deps.js'
import type { Alert, AlertBoard } from './alerts.js'
import { devicesView, type DevicesView } from './devices.js'
import { linkView, type LinkView } from './link.js'
import { shelfView, type ShelfView } from './shelf.js'

export interface Overview extends ShelfView {
  at: string
  tasks: Kpis['openTasks']
  approvals: { orderProposals: number, receivingReviews: number, counts: number }
  devices: DevicesView
  link: LinkView
  alerts: Alert[]
}

export function overview (deps: AppDeps, rows: OutboxRows, board: AlertBoard): Overview {
  const tasks = deps.kpis.openTasks()
  const link = linkView(deps, rows)
  return {
    at: new Date(deps.clock.now()).toISOString(),
    ...shelfView(deps.risk, deps.config.fillRiskThreshold),
    tasks,
    approvals: {
      orderProposals: deps.orders.proposals.counts().pending,
      receivingReviews: tasks.byKind.review.total,
      counts: tasks.byKind.count.total
    },
    devices: devicesView(deps),
    link,
    alerts: board.list(link)
  }
}
