// Builds the fastify app (API, OpenAPI at /docs, /metrics) from its dependencies, without listening.
// Tests call app.inject(); main.ts listens and attaches MQTT over WebSocket to the same server.

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { AppDeps } from './http/deps.js'
import { installErrorHandling } from './http/errors.js'
import { createValidatorCompiler } from './http/validation.js'
import { clockRoutes } from './http/routes/clock.js'
import { deviceRoutes } from './http/routes/devices.js'
import { eventRoutes } from './http/routes/events.js'
import { healthRoutes } from './http/routes/health.js'
import { inventoryRoutes } from './http/routes/inventory.js'
import { itemRoutes } from './http/routes/items.js'
import { modelRoutes } from './http/routes/models.js'
import { riskRoutes } from './http/routes/risk.js'
import { associateRoutes } from './http/routes/associates.js'
import { taskRoutes } from './http/routes/tasks.js'
import { lookupRoutes } from './http/routes/lookup.js'
import { kpiRoutes } from './http/routes/kpis.js'
import { phantomRoutes } from './http/routes/phantom.js'
import { asnRoutes } from './http/routes/asns.js'
import { salesRoutes } from './http/routes/sales.js'
import { orderProposalRoutes } from './http/routes/order-proposals.js'
import { forecastRoutes } from './http/routes/forecasts.js'
import { outboxRoutes } from './http/routes/outbox.js'
import { policyRoutes } from './http/routes/policies.js'
import { auditRoutes } from './http/routes/audit.js'
import { sessionRoutes } from './http/routes/session.js'
import { accountRoutes } from './http/routes/accounts.js'
import { installAccess } from './http/access.js'
import { panelRoutes } from './http/panel-files.js'
import { panelContext } from './http/panel/context.js'
import { overviewRoutes } from './http/routes/overview.js'
import { streamRoutes } from './http/routes/stream.js'
import { timelineRoutes } from './http/routes/timeline.js'

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }) as unknown as FastifyBaseLogger,
    // Per-request lines would cost more than the request at 1,000 handheld posts a second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024 // bytes: a handheld replaying 1,000 events posts ~0.5 MB
  })
  app.setValidatorCompiler(createValidatorCompiler())
  installErrorHandling(app)
  installAccess(app, { mode: deps.config.apiAuth, adminToken: deps.config.adminToken, sessions: deps.sessions })
  await app.register(swagger, {
    openapi: {
      info: { title: 'store-edge API', version: deps.version, description: 'The store server: devices, items, events, dead letters.' },
      tags: [
        { name: 'operations', description: 'Health, metrics and the server clock' },
        { name: 'devices', description: 'Device registry and profiles' },
        { name: 'items', description: 'Item master, locations, positions, store-wide inventory' },
        { name: 'events', description: 'Event journal and dead letters' },
        { name: 'risk', description: 'Shelf-risk scores, the models behind them and their monitoring' },
        { name: 'tasks', description: 'Associates, their sign-in, tasks, the handheld actions and item lookup, and the KPIs' },
        { name: 'receiving', description: 'Advance shipping notices, receipts against them and their discrepancies' },
        { name: 'orders', description: 'Demand history, order proposals and their decisions' },
        { name: 'governance', description: 'Policies (auto-approval thresholds, fallbacks) and the audit log' },
        { name: 'panel', description: 'Panel accounts and sign-in (sessions), the overview, live updates and item timelines' }
      ]
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  // One plugin per route group, so what a group adds stays in it: the CSV parser of item imports
  // must not make POST /api/v1/events take CSV.
  for (const routes of [healthRoutes, clockRoutes, deviceRoutes, itemRoutes, inventoryRoutes, eventRoutes, riskRoutes, modelRoutes, associateRoutes, taskRoutes, lookupRoutes, kpiRoutes, phantomRoutes, asnRoutes, salesRoutes, orderProposalRoutes, forecastRoutes, outboxRoutes, policyRoutes, auditRoutes, timelineRoutes]) {
    await app.register(async (api) => routes(api, deps))
  }
  const panel = panelContext(deps)
  // Sign-out and account changes end the event streams of the sessions they end: they share the panel's open streams.
  for (const routes of [overviewRoutes, streamRoutes, sessionRoutes, accountRoutes]) {
    await app.register(async (api) => routes(api, deps, panel))
  }
  if (deps.panelDir !== undefined) await app.register(async (web) => panelRoutes(web, { dir: deps.panelDir! }))
  return app
}
