// GET /api/v1/overview: the panel's first page in one call (http/panel/overview.ts builds it).

import type { FastifyInstance } from 'fastify'
import { HORIZON_H } from '../../scoring/spec.js'
import type { AppDeps } from '../deps.js'
import { alertsSchema } from '../panel/alerts.js'
import type { PanelContext } from '../panel/context.js'
import { devicesSchema } from '../panel/devices.js'
import { linkSchema } from '../panel/link.js'
import { overview } from '../panel/overview.js'
import { errorResponses } from '../schemas.js'
import { openTasksSchema } from './kpis.js'
import { riskScoreSchema } from './risk.js'

const share = { type: ['number', 'null'], minimum: 0, maximum: 1 } as const

const overviewSchema = {
  type: 'object',
  properties: {
    at: { type: 'string', format: 'date-time', description: 'server clock' },
    availability: {
      type: 'object',
      description: 'on-shelf availability estimate from the current shelf-risk scores',
      properties: {
        onShelf: { ...share, description: 'share of shelf SKU-locations with stock recorded on the shelf' },
        onShelfNotAtRisk: { ...share, description: 'share on the shelf and below the risk threshold' },
        shelves: { type: 'integer', description: 'shelf SKU-locations with a current score' },
        empty: { type: 'integer' },
        method: { type: 'string', description: 'how the shares are computed' }
      }
    },
    atRisk: {
      type: 'object',
      properties: {
        count: { type: 'integer', description: 'shelf SKU-locations with a score at or above the threshold' },
        threshold: { type: 'number', description: 'fillRiskThreshold' },
        horizonH: { type: 'number', description: `hours the score looks ahead (${HORIZON_H})` },
        top: { type: 'array', items: riskScoreSchema, description: 'the five highest, with why' }
      }
    },
    tasks: openTasksSchema,
    approvals: {
      type: 'object',
      properties: {
        orderProposals: { type: 'integer', description: 'order proposals pending a decision' },
        receivingReviews: { type: 'integer', description: 'live review tasks (receiving discrepancies)' },
        counts: { type: 'integer', description: 'live count tasks (suspected wrong records)' }
      }
    },
    devices: devicesSchema,
    link: linkSchema,
    alerts: alertsSchema
  }
} as const

export async function overviewRoutes (app: FastifyInstance, deps: AppDeps, panel: PanelContext): Promise<void> {
  app.get('/api/v1/overview', {
    schema: {
      tags: ['panel'],
      summary: 'The panel\'s first page: on-shelf availability, items at risk, open tasks, approvals waiting, devices, the link to headquarters, alerts',
      response: { 200: overviewSchema, ...errorResponses }
    }
  }, async () => overview(deps, panel.rows, panel.board))
}
