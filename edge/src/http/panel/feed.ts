// Wires the sources that announce their own changes into the change hub: the task store (after each
// committed task write), the shelf-risk scorer (after each fast batch and each full pass), order
// proposals (made, decided, expired) and device presence (online, offline). The hub gathers each
// topic's notices for a short window, so a full pass of 50,000 scores is one `risk` notice.

import type { ChangeHub } from '../../core/change-hub.js'
import type { OrderService } from '../../decisions/orders/service.js'
import type { TaskStore } from '../../decisions/tasks/task-store.js'
import type { Presence } from '../../ingest/presence.js'
import type { RiskService } from '../../scoring/service/service.js'

export interface FeedSources {
  tasks: Pick<TaskStore, 'onChange'>
  risk: Pick<RiskService, 'onScored'>
  orders: Pick<OrderService, 'onChange'>
  presence: Pick<Presence, 'onChange'>
}

export function feedChanges (hub: ChangeHub, s: FeedSources): void {
  s.tasks.onChange(({ change, task }) => {
    hub.publish('tasks', { id: task.id, change, kind: task.kind, state: task.state, who: task.assignee, sku: task.sku, location: task.location })
  })
  s.risk.onScored((keys, tier) => { hub.publish('risk', { tier, rescored: keys.length }) })
  s.orders.onChange((c) => { hub.publish('proposals', { ...c }) })
  s.presence.onChange((deviceId, online, reason) => { hub.publish('devices', { deviceId, change: online ? 'online' : 'offline', reason }) })
}
