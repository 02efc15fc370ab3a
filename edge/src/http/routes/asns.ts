// Advance shipping notices (operators, the relay, the simulator; admin): post one, list them, read
// one with what was received so far and its discrepancies, close one (which checks it). Receipts
// are not posted here: they are canonical `receipt` events with data.asn (POST /api/v1/events, MQTT).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { AsnInput } from '../../decisions/receiving/service.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

/** Lines per ASN at most: a full trailer is a few hundred SKUs. */
const MAX_LINES = 2000

const discrepancySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    sku: { type: 'string' },
    kind: { type: 'string', enum: ['short', 'over', 'wrong_item'] },
    expected: { type: 'number', description: 'units on the ASN (0 for a wrong item)' },
    received: { type: 'number', description: 'units scanned in' },
    taskId: { type: ['integer', 'null'], description: 'the review task' },
    createdAt: { type: 'string' },
    resolvedAt: { type: ['string', 'null'] },
    decision: { type: ['string', 'null'], description: 'accept | recount' }
  }
} as const

const asnSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    supplier: { type: ['string', 'null'] },
    expectedAt: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['open', 'closed'] },
    createdAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
    closedBy: { type: ['string', 'null'], description: 'api, or auto (receivingCloseMin after the last receipt)' },
    lastReceiptAt: { type: ['string', 'null'] },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          expected: { type: 'number', description: 'units' },
          cases: { type: ['integer', 'null'] },
          received: { type: 'number', description: 'units received so far' },
          listed: { type: 'boolean', description: 'false: received but not on the ASN (a wrong item)' }
        }
      }
    },
    discrepancies: { type: 'array', items: discrepancySchema }
  }
} as const

/** The close takes no fields: no body at all is validated as {}. */
const emptyBody = async (req: FastifyRequest): Promise<void> => { if (req.body === undefined || req.body === null) req.body = {} }

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const

export async function asnRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const notDraining = async (): Promise<void> => {
    if (deps.draining()) throw new EdgeError(Errors.UNAVAILABLE, 'the server is shutting down; retry shortly')
  }

  app.post('/api/v1/asns', {
    onRequest: [admin, notDraining],
    schema: {
      tags: ['receiving'],
      summary: 'An advance shipping notice: what a delivery should hold (units per SKU); posting the same one again changes nothing',
      description: '201 when new; 200 with created false for the same id and lines; 409 EDGE_ERR_ASN_CONFLICT for the same id with other lines; 422 EDGE_ERR_UNKNOWN_SKU, EDGE_ERR_BAD_QTY (not 1-maxQty units) or EDGE_ERR_ASN_INVALID (a SKU listed twice).',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'lines'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          supplier: { type: 'string', maxLength: 128 },
          expectedAt: { type: 'string', format: 'date-time' },
          lines: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_LINES,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['sku', 'qty'],
              properties: {
                sku: { type: 'string', minLength: 1, maxLength: 64 },
                qty: { type: 'integer', description: 'units expected, 1-maxQty' },
                cases: { type: 'integer', minimum: 0, description: 'cartons announced' }
              }
            }
          }
        }
      },
      response: { 200: { type: 'object', properties: { asn: asnSchema, created: { type: 'boolean' } } }, 201: { type: 'object', properties: { asn: asnSchema, created: { type: 'boolean' } } }, ...errorResponses }
    }
  }, async (req, reply) => {
    const res = deps.receiving.post(req.body as AsnInput)
    return reply.code(res.created ? 201 : 200).send(res)
  })

  app.get('/api/v1/asns', {
    onRequest: admin,
    schema: {
      tags: ['receiving'],
      summary: 'ASNs, newest first, with what was received so far',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { state: { type: 'string', enum: ['open', 'closed'] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }
      },
      response: { 200: { type: 'object', properties: { asns: { type: 'array', items: asnSchema } } }, ...errorResponses }
    }
  }, async (req) => {
    const q = req.query as { state?: 'open' | 'closed', limit: number }
    return { asns: deps.receiving.asns.list(q.state, q.limit).map((a) => deps.receiving.detail(a.id)!) }
  })

  app.get('/api/v1/asns/:id', {
    onRequest: admin,
    schema: {
      tags: ['receiving'],
      summary: 'One ASN: its lines with units expected and received so far, SKUs received that it did not list, and its discrepancies',
      params: idParams,
      response: { 200: { type: 'object', properties: { asn: asnSchema } }, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: string }
    const asn = deps.receiving.detail(id)
    if (!asn) throw new EdgeError(Errors.ASN_UNKNOWN, `ASN "${id}" does not exist`)
    return { asn }
  })

  app.post('/api/v1/asns/:id/close', {
    onRequest: [admin, notDraining],
    preValidation: emptyBody,
    schema: {
      tags: ['receiving'],
      summary: 'Close an ASN now and check it: each SKU short, over or not on it gets a review task and an ERP-bound receiving_discrepancy',
      description: '404 EDGE_ERR_ASN_UNKNOWN; 409 EDGE_ERR_ASN_CLOSED when it was closed already (by the API or by itself receivingCloseMin after its last receipt).',
      params: idParams,
      body: { type: 'object', additionalProperties: false, properties: {}, description: 'none, or {}' },
      response: { 200: { type: 'object', properties: { asn: asnSchema, discrepancies: { type: 'array', items: discrepancySchema } } }, ...errorResponses }
    }
  }, async (req) => {
    const asn = deps.receiving.close((req.params as { id: string }).id, 'api')
    return { asn, discrepancies: asn.discrepancies }
  })
}
