// The relay's HTTP API (fastify, no listen): stores post gzip-compressed outbox batches with their
// token and get back what is durably stored; operators register stores and rotate or revoke their
// tokens. Every error answers {error: {code, message}} with a stable RELAY_ERR_* code, and a batch is
// stored whole or not at all.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import type { RelayConfig } from './config.js'
import { fleet } from './fleet.js'
import { reconcile } from './reconcile.js'
import { RelayErrors, RelayStorageError } from './storage/errors.js'
import { isStorageUnavailable, storageUnavailable } from './storage/unavailable.js'
import { RELAY_EVENT_TYPES, RELAY_LANES, type RelayEventIn, type RelayStorage } from './storage/types.js'
import type { RelayTls } from './tls.js'

export interface RelayAppDeps {
  config: RelayConfig
  storage: RelayStorage
  /** 'sqlite' or 'postgres', for /v1/health. */
  storageKind: string
  version: string
  /** Serve HTTPS with this certificate and key; null = plain HTTP. */
  tls?: RelayTls | null
}

/** Milliseconds /v1/health waits for the database before calling it down. */
const HEALTH_DB_TIMEOUT_MS = 2000
/** Seconds a store is told to wait (Retry-After) when the database is unavailable. */
const RETRY_AFTER_S = 2

const storeIdParam = { type: 'object', required: ['storeId'], properties: { storeId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } } as const

function fail (which: typeof RelayErrors[keyof typeof RelayErrors], message?: string): RelayStorageError {
  return new RelayStorageError(which, message)
}

export async function buildRelayApp (deps: RelayAppDeps): Promise<FastifyInstance> {
  const { config, storage } = deps
  const options = { logger: { level: config.logLevel, redact: ['req.headers.authorization'] }, bodyLimit: config.maxBatchBytes }
  // One instance type either way (FastifyInstance over node:http's types); HTTPS only changes the listener.
  const app = (deps.tls != null ? Fastify({ ...options, https: deps.tls }) : Fastify(options)) as unknown as FastifyInstance

  // JSON bodies, gzip when the store says so; the decompressed size is capped too (a zip bomb is a 413).
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    let text: string
    try {
      const enc = req.headers['content-encoding']
      text = enc === 'gzip' ? gunzipSync(body, { maxOutputLength: config.maxBatchBytes }).toString('utf8') : body.toString('utf8')
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError
      done(tooBig ? fail(RelayErrors.TOO_LARGE, `batch is over ${config.maxBatchBytes} bytes once decompressed`) : fail(RelayErrors.BAD_BODY, 'body is not valid gzip'), undefined)
      return
    }
    try { done(null, JSON.parse(text)) } catch { done(fail(RelayErrors.BAD_BODY, 'body is not valid JSON'), undefined) }
  })

  app.setErrorHandler((err: Error & { code?: string, statusCode?: number, validation?: unknown }, req, reply) => {
    if (!(err instanceof RelayStorageError) && isStorageUnavailable(err)) {
      // The database is down or restarting: nothing was stored; the store keeps its rows and retries.
      // One line, no stack: during an outage every request says the same.
      const e = storageUnavailable(err)
      req.log.warn({ code: e.code, cause: err.message }, 'relay database unavailable: answered 503')
      return reply.code(e.status).header('retry-after', String(RETRY_AFTER_S)).send({ error: { code: e.code, message: e.message } })
    }
    if (err instanceof RelayStorageError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } })
    if (err.validation !== undefined) return reply.code(400).send({ error: { code: RelayErrors.VALIDATION.code, message: err.message } })
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: { code: RelayErrors.TOO_LARGE.code, message: `batch is over ${config.maxBatchBytes} bytes` } })
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send({ error: { code: RelayErrors.BAD_BODY.code, message: err.message } })
    req.log.error({ err }, 'relay request failed')
    return reply.code(500).send({ error: { code: RelayErrors.INTERNAL.code, message: 'internal error' } })
  })
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: RelayErrors.NOT_FOUND.code, message: `no route ${req.method} ${req.url}` } }))

  const admin = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (config.adminToken === null) return
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '')
    const want = Buffer.from(config.adminToken)
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw fail(RelayErrors.ADMIN_ONLY, 'send the relay admin token: Authorization: Bearer <token>')
  }

  const storeAuth = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const { storeId } = req.params as { storeId: string }
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    if (token === undefined) throw fail(RelayErrors.UNAUTHORIZED, 'send the store token: Authorization: Bearer <token>')
    const r = await storage.authenticate(storeId, token)
    if (r === 'revoked') throw fail(RelayErrors.STORE_REVOKED, `store ${storeId} is revoked`)
    if (r !== 'ok') throw fail(RelayErrors.UNAUTHORIZED, `not a valid token for store ${storeId}`)
  }

  // The database's state too: a relay whose database is down takes no batches, so a load balancer
  // (or an operator) should see it as not ready (503) though the process is fine.
  app.get('/v1/health', async (_req, reply) => {
    const base = { version: deps.version, storage: deps.storageKind }
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        storage.ping(),
        new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${HEALTH_DB_TIMEOUT_MS} ms`)), HEALTH_DB_TIMEOUT_MS) })
      ])
      return { status: 'ok', ...base, database: { state: 'up' } }
    } catch (err) {
      const e = storageUnavailable(err)
      return await reply.code(503).send({ status: 'degraded', ...base, database: { state: 'down', code: e.code, message: e.message } })
    } finally {
      clearTimeout(timer)
    }
  })

  app.post('/v1/stores', {
    onRequest: admin,
    schema: { body: { type: 'object', additionalProperties: false, required: ['storeId'], properties: { storeId: storeIdParam.properties.storeId, name: { type: 'string', maxLength: 200 } } } }
  }, async (req, reply) => {
    const b = req.body as { storeId: string, name?: string }
    const { token } = await storage.registerStore(b.storeId, b.name)
    return reply.code(201).send({ storeId: b.storeId, token })
  })

  app.post('/v1/stores/:storeId/token', { onRequest: admin, schema: { params: storeIdParam } }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    return { storeId, ...(await storage.rotateToken(storeId)) }
  })

  app.post('/v1/stores/:storeId/revoke', { onRequest: admin, schema: { params: storeIdParam } }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    await storage.revokeStore(storeId)
    return { storeId, revoked: true }
  })

  app.get('/v1/stores/:storeId', { onRequest: admin, schema: { params: storeIdParam } }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    const s = await storage.stats(storeId)
    if (s === null) throw fail(RelayErrors.STORE_UNKNOWN, `no store ${storeId}`)
    return s
  })

  app.post('/v1/stores/:storeId/heartbeat', {
    onRequest: storeAuth,
    bodyLimit: 64 * 1024, // bytes: versions, queue depths, device counts, disk use
    schema: { params: storeIdParam, body: { type: 'object' } }
  }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    await storage.recordHeartbeat(storeId, req.body as Record<string, unknown>)
    return { storeId, at: new Date().toISOString() }
  })

  app.get('/v1/fleet', { onRequest: admin }, async () => {
    const stores = await fleet(storage, Date.now(), config)
    return { at: new Date().toISOString(), stores, alerts: stores.filter((s) => s.alerts.length > 0).length }
  })

  app.get('/v1/stores/:storeId/reconciliation', { onRequest: admin, schema: { params: storeIdParam } }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    const s = await storage.stats(storeId)
    if (s === null) throw fail(RelayErrors.STORE_UNKNOWN, `no store ${storeId}`)
    const days = await reconcile(storage, storeId, s.lastHeartbeat?.acked)
    return { storeId, reportedAt: s.lastHeartbeatAt === null ? null : new Date(s.lastHeartbeatAt).toISOString(), days, allMatch: days.every((d) => d.match) }
  })

  app.get('/v1/dead-letters', {
    onRequest: admin,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { storeId: storeIdParam.properties.storeId, limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 500 } } } }
  }, async (req) => {
    const q = req.query as { storeId?: string, limit: number }
    return { deadLetters: await storage.deadLetters(q.storeId ?? null, q.limit) }
  })

  app.post('/v1/stores/:storeId/dead-letters/replay', {
    onRequest: admin,
    schema: { params: storeIdParam, body: { type: 'object', additionalProperties: false, properties: { eventIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 }, maxItems: 10_000 } } } }
  }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    const b = (req.body ?? {}) as { eventIds?: string[] }
    return { storeId, replayed: await storage.replay(storeId, b.eventIds ?? null) }
  })

  app.post('/v1/stores/:storeId/batches', {
    onRequest: storeAuth,
    schema: {
      params: storeIdParam,
      body: {
        type: 'object',
        required: ['events'],
        properties: {
          storeId: { type: 'string' },
          sentAt: { type: 'string' },
          events: {
            type: 'array',
            minItems: 1,
            maxItems: config.maxBatchEvents,
            items: {
              type: 'object',
              required: ['seq', 'eventId', 'type', 'lane', 'payload', 'occurredAt', 'createdAt'],
              properties: {
                seq: { type: 'integer', minimum: 1 },
                eventId: { type: 'string', minLength: 1, maxLength: 256 },
                type: { type: 'string', enum: [...RELAY_EVENT_TYPES] },
                lane: { type: 'string', enum: [...RELAY_LANES] },
                sku: { type: ['string', 'null'], maxLength: 64 },
                payload: { type: 'object' },
                occurredAt: { type: 'string', minLength: 1, maxLength: 40 },
                createdAt: { type: 'string', minLength: 1, maxLength: 40 }
              }
            }
          }
        }
      }
    }
  }, async (req) => {
    const { storeId } = req.params as { storeId: string }
    const b = req.body as { storeId?: string, events: RelayEventIn[] }
    if (b.storeId !== undefined && b.storeId !== storeId) throw fail(RelayErrors.VALIDATION, `the batch names store ${b.storeId} but was posted for ${storeId}`)
    const events = b.events.map((e) => ({ seq: e.seq, eventId: e.eventId, type: e.type, lane: e.lane, sku: e.sku ?? null, payload: e.payload, occurredAt: e.occurredAt, createdAt: e.createdAt }))
    const r = await storage.storeBatch(storeId, events)
    // What the store's sender counts on: every row of its batch is accounted for, stored or a duplicate.
    return { storeId, stored: r.inserted, duplicates: r.duplicates, highestSeq: r.highestSeq }
  })

  return app
}
