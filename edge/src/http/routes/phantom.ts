// Phantom inventory over HTTP: the SKU-locations whose record most likely overstates what is there,
// ranked by expected lost sales, with the evidence; today's detector count budget; and how often
// counts found a discrepancy (precision), per source, over a window of days.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { PhantomService } from '../../decisions/phantom/service.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

const DAY_MS = 86_400_000

const sourcePrecision = {
  type: 'object',
  properties: {
    raised: { type: 'integer' },
    completed: { type: 'integer' },
    discrepancies: { type: 'integer', description: 'completed counts that changed the record' },
    share: { type: ['number', 'null'], description: 'discrepancies / completed (null when none completed)' },
    unitsCorrected: { type: 'number', description: 'sum of |record change| over the completed counts, units' },
    cancelled: { type: 'integer' }
  }
} as const

export async function phantomRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/phantom', {
    schema: {
      tags: ['tasks'],
      summary: 'Phantom-inventory suspects (most expected lost sales first), today\'s count budget, and count precision',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          days: { type: 'number', minimum: 0.01, maximum: 366, default: 7, description: 'precision window, days back from now (server clock)' },
          minProbability: { type: 'number', minimum: 0, maximum: 1, default: 0.1, description: 'suspects at or above this probability' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }
        }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            suspects: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  sku: { type: 'string' },
                  location: { type: 'string' },
                  probability: { type: 'number', description: 'P(the location holds less than the record says)' },
                  prior: { type: 'number' },
                  evidence: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'each piece with its likelihood ratio (lr)' },
                  expectedLostSales: { type: 'number', description: 'probability x rate of sale x price x hoursUntilFound, currency' },
                  record: { type: 'object', properties: { onHand: { type: 'number' } } },
                  ratePerH: { type: 'number' },
                  unitPrice: { type: ['number', 'null'] },
                  hoursUntilFound: { type: 'number' },
                  since: { type: ['string', 'null'] },
                  lineage: { type: 'array', items: { type: 'string' } }
                }
              }
            },
            budget: {
              type: 'object',
              properties: { day: { type: 'string' }, limit: { type: 'integer' }, used: { type: 'integer' }, left: { type: 'integer' } }
            },
            precision: {
              type: 'object',
              properties: {
                since: { type: 'string' },
                days: { type: 'number' },
                ...sourcePrecision.properties,
                bySource: { type: 'object', properties: { detector: sourcePrecision, short_fill: sourcePrecision, manual: sourcePrecision } }
              }
            }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const q = req.query as { days: number, minProbability: number, limit: number }
    const phantom = phantomOf(deps)
    const since = new Date(deps.clock.now() - q.days * DAY_MS).toISOString()
    return {
      suspects: phantom.suspects(q.minProbability, q.limit),
      budget: phantom.budget(),
      precision: { ...phantom.precision(since), days: q.days }
    }
  })
}

function phantomOf (deps: AppDeps): PhantomService {
  if (!deps.phantom) throw new EdgeError(Errors.UNAVAILABLE, 'the phantom-inventory detector is not running')
  return deps.phantom
}
