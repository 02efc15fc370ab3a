import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { riskDetailView } from '../../scoring/service/views.js'
import { importMasterData, parseKind } from '../../store/import/index.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses, itemSchema } from '../schemas.js'
import { riskScoreSchema } from './risk.js'

export async function itemRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)

  // CSV arrives as text; JSON keeps fastify's parser. The route decides what the text means.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body))

  app.get('/api/v1/items', {
    schema: {
      tags: ['items'],
      summary: 'The item master, paged',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          q: { type: 'string', maxLength: 100 },
          category: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          offset: { type: 'integer', minimum: 0, default: 0 }
        }
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: itemSchema }, total: { type: 'integer' } } }, ...errorResponses }
    }
  }, async (req) => deps.queries.items(req.query as { limit: number, offset: number, q?: string, category?: string }))

  app.get('/api/v1/items/:sku', {
    schema: {
      tags: ['items'],
      summary: 'One item: master data, positions per location, recent ledger, current shelf-risk score per shelf',
      params: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
      querystring: { type: 'object', additionalProperties: false, properties: { ledger: { type: 'integer', minimum: 0, maximum: 1000, default: 50 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            item: itemSchema,
            positions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  location: { type: 'string' },
                  kind: { type: ['string', 'null'] },
                  onHand: { type: 'number' },
                  inTransit: { type: 'number' },
                  reserved: { type: 'number' },
                  updatedAt: { type: ['string', 'null'] }
                }
              }
            },
            totals: { type: 'object', properties: { onHand: { type: 'number' }, shelf: { type: 'number' }, backroom: { type: 'number' }, inTransit: { type: 'number' }, reserved: { type: 'number' } } },
            ledger: { type: 'array', items: { type: 'object', additionalProperties: true } },
            risk: {
              type: 'array',
              description: 'the current shelf-risk score of each of its shelf locations, with the vector scored (empty until scored)',
              items: { type: 'object', properties: { ...riskScoreSchema.properties, features: { type: 'object', additionalProperties: { type: 'number' } } } }
            }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { sku } = req.params as { sku: string }
    const { ledger } = req.query as { ledger: number }
    const item = deps.catalog.item(sku)
    if (!item) throw new EdgeError(Errors.NOT_FOUND, `SKU "${sku}" is not in the item master`)
    const positions = deps.queries.positions(sku)
    const sum = (f: (p: typeof positions[number]) => number): number => positions.reduce((s, p) => s + f(p), 0)
    return {
      item,
      positions,
      totals: {
        onHand: sum((p) => p.onHand),
        shelf: sum((p) => p.kind === 'shelf' ? p.onHand : 0),
        backroom: sum((p) => p.kind === 'backroom' ? p.onHand : 0),
        inTransit: sum((p) => p.inTransit),
        reserved: sum((p) => p.reserved)
      },
      ledger: deps.queries.ledger(sku, ledger),
      risk: deps.risk?.scores.forSku(sku).map((s) => riskDetailView(s, item.category)) ?? []
    }
  })

  app.post('/api/v1/items/import', {
    onRequest: admin, // before the body is read
    bodyLimit: 64 * 1024 * 1024, // bytes: an item master of 50,000 SKUs as CSV is ~10 MB
    schema: {
      tags: ['items'],
      summary: 'Import items, locations or an on-hand snapshot (CSV with ?kind=, or JSON); all rows or none',
      querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['items', 'locations', 'on-hand', 'onHand'] } } },
      response: {
        200: { type: 'object', properties: { imported: { type: 'object', properties: { locations: { type: 'integer' }, items: { type: 'integer' }, onHand: { type: 'integer' } } } } },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { kind } = req.query as { kind?: string }
    const type = String(req.headers['content-type'] ?? '')
    const format = type.startsWith('text/') ? 'csv' : 'json'
    const text = format === 'csv' ? String(req.body ?? '') : JSON.stringify(req.body)
    const imported = importMasterData(deps.db, { format, kind: kind ? parseKind(kind) : undefined, text }, new Date(deps.clock.now()).toISOString())
    deps.catalog.reload()
    req.log.info({ imported }, 'master data imported')
    return { imported }
  })

  app.get('/api/v1/locations', {
    schema: {
      tags: ['items'],
      summary: 'Known locations (shelf bays, backroom bins, receiving)',
      response: {
        200: {
          type: 'object',
          properties: {
            locations: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, description: { type: ['string', 'null'] }, zone: { type: ['string', 'null'] } } }
            }
          }
        }
      }
    }
  }, async () => ({ locations: deps.db.prepare('SELECT id, kind, description, zone FROM locations ORDER BY id').all() }))
}
