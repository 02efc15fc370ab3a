// GET /api/v1/items/{sku}/timeline: an item's drill-down for the panel (http/panel/timeline.ts).

import type { FastifyInstance } from 'fastify'
import { TimelineReads } from '../../store/timeline-reads.js'
import type { AppDeps } from '../deps.js'
import { itemTimeline, MAX_MOVEMENTS } from '../panel/timeline.js'
import { errorResponses } from '../schemas.js'

const point = (props: Record<string, object>) => ({ type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, ...props } } })

const timelineSchema = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    description: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time', description: 'now, server clock' },
    hours: { type: 'number' },
    positions: {
      type: 'array',
      items: { type: 'object', properties: { location: { type: 'string' }, kind: { type: ['string', 'null'] }, onHand: { type: 'number' }, inTransit: { type: 'number' }, reserved: { type: 'number' }, updatedAt: { type: ['string', 'null'] } } }
    },
    movements: {
      type: 'array',
      description: `ledger rows in the window, in commit order (at most ${MAX_MOVEMENTS})`,
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          at: { type: 'string', description: 'event time' },
          location: { type: 'string' },
          bucket: { type: 'string', enum: ['on_hand', 'in_transit', 'reserved'] },
          delta: { type: 'number' },
          balance: { type: 'number', description: 'the bucket after this row' },
          reason: { type: 'string' },
          source: {
            type: ['object', 'null'],
            description: 'the event that caused it; null for an on-hand snapshot import',
            properties: { seq: { type: 'integer' }, deviceId: { type: 'string' }, eventId: { type: 'string' }, type: { type: 'string' } }
          }
        }
      }
    },
    truncated: { type: 'boolean', description: `the window held more than ${MAX_MOVEMENTS} rows: the earliest are shown` },
    series: {
      type: 'object',
      properties: {
        stock: { type: 'array', items: { type: 'object', properties: { location: { type: 'string' }, kind: { type: ['string', 'null'] }, points: point({ onHand: { type: 'number' } }) } } },
        risk: { type: 'array', items: { type: 'object', properties: { location: { type: 'string' }, points: point({ score: { type: 'number' }, scorer: { type: 'string' } }) } } }
      }
    },
    historyStep: { type: 'number', description: 'a score history point is kept when the score moved at least this much' }
  }
} as const

export async function timelineRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const reads = new TimelineReads(deps.db)
  app.get('/api/v1/items/:sku/timeline', {
    schema: {
      tags: ['items'],
      summary: 'An item over the last hours: positions, ledger movements with their source events, on-hand and shelf-risk series for a chart',
      params: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          hours: { type: 'number', minimum: 1, maximum: 24 * 14, default: 72 },
          location: { type: 'string', maxLength: 64 }
        }
      },
      response: { 200: timelineSchema, ...errorResponses }
    }
  }, async (req) => {
    const { sku } = req.params as { sku: string }
    const { hours, location } = req.query as { hours: number, location?: string }
    return itemTimeline(deps, reads, sku, hours, location)
  })
}
