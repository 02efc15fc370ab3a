import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'
import { clockSchema } from '../schemas.js'
import { currentVersion } from '../../store/migrate.js'

/** What /health says; the same shape whether healthy (200) or not (503). */
const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    storeId: { type: 'string' },
    version: { type: 'string' },
    uptimeS: { type: 'number' },
    clock: clockSchema,
    ports: {
      type: 'object',
      properties: { http: { type: ['integer', 'null'] }, mqtt: { type: ['integer', 'null'] }, mqttTls: { type: ['integer', 'null'] } }
    },
    database: { type: 'object', properties: { schemaVersion: { type: 'integer' }, events: { type: 'integer' } } },
    ingest: { type: 'object', properties: { pendingCommits: { type: 'integer' }, journalError: { type: ['string', 'null'] } } },
    devices: { type: 'object', properties: { registered: { type: 'integer' }, online: { type: 'integer' } } },
    serial: { type: 'array', items: { type: 'object', additionalProperties: true } },
    outbox: {
      type: 'object',
      properties: {
        level: { type: 'string', description: 'ok, warn (80% of outboxDiskBudgetMb) or full' },
        bytes: { type: 'integer' },
        budgetBytes: { type: 'integer' },
        sender: { type: 'string', description: 'off, idle, sending, backoff (the relay is unreachable: retrying) or refused (the relay refuses the store: a person must fix the token or mapping)' },
        sendFailures: { type: 'integer' },
        lastError: { type: ['string', 'null'] }
      }
    }
  }
} as const

export async function healthRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const startedAt = deps.clock.now()
  app.get('/api/v1/health', {
    config: { access: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Liveness, clock, bound ports, database, ingest backlog, serial ports, devices',
      response: {
        200: healthSchema,
        503: healthSchema
      }
    }
  }, async (_req, reply) => {
    const devices = deps.registry.list()
    const failure = deps.journalFailure()
    // A server that cannot commit must look unhealthy to systemd and load balancers: 503.
    if (failure) reply.status(503)
    return {
      status: failure ? 'failed' : deps.draining() ? 'draining' : 'ok',
      storeId: deps.config.storeId,
      version: deps.version,
      uptimeS: Math.round((deps.clock.now() - startedAt) / 1000), // on the server's clock: simulated time in sim mode
      clock: { mode: deps.clockMode, now: new Date(deps.clock.now()).toISOString() },
      ports: deps.ports(),
      database: { schemaVersion: currentVersion(deps.db), events: deps.queries.countEvents() },
      ingest: { pendingCommits: deps.pendingCommits(), journalError: failure ? failure.message : null },
      devices: { registered: devices.filter((d) => d.status !== 'revoked').length, online: devices.filter((d) => deps.presence.isOnline(d.id)).length },
      serial: deps.serialHealth(),
      // The WAN link does not make the store unhealthy (it works offline), so no 503; the state says it.
      outbox: (({ level, bytes, budgetBytes }, sender) => ({ level, bytes, budgetBytes, sender: sender.state, sendFailures: sender.failures, lastError: sender.failures > 0 ? sender.lastError?.message ?? null : null }))(deps.outboxBudget.status(), deps.sender.status())
    }
  })

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] }
  }, async (_req, reply) => {
    for (const hook of deps.metrics.beforeScrape) hook()
    reply.header('content-type', deps.metrics.registry.contentType)
    return deps.metrics.registry.metrics()
  })
}
