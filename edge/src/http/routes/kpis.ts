// GET /api/v1/kpis: the store's task and backroom KPIs over the last `hours` of the server clock
// (decisions/kpis/). For the manager's panel and headquarters; an operator route (admin token
// when one is configured).

import type { FastifyInstance } from 'fastify'
import { MAX_KPI_HOURS } from '../../decisions/kpis/service.js'
import { AGE_BUCKETS } from '../../decisions/kpis/stats.js'
import { TASK_KINDS } from '../../decisions/tasks/types.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

const nullableNumber = { type: ['number', 'null'] } as const
const summary = (unit: string) => ({
  type: 'object',
  properties: { n: { type: 'integer' }, median: { ...nullableNumber, description: unit }, p90: { ...nullableNumber, description: unit } }
}) as const
const perKind = (item: object, extra: Record<string, object> = {}) => ({
  type: 'object',
  properties: { ...Object.fromEntries(TASK_KINDS.map((k) => [k, item])), ...extra }
})

/** Live tasks by kind, state and age (also on GET /api/v1/overview). */
export const openTasksSchema = {
  type: 'object',
  description: 'live tasks now (open, claimed or started) by kind, state and age since created',
  properties: {
    total: { type: 'integer' },
    byKind: perKind({
      type: 'object',
      properties: {
        total: { type: 'integer' },
        open: { type: 'integer' },
        claimed: { type: 'integer' },
        started: { type: 'integer' },
        age: { type: 'object', properties: Object.fromEntries(AGE_BUCKETS.map((b) => [b, { type: 'integer' }])) }
      }
    })
  }
} as const

const kpiSchema = {
  type: 'object',
  properties: {
    window: { type: 'object', properties: { hours: { type: 'number' }, from: { type: 'string' }, to: { type: 'string' } } },
    openTasks: openTasksSchema,
    timeToFirstActionMin: { ...perKind(summary('minutes'), { all: summary('minutes') }), description: 'created -> first accepted claim, minutes, for first claims in the window' },
    completionMin: { ...perKind(summary('minutes'), { all: summary('minutes') }), description: 'claimed -> done, minutes, for tasks done in the window' },
    laborMinPerTask: perKind({ type: 'object', properties: { n: { type: 'integer' }, totalMin: { type: 'number' }, mean: nullableNumber, median: nullableNumber } }),
    fillUnitsPerLaborMin: { type: 'object', properties: { units: { type: 'number' }, laborMin: { type: 'number' }, rate: nullableNumber } },
    backroomDwellH: {
      type: 'object',
      description: 'hours units waited in receiving until put away (FIFO per SKU), weighted by units, for put-aways in the window; and what still waits',
      properties: {
        ...summary('hours').properties,
        units: { type: 'number' },
        unmatchedUnits: { type: 'number', description: 'units put away with no receipt on record in the look-back' },
        waiting: { type: 'object', properties: { units: { type: 'number' }, skus: { type: 'integer' }, oldestH: nullableNumber, medianH: nullableNumber } }
      }
    },
    exceptionResolutionH: {
      type: 'object',
      description: 'count and review tasks, created -> done, hours, for those done in the window',
      properties: { count: summary('hours'), review: summary('hours'), all: summary('hours') }
    },
    phantomPrecision: { description: 'the phantom detector\'s precision in the window; null until provided' },
    orderProposals: { description: 'order proposals made in the window: made, autoApproved, managerApproved, modified, rejected, expired, pending, fallback, autoApprovedPct, overridePct; null until provided' }
  }
} as const

export async function kpiRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/kpis', {
    onRequest: adminGuard(deps.config.adminToken),
    schema: {
      tags: ['tasks'],
      summary: 'Task and backroom KPIs over the last `hours` of the server clock',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { hours: { type: 'integer', minimum: 1, maximum: MAX_KPI_HOURS, default: 24 } }
      },
      response: { 200: kpiSchema, ...errorResponses }
    }
  }, async (req) => deps.kpis.compute((req.query as { hours: number }).hours))
}
