// GET /api/v1/inventory: every position of the store (SKU x location, three buckets), paged by an
// opaque cursor. The simulator and headquarters compare whole-store stock with it; 10,000 rows a
// page keeps a store of 50,000 positions to five requests.

import type { FastifyInstance } from 'fastify'
import { LOCATION_KINDS } from '../../store/catalog.js'
import { inventoryPage } from '../../store/inventory.js'
import { decodeCursor, encodeCursor } from '../cursor.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

const positionSchema = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    location: { type: 'string' },
    kind: { type: ['string', 'null'], description: 'kind of the location; null for a location not in the locations table' },
    onHand: { type: 'number' },
    inTransit: { type: 'number' },
    reserved: { type: 'number' },
    updatedAt: { type: ['string', 'null'] }
  }
} as const

export async function inventoryRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/inventory', {
    schema: {
      tags: ['items'],
      summary: 'The store-wide perpetual inventory: every position, ordered by SKU then location, paged with a cursor',
      description: 'Pass `next` of a page as `after` to get the following one; `next` is null on the last page.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: [...LOCATION_KINDS] },
          sku: { type: 'string', pattern: '^[A-Za-z0-9_.\\-/]{1,64}$', description: 'SKU prefix' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          after: { type: 'string', minLength: 1, maxLength: 512, description: 'cursor: `next` of the previous page' }
        }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            positions: { type: 'array', items: positionSchema },
            next: { type: ['string', 'null'] }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const q = req.query as { kind?: string, sku?: string, limit: number, after?: string }
    const after = q.after === undefined ? undefined : decodeCursor(q.after, 2)
    const page = inventoryPage(deps.db, {
      after: after && { sku: after[0], location: after[1] },
      kind: q.kind,
      skuPrefix: q.sku,
      limit: q.limit
    })
    const last = page.positions[page.positions.length - 1]
    return { positions: page.positions, next: page.more ? encodeCursor([last.sku, last.location]) : null }
  })
}
