// The demand forecast behind the order proposals (admin): each item's latest, and how far the
// forecasts were off once the days they covered had sold, by demand class.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

const errorStats = {
  type: 'object',
  properties: {
    n: { type: 'integer' },
    mae: { type: 'number', description: 'mean |forecast - actual|, units' },
    bias: { type: 'number', description: 'mean (forecast - actual), units; > 0 over-forecasts' },
    wapePct: { type: ['number', 'null'], description: 'sum |error| / sum actual, percent' }
  }
} as const

export async function forecastRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)

  app.get('/api/v1/forecasts/accuracy', {
    onRequest: admin,
    schema: {
      tags: ['orders'],
      summary: 'Error of the forecasts made in the last days against what then sold: day-ahead and the next week\'s total, by demand class and over all',
      querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 120, default: 28 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            byClass: { type: 'array', items: { type: 'object', properties: { demandClass: { type: 'string' }, n: { type: 'integer' }, dayAhead: errorStats, week: errorStats } } }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => deps.orders.accuracy((req.query as { days: number }).days))

  app.get('/api/v1/forecasts/:sku', {
    onRequest: admin,
    schema: {
      tags: ['orders'],
      summary: "An item's latest forecast: demand class, method, units per day from the day it was made",
      params: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', minLength: 1, maxLength: 64 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            sku: { type: 'string' },
            madeDay: { type: 'string' },
            demandClass: { type: 'string' },
            method: { type: 'string' },
            daily: { type: 'array', items: { type: 'number' } },
            sigmaDay: { type: 'number' },
            confidence: { type: 'number' }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { sku } = req.params as { sku: string }
    if (deps.catalog.item(sku) === undefined) throw new EdgeError(Errors.UNKNOWN_SKU, `SKU "${sku}" is not in the item master`)
    const f = deps.orders.latestForecast(sku)
    if (f === undefined) throw new EdgeError(Errors.NOT_FOUND, `no forecast of ${sku} yet: the first proposal run on an order day makes one`)
    return f
  })
}
