// The demand history the order forecast learns from (operators, the ERP connector, the simulator;
// admin): a year of daily sales per SKU at onboarding, the calendar of events and SNAP days, and
// promotions; and each SKU's daily series as the forecast sees it. After go-live the server keeps
// daily sales itself from the POS sale events.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { checkHistory, isDay } from '../../decisions/orders/history-input.js'
import { addDays, daysBetween, type HistoryImport } from '../../store/sales.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

/** Sales rows per request at most: a year of 270 SKUs; larger histories are posted in parts. */
export const MAX_HISTORY_ROWS = 100_000
/** Days one series read covers at most. */
const MAX_SERIES_DAYS = 3 * 366

const dayString = { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\d$' } as const

export async function salesRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)

  app.post('/api/v1/sales/history', {
    onRequest: admin,
    bodyLimit: 32 * 1024 * 1024, // bytes: 100,000 sales rows are ~6 MB of JSON
    schema: {
      tags: ['orders'],
      summary: 'Import daily sales history, the demand calendar (events, SNAP days) and promotions; the same rows again change nothing',
      description: 'All rows are checked before any is written: 422 EDGE_ERR_HISTORY_INVALID names every bad row (unknown SKU, a day that does not exist, units not whole or over maxQty, a row listed twice, a promotion ending before it starts). A history day imported wins over the sales the server counted itself for that day.',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sales: {
            type: 'array',
            maxItems: MAX_HISTORY_ROWS,
            items: { type: 'object', additionalProperties: false, required: ['sku', 'day', 'units'], properties: { sku: { type: 'string', minLength: 1, maxLength: 64 }, day: { type: 'string', maxLength: 10 }, units: { type: 'number', description: 'units sold that day' } } }
          },
          days: {
            type: 'array',
            maxItems: 10_000,
            items: { type: 'object', additionalProperties: false, required: ['day'], properties: { day: { type: 'string', maxLength: 10 }, event: { type: ['string', 'null'], maxLength: 128, description: 'holiday or event name' }, snap: { type: 'boolean', description: 'food-stamp benefits paid that day' } } }
          },
          promotions: {
            type: 'array',
            maxItems: 100_000,
            items: { type: 'object', additionalProperties: false, required: ['sku', 'from', 'to'], properties: { sku: { type: 'string', minLength: 1, maxLength: 64 }, from: { type: 'string', maxLength: 10 }, to: { type: 'string', maxLength: 10, description: 'last day, inclusive' } } }
          }
        }
      },
      response: { 200: { type: 'object', properties: { sales: { type: 'integer' }, days: { type: 'integer' }, promotions: { type: 'integer' } } }, ...errorResponses }
    }
  }, async (req) => {
    const body = req.body as HistoryImport
    checkHistory(body, (sku) => deps.catalog.item(sku) !== undefined, { maxQty: deps.config.maxQty })
    return deps.sales.importHistory(body)
  })

  app.get('/api/v1/sales/daily', {
    onRequest: admin,
    schema: {
      tags: ['orders'],
      summary: "One SKU's units sold per day, as the forecast reads them (imported history, else the server's own count)",
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'from', 'to'],
        properties: { sku: { type: 'string', minLength: 1, maxLength: 64 }, from: dayString, to: dayString }
      },
      response: { 200: { type: 'object', properties: { sku: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, units: { type: 'array', items: { type: 'number' } } } }, ...errorResponses }
    }
  }, async (req) => {
    const q = req.query as { sku: string, from: string, to: string }
    if (!isDay(q.from) || !isDay(q.to) || q.to < q.from) throw new EdgeError(Errors.VALIDATION, `from ${q.from} and to ${q.to} must be days with from <= to`)
    if (daysBetween(q.from, q.to) >= MAX_SERIES_DAYS) throw new EdgeError(Errors.VALIDATION, `at most ${MAX_SERIES_DAYS} days per read (from ${q.from} to ${addDays(q.from, MAX_SERIES_DAYS - 1)})`)
    if (deps.catalog.item(q.sku) === undefined) throw new EdgeError(Errors.UNKNOWN_SKU, `SKU "${q.sku}" is not in the item master`)
    const s = deps.sales.series(q.from, q.to).get(q.sku)
    return { sku: q.sku, from: q.from, to: q.to, units: s ? Array.from(s) : new Array<number>(daysBetween(q.from, q.to) + 1).fill(0) }
  })
}
