// The handheld's item lookup: an associate scans or types a code and sees the item, where it is
// (every position with its zone), its shelf risk and its live tasks. A code is a SKU, else a GTIN
// whose check digit must be right (a misread scan is told apart from an unknown item).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { checkGtin } from '../../core/gtin.js'
import { riskView } from '../../scoring/service/views.js'
import type { Item } from '../../store/catalog.js'
import type { AppDeps } from '../deps.js'
import { handheldFromRequest } from '../handheld-auth.js'
import { errorResponses } from '../schemas.js'

const lookupTask = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    location: { type: 'string' },
    fromLocation: { type: ['string', 'null'] },
    qty: { type: ['integer', 'null'] },
    value: { type: 'number' },
    state: { type: 'string' },
    assignee: { type: ['string', 'null'] },
    version: { type: 'integer' },
    why: { type: 'object', additionalProperties: true }
  }
} as const

const num = { type: 'number' } as const
const nullableString = { type: ['string', 'null'] } as const

export const lookupResponse = {
  type: 'object',
  properties: {
    matchedBy: { type: 'string', enum: ['sku', 'gtin'] },
    item: {
      type: 'object',
      properties: {
        sku: { type: 'string' },
        name: { type: 'string' },
        category: nullableString,
        price: { type: ['number', 'null'], description: 'unit price' },
        casePack: { type: 'integer' },
        shelfCapacity: { type: ['integer', 'null'], description: 'units' },
        gtins: { type: 'array', items: { type: 'string' } }
      }
    },
    positions: {
      type: 'array',
      items: { type: 'object', properties: { location: { type: 'string' }, kind: nullableString, zone: nullableString, onHand: num, inTransit: num, reserved: num } }
    },
    risk: {
      type: 'array',
      description: 'the current shelf-risk score of each shelf of the item (empty until scored)',
      items: {
        type: 'object',
        properties: {
          location: { type: 'string' },
          score: num,
          scorer: { type: 'string' },
          version: { type: 'string' },
          reason: { ...nullableString, description: 'why rules scored instead of the model' },
          why: { type: 'array', items: { type: 'object', properties: { feature: { type: 'string' }, value: num, contribution: num } } },
          scoredAt: { type: 'string' }
        }
      }
    },
    tasks: { type: 'array', description: 'live tasks (open, claimed, started) of the item, best value first', items: lookupTask }
  }
} as const

export async function lookupRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const handheld = async (req: FastifyRequest): Promise<void> => { handheldFromRequest(req, deps) }

  app.get('/api/v1/handheld/items/:code', {
    config: { access: 'device' },
    onRequest: handheld,
    schema: {
      tags: ['tasks'],
      summary: 'Item lookup on a handheld by SKU or GTIN: the item, where it is, its shelf risk and its live tasks',
      description: 'A code that is not a SKU is read as a GTIN-8/12/13/14: a wrong check digit is 400 EDGE_ERR_BAD_CHECK_DIGIT; a code naming no item is 404 EDGE_ERR_ITEM_UNKNOWN.',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 64 } } },
      response: { 200: lookupResponse, ...errorResponses }
    }
  }, async (req) => {
    const { code } = req.params as { code: string }
    const { item, matchedBy } = findItem(deps, code)
    const positions = deps.queries.positions(item.sku).map((p) => ({
      location: p.location, kind: p.kind, zone: deps.catalog.location(p.location)?.zone ?? null, onHand: p.onHand, inTransit: p.inTransit, reserved: p.reserved
    }))
    const risk = (deps.risk?.scores.forSku(item.sku) ?? []).map((s) => {
      const v = riskView(s, item.category)
      return { location: v.location, score: v.score, scorer: v.scorer, version: v.version, reason: v.reason, why: v.why, scoredAt: v.scoredAt }
    }).sort((a, b) => b.score - a.score)
    return {
      matchedBy,
      item: { sku: item.sku, name: item.description, category: item.category, price: item.unitPrice, casePack: item.casePack, shelfCapacity: item.shelfCapacity, gtins: item.gtins },
      positions,
      risk,
      tasks: deps.tasks.store.liveForSku(item.sku)
    }
  })
}

/** The item a code names: a SKU first (some SKUs are all digits), else a GTIN with a valid check digit. */
function findItem (deps: AppDeps, code: string): { item: Item, matchedBy: 'sku' | 'gtin' } {
  deps.catalog.refreshIfChanged()
  const bySku = deps.catalog.item(code)
  if (bySku) return { item: bySku, matchedBy: 'sku' }
  const g = checkGtin(code)
  if (!g.ok && g.reason === 'check_digit') throw new EdgeError(Errors.BAD_CHECK_DIGIT, `GTIN ${code} has a wrong check digit (misread?)`, { code })
  const sku = g.ok ? deps.catalog.skuForGtin(g.gtin14) : undefined
  const item = sku === undefined ? undefined : deps.catalog.item(sku)
  if (!item) throw new EdgeError(Errors.ITEM_UNKNOWN, `no item has the ${g.ok ? 'GTIN' : 'SKU'} "${code}"`, { code })
  return { item, matchedBy: 'gtin' }
}
