// What the HTTP layer is given by the composition root. Routes take what they need from here;
// nothing is imported as a singleton.

import type { Clock } from '../core/clock.js'
import type { EdgeConfig } from '../core/config.js'
import type { Log } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'
import type { ClockMode, ServerTime } from '../core/time.js'
import type { Ingest } from '../ingest/pipeline.js'
import type { Presence } from '../ingest/presence.js'
import type { ProfileCatalogue } from '../profiles/loader.js'
import type { RiskService } from '../scoring/service/service.js'
import type { Catalog } from '../store/catalog.js'
import type { Database } from '../store/db.js'
import type { DeviceRegistry } from '../store/devices.js'
import type { Associates } from '../store/associates.js'
import type { TaskService } from '../decisions/tasks/service.js'
import type { KpiService } from '../decisions/kpis/service.js'
import type { PhantomService } from '../decisions/phantom/service.js'
import type { ReceivingService } from '../decisions/receiving/service.js'
import type { Queries } from '../store/queries.js'
import type { SalesStore } from '../store/sales.js'
import type { OrderService } from '../decisions/orders/service.js'
import type { SenderStatus } from '../outbox/sender.js'
import type { BudgetStatus } from '../outbox/budget.js'
import type { HeartbeatStatus } from '../outbox/heartbeat.js'
import type { AuditLog } from '../store/audit.js'
import type { PolicyStore } from '../decisions/governance/policy-store.js'
import type { Accounts } from '../store/accounts.js'
import type { Sessions } from '../store/sessions.js'
import type { ChangeHub } from '../core/change-hub.js'

export interface Ports {
  http: number | null
  mqtt: number | null
  mqttTls: number | null
}

export interface AppDeps {
  config: EdgeConfig
  log: Log
  clock: Clock
  clockMode: ClockMode
  /** Moves the simulation clock, running the jobs due on the way; null when the clock is system time. */
  advanceClock: ServerTime['advanceTo']
  metrics: Metrics
  db: Database
  registry: DeviceRegistry
  catalog: Catalog
  queries: Queries
  profiles: ProfileCatalogue
  ingest: Ingest
  presence: Presence
  /** Shelf-risk scores, models and their monitoring (absent in an app built without scoring). */
  risk?: RiskService
  /** Associate tasks and the handheld actions on them. */
  tasks: TaskService
  /** Phantom-inventory suspects, the count budget and count precision (absent in an app built without it). */
  phantom?: PhantomService
  /** ASNs, the receipts against them and the check when one closes. */
  receiving: ReceivingService
  associates: Associates
  /** The built panel's files (edge/web/dist); absent: no panel routes. */
  panelDir?: string
  /** Panel accounts and their sessions (issue 8). */
  accounts: Accounts
  sessions: Sessions
  /** Daily sales per SKU (the forecast's history) and the demand calendar. */
  sales: SalesStore
  /** Order proposals, their runs and decisions. */
  orders: OrderService
  /** The outbox sender's state, for /api/v1/outbox. */
  sender: { status (): SenderStatus }
  /** The outbox's disk budget: level, bytes, telemetry dropped. */
  outboxBudget: { check (): BudgetStatus, status (): BudgetStatus }
  /** The heartbeat to the relay: when it last went and whether it was taken. */
  heartbeat: { status (): HeartbeatStatus }
  /** The KPIs of /api/v1/kpis. */
  kpis: KpiService
  /** Governance policies in force, their versions, and what applies to a category. */
  policies: PolicyStore
  /** The append-only audit log of recommendations, decisions, overrides and policy changes. */
  audit: AuditLog
  version: string
  /** Bound ports, known after listen. */
  ports: () => Ports
  /** Serial readers' health, for /health. */
  serialHealth: () => unknown[]
  /** Pending commits, for /health. */
  pendingCommits: () => number
  /** Why the journal cannot commit (its thread died), or null; /health answers 503 then. */
  journalFailure: () => Error | null
  /** Closes a revoked device's live MQTT session. */
  disconnectDevice: (deviceId: string) => void
  /** What changed, for the panel's live updates (GET /api/v1/stream). */
  changes: ChangeHub
  /** Milliseconds between heartbeat comments on an open event stream (15,000 in production). */
  streamHeartbeatMs: number
  /** Milliseconds between polls for changes no source announces (2,000 in production). */
  changePollMs?: number
  /** Real milliseconds between checks that an open event stream's session still holds (30,000 in production; http/panel/streams.ts). */
  streamCheckMs?: number
  /** True once shutdown has begun: new writes get 503. */
  draining: () => boolean
}
