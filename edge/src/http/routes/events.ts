import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { EVENT_TYPES } from '../../core/event.js'
import type { Device } from '../../store/devices.js'
import { deviceFromRequest } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses, postedEventSchema, storedEventSchema } from '../schemas.js'

/** Events per POST: a handheld back from a dead zone replays in chunks of this many. */
const MAX_BATCH = 1000

export async function eventRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  // The device is known on request, before its body is read: a client without valid credentials
  // gets 401 and never makes the server parse up to 4 MB of JSON.
  const senders = new WeakMap<FastifyRequest, Device>()

  app.post('/api/v1/events', {
    config: { access: 'device' },
    onRequest: async (req) => {
      if (deps.draining()) throw new EdgeError(Errors.UNAVAILABLE, 'the server is shutting down; retry shortly')
      senders.set(req, deviceFromRequest(req, deps.registry))
    },
    schema: {
      tags: ['events'],
      summary: 'Post canonical events as a device (HTTP Basic: device id and secret). Replays apply once.',
      description: 'Each event is answered on its own: accepted (with its journal seq), duplicate (already applied: a retry), or rejected with a stable code (also kept as a dead letter). The reply comes after the commit.',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['events'],
        properties: { events: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: postedEventSchema } }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            duplicates: { type: 'integer' },
            rejected: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  index: { type: 'integer' },
                  id: { type: ['string', 'null'] },
                  status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
                  seq: { type: 'integer' },
                  error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }
                }
              }
            }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const device = senders.get(req)!
    const { events } = req.body as { events: Array<Record<string, unknown>> }
    const results = await deps.ingest.postEvents(device.id, events, 'POST /api/v1/events')
    deps.presence.seen(device.id, device.profileId)
    const count = (s: string): number => results.filter((r) => r.status === s).length
    return { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results }
  })

  app.get('/api/v1/events', {
    schema: {
      tags: ['events'],
      summary: 'The event journal, filtered, in acceptance order; page with afterSeq',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: [...EVENT_TYPES] },
          sku: { type: 'string' },
          deviceId: { type: 'string' },
          location: { type: 'string' },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          afterSeq: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 }
        }
      },
      response: { 200: { type: 'object', properties: { events: { type: 'array', items: storedEventSchema }, nextAfterSeq: { type: ['integer', 'null'] } } }, ...errorResponses }
    }
  }, async (req) => {
    const q = req.query as { type?: string, sku?: string, deviceId?: string, location?: string, from?: string, to?: string, afterSeq?: number, limit: number }
    const iso = (s?: string): string | undefined => s === undefined ? undefined : new Date(s).toISOString()
    const events = deps.queries.events({ ...q, from: iso(q.from), to: iso(q.to) })
    return { events, nextAfterSeq: events.length === q.limit ? events[events.length - 1].seq : null }
  })

  app.get('/api/v1/dead-letters', {
    schema: {
      tags: ['events'],
      summary: 'Messages that failed a step, with the raw payload and the reason code',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          reason: { type: 'string' },
          deviceId: { type: 'string' },
          afterId: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
          newestFirst: { type: 'boolean', default: false, description: 'the latest first (a device\'s recent failures) instead of oldest first (paging with afterId)' }
        }
      },
      response: { 200: { type: 'object', properties: { deadLetters: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errorResponses }
    }
  }, async (req) => ({ deadLetters: deps.queries.deadLetters(req.query as { limit: number }) }))

  app.get('/api/v1/dead-letters/unknown-gtins', {
    schema: {
      tags: ['events'],
      summary: 'GTINs scanned or sold that are not in the item master, for review',
      response: { 200: { type: 'object', properties: { gtins: { type: 'array', items: { type: 'object', additionalProperties: true } } } } }
    }
  }, async () => ({ gtins: deps.queries.unknownGtins(Errors.UNKNOWN_GTIN.code) }))
}
