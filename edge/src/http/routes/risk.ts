// Shelf-risk scores over HTTP: the SKU-locations most at risk of an empty shelf within HORIZON_H
// hours, each with who scored it (model or rules), which version, why rules acted if they did, and
// the features that moved the score most.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { RiskService } from '../../scoring/service/service.js'
import { topRisk, type RiskQuery } from '../../scoring/service/views.js'
import { FEATURE_NAMES, HORIZON_H } from '../../scoring/spec.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

export const riskScoreSchema = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    location: { type: 'string' },
    category: { type: ['string', 'null'] },
    score: { type: 'number', description: `probability 0-1 that the shelf is empty within ${HORIZON_H} hours` },
    scorer: { type: 'string', enum: ['model', 'rules'] },
    version: { type: 'string', description: 'version of the scorer that acted: the model card\'s, or rules@N' },
    modelVersion: { type: ['string', 'null'], description: 'the active model\'s version, also when rules acted' },
    reason: {
      type: ['string', 'null'],
      enum: ['model_missing', 'model_failed_to_load', 'model_run_failed', 'non_finite_input', 'out_of_training_range', 'calibration_drift', null],
      description: 'why rules scored instead of the model (null when the model did)'
    },
    reasonDetail: { type: ['string', 'null'] },
    why: {
      type: 'array',
      description: 'the (up to) three features that moved the score most: contribution in log-odds for a model, probability for a rule',
      items: { type: 'object', properties: { feature: { type: 'string', enum: [...FEATURE_NAMES] }, value: { type: 'number' }, contribution: { type: 'number' } } }
    },
    modelScore: { type: ['number', 'null'], description: 'the active model\'s own probability (kept when rules acted)' },
    rulesScore: { type: 'number' },
    candidate: { type: ['object', 'null'], properties: { version: { type: 'string' }, score: { type: 'number' } }, description: 'a candidate model\'s probability in shadow; it never acts' },
    scoredAt: { type: 'string', format: 'date-time' },
    tier: { type: 'string', enum: ['fast', 'slow'] }
  }
} as const

export async function riskRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/risk', {
    schema: {
      tags: ['risk'],
      summary: `SKU-locations most at risk of an empty shelf within ${HORIZON_H} hours, highest first`,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          category: { type: 'string', maxLength: 100 },
          location: { type: 'string', maxLength: 64 },
          minScore: { type: 'number', minimum: 0, maximum: 1 },
          scorer: { type: 'string', enum: ['model', 'rules'] }
        }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            scores: { type: 'array', items: riskScoreSchema },
            total: { type: 'integer', description: 'SKU-locations matching the filters' },
            scored: { type: 'integer', description: 'SKU-locations with a current score' },
            horizonH: { type: 'number' }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const q = req.query as RiskQuery
    const risk = riskOf(deps)
    return { ...topRisk(risk, q), scored: risk.scores.size, horizonH: HORIZON_H }
  })
}

export function riskOf (deps: AppDeps): RiskService {
  if (!deps.risk) throw new EdgeError(Errors.UNAVAILABLE, 'shelf-risk scoring is not running')
  return deps.risk
}
