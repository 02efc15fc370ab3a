// Order proposals (managers, the panel, the simulator; admin): list them, read one with its
// reasoning and the min-max comparison, run today's proposals now, and approve, modify or reject a
// pending one. Approved orders reach the ERP through the outbox.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Action } from '../../decisions/orders/decide.js'
import { isDay } from '../../decisions/orders/history-input.js'
import { PROPOSAL_STATES, type ProposalState } from '../../store/proposals.js'
import { adminGuard } from '../auth.js'
import { decodeCursor, encodeCursor } from '../cursor.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

export const proposalSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    sku: { type: 'string' },
    orderDay: { type: 'string', description: 'the day the order is placed (UTC)' },
    state: { type: 'string', enum: [...PROPOSAL_STATES] },
    qty: { type: 'integer', description: 'units proposed, whole cases' },
    cases: { type: 'integer' },
    casePack: { type: 'integer' },
    minMaxQty: { type: 'integer', description: 'what static min-max would order today, units' },
    minMax: { type: 'object', additionalProperties: true, description: 'min, max and qty of static min-max' },
    unitCost: { type: ['number', 'null'] },
    value: { type: ['number', 'null'], description: 'qty x unit cost' },
    usualQty: { type: ['number', 'null'], description: 'the usual order, units' },
    deviationPct: { type: ['number', 'null'], description: '|qty - usual| / usual, percent' },
    confidence: { type: 'number', description: "the forecast's, 0-1" },
    fallback: { type: 'boolean', description: 'inputs were stale: the quantity is min-max' },
    reviewReasons: { type: 'array', items: { type: 'string' }, description: 'why a manager must decide; empty = within the policy' },
    reasoning: { type: 'object', additionalProperties: true },
    policy: { type: 'object', properties: { id: { type: ['string', 'null'] }, version: { type: ['integer', 'null'] } } },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    expiresAt: { type: 'string' },
    decision: {
      type: ['object', 'null'],
      properties: { mode: { type: 'string', enum: ['auto', 'manager'] }, by: { type: 'string' }, at: { type: 'string' }, reason: { type: ['string', 'null'] }, qty: { type: 'integer', description: 'units ordered' } }
    },
    version: { type: 'integer' }
  }
} as const

/** The run takes no fields: no body at all is validated as {}. */
const emptyBody = async (req: FastifyRequest): Promise<void> => { if (req.body === undefined || req.body === null) req.body = {} }

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const

const decisionBody = (action: Action) => ({
  type: 'object',
  additionalProperties: false,
  required: action === 'approve' ? [] : action === 'modify' ? ['reason', 'qty'] : ['reason'],
  properties: {
    by: { type: 'string', minLength: 1, maxLength: 128, description: 'who decides: required with the admin token or on an open LAN; a signed-in manager is who decides, whatever this says' },
    reason: { type: 'string', maxLength: 1000, description: action === 'approve' ? 'optional note' : 'why (required)' },
    version: { type: 'integer', minimum: 1, description: 'the version read: a proposal refreshed since answers 409 EDGE_ERR_PROPOSAL_CONFLICT' },
    ...(action === 'modify' ? { qty: { type: 'number', description: 'units to order instead, whole cases, above zero' } } : {})
  }
})

const SUMMARIES: Record<Action, string> = {
  approve: 'Approve a pending proposal as proposed: the order goes to the ERP through the outbox',
  modify: 'Approve with another quantity (whole cases) and the reason: an override, audited',
  reject: 'Reject a pending proposal with the reason: nothing is ordered'
}

export async function orderProposalRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const notDraining = async (): Promise<void> => {
    if (deps.draining()) throw new EdgeError(Errors.UNAVAILABLE, 'the server is shutting down; retry shortly')
  }

  app.get('/api/v1/order-proposals', {
    onRequest: admin,
    schema: {
      tags: ['orders'],
      summary: 'Order proposals, newest first, by state, order day or SKU',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          state: { type: 'string', enum: [...PROPOSAL_STATES] },
          orderDay: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\d$' },
          sku: { type: 'string', minLength: 1, maxLength: 64 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          cursor: { type: 'string', maxLength: 200 }
        }
      },
      response: { 200: { type: 'object', properties: { proposals: { type: 'array', items: proposalSchema }, next: { type: ['string', 'null'] } } }, ...errorResponses }
    }
  }, async (req) => {
    const q = req.query as { state?: ProposalState, orderDay?: string, sku?: string, limit: number, cursor?: string }
    if (q.orderDay !== undefined && !isDay(q.orderDay)) throw new EdgeError(Errors.VALIDATION, `orderDay ${q.orderDay} is not a day`)
    const beforeId = q.cursor === undefined ? undefined : Number(decodeCursor(q.cursor, 1)[0])
    if (beforeId !== undefined && !Number.isInteger(beforeId)) throw new EdgeError(Errors.BAD_CURSOR, 'cursor is not one this server handed out')
    const rows = deps.orders.list({ state: q.state, orderDay: q.orderDay, sku: q.sku, beforeId, limit: q.limit + 1 })
    const page = rows.slice(0, q.limit)
    return { proposals: page.map(withMinMax), next: rows.length > q.limit ? encodeCursor([String(page[page.length - 1].id)]) : null }
  })

  app.get('/api/v1/order-proposals/:id', {
    onRequest: admin,
    schema: { tags: ['orders'], summary: 'One proposal with its reasoning, the min-max comparison and the decision', params: idParams, response: { 200: { type: 'object', properties: { proposal: proposalSchema } }, ...errorResponses } }
  }, async (req) => {
    const { id } = req.params as { id: number }
    const p = deps.orders.get(id)
    if (p === undefined) throw new EdgeError(Errors.PROPOSAL_UNKNOWN, `no order proposal ${id}`)
    return { proposal: withMinMax(p) }
  })

  app.post('/api/v1/order-proposals/run', {
    onRequest: [admin, notDraining],
    preValidation: emptyBody,
    schema: {
      tags: ['orders'],
      body: { type: 'object', additionalProperties: false, properties: {} },
      summary: "Make or refresh today's proposals now (the scheduled run is orderProposalsCron); decided ones stay as they are",
      response: {
        200: {
          type: 'object',
          properties: { orderDay: { type: 'string' }, due: { type: 'integer' }, created: { type: 'integer' }, refreshed: { type: 'integer' }, autoApproved: { type: 'integer' }, pending: { type: 'integer' }, fallback: { type: 'integer' }, nothing: { type: 'integer' }, decided: { type: 'integer' }, ms: { type: 'integer' } }
        },
        ...errorResponses
      }
    }
  }, async () => deps.orders.run())

  for (const action of ['approve', 'modify', 'reject'] as const) {
    app.post(`/api/v1/order-proposals/:id/${action}`, {
      onRequest: [admin, notDraining],
      schema: {
        tags: ['orders'],
        summary: SUMMARIES[action],
        description: '404 EDGE_ERR_PROPOSAL_UNKNOWN; 409 EDGE_ERR_PROPOSAL_DECIDED (approved, modified or rejected already), EDGE_ERR_PROPOSAL_EXPIRED, EDGE_ERR_PROPOSAL_CONFLICT (version); 422 EDGE_ERR_ORDER_QTY (not whole cases, not above zero, absurd).',
        params: idParams,
        body: decisionBody(action),
        response: { 200: { type: 'object', properties: { proposal: proposalSchema } }, ...errorResponses }
      }
    }, async (req) => {
      const { id } = req.params as { id: number }
      const body = req.body as { by?: string, reason?: string, qty?: number, version?: number }
      // A panel session decides as its own user: the audit log names who was signed in, not a field they typed.
      const by = req.caller?.kind === 'session' ? req.caller.session.username : body.by
      if (by === undefined) throw new EdgeError(Errors.VALIDATION, 'body must have "by" (who decides) unless a manager is signed in')
      return { proposal: withMinMax(deps.orders.decide(id, action, { ...body, by })) }
    })
  }
}

/** The min-max comparison lifted out of the reasoning, where a panel looks for it. */
function withMinMax<T extends { reasoning: Record<string, unknown>, minMaxQty: number }> (p: T): T & { minMax: unknown } {
  return { ...p, minMax: p.reasoning.minMax ?? { qty: p.minMaxQty } }
}
