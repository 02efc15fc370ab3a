// ERPNext (Frappe) mapping, through its documented REST API: POST /api/resource/{DocType} with the
// document as JSON, `Authorization: token <api key>:<api secret>`, `docstatus: 1` to submit it.
// - receipt: a Stock Entry "Material Receipt" into the store's warehouse;
// - inventory_adjustment: a "Material Receipt" for a count that found more, a "Material Issue"
//   for one that found less;
// - order: a Material Request of type "Purchase" for the order day;
// - receiving_discrepancy: nothing to book (the receipt booked what came; the review is the
//   store's), so it is taken as delivered.
// Frappe has no idempotency header: the key goes into the document (Stock Entry `remarks`,
// Material Request `title`) and is looked up with a list filter before creating, so an event sent
// again after a relay restart is not booked twice.

import { ErpError, idempotencyKey, type ErpAdapter } from './adapter.js'
import type { StoredEvent } from '../storage/types.js'

export interface ErpNextOptions {
  url: string
  apiKey: string
  apiSecret: string
  /** The ERPNext warehouse of a store; '{storeId}' in the template is replaced. */
  warehouse: string
  timeoutMs?: number
}

export interface ErpNextDoc { doctype: 'Stock Entry' | 'Material Request', keyField: 'remarks' | 'title', body: Record<string, unknown> }

const num = (v: unknown): number => typeof v === 'number' && Number.isFinite(v) ? v : NaN

/** The document an event becomes, or null when there is nothing for ERPNext to book. */
export function toErpNext (e: StoredEvent, warehouse: string): ErpNextDoc | null {
  const key = `store-edge:${idempotencyKey(e)}`
  const day = e.occurredAt.slice(0, 10)
  const p = e.payload
  const sku = typeof p.sku === 'string' ? p.sku : e.sku
  if (sku === null) throw new ErpError(`${e.type} ${e.eventId} names no item`, false)
  const stock = (type: 'Material Receipt' | 'Material Issue', qty: number): ErpNextDoc => ({
    doctype: 'Stock Entry',
    keyField: 'remarks',
    body: {
      doctype: 'Stock Entry',
      stock_entry_type: type,
      posting_date: day,
      set_posting_time: 1,
      remarks: key,
      docstatus: 1,
      items: [{ item_code: sku, qty, ...(type === 'Material Receipt' ? { t_warehouse: warehouse } : { s_warehouse: warehouse }) }]
    }
  })
  switch (e.type) {
    case 'receipt': {
      const qty = num(p.qty)
      if (!(qty > 0)) throw new ErpError(`receipt ${e.eventId} has no quantity above zero`, false)
      return stock('Material Receipt', qty)
    }
    case 'inventory_adjustment': {
      const delta = num(p.delta)
      if (!Number.isFinite(delta) || delta === 0) throw new ErpError(`inventory_adjustment ${e.eventId} has no delta`, false)
      return delta > 0 ? stock('Material Receipt', delta) : stock('Material Issue', -delta)
    }
    case 'order': {
      const qty = num(p.qty)
      const orderDay = typeof p.orderDay === 'string' ? p.orderDay : day
      if (!(qty > 0)) throw new ErpError(`order ${e.eventId} has no quantity above zero`, false)
      return {
        doctype: 'Material Request',
        keyField: 'title',
        body: {
          doctype: 'Material Request',
          title: key,
          material_request_type: 'Purchase',
          transaction_date: orderDay,
          schedule_date: orderDay,
          set_warehouse: warehouse,
          docstatus: 1,
          items: [{ item_code: sku, qty, schedule_date: orderDay, warehouse }]
        }
      }
    }
    case 'receiving_discrepancy':
      return null
  }
}

export class ErpNextAdapter implements ErpAdapter {
  readonly name = 'erpnext'
  /** A look-up and a create, each with its own time limit. */
  readonly maxSendMs: number

  constructor (private readonly o: ErpNextOptions) {
    this.maxSendMs = 2 * (o.timeoutMs ?? 15_000)
  }

  private async call (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number, json: unknown }> {
    let res: Response
    try {
      res = await fetch(`${this.o.url.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { authorization: `token ${this.o.apiKey}:${this.o.apiSecret}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000)
      })
    } catch (err) {
      throw new ErpError(`ERPNext unreachable: ${(err as Error).message}`, true)
    }
    const text = await res.text().catch(() => '')
    let json: unknown = null
    try { json = JSON.parse(text) } catch {}
    if (res.ok) return { status: res.status, json }
    // 401/403: the relay's credentials, not the event: retried (the store waits) until they are fixed.
    const retryable = res.status === 401 || res.status === 403 || res.status === 408 || res.status === 429 || res.status >= 500
    throw new ErpError(`ERPNext answered ${res.status} to ${method} ${path}: ${text.slice(0, 300)}`, retryable, res.status)
  }

  async send (e: StoredEvent): Promise<void> {
    const doc = toErpNext(e, this.o.warehouse.replace('{storeId}', e.storeId))
    if (doc === null) return
    const resource = `/api/resource/${encodeURIComponent(doc.doctype)}`
    const key = doc.body[doc.keyField] as string
    const found = await this.call('GET', `${resource}?filters=${encodeURIComponent(JSON.stringify([[doc.keyField, '=', key]]))}&fields=${encodeURIComponent('["name"]')}`)
    const data = (found.json as { data?: unknown[] } | null)?.data
    if (Array.isArray(data) && data.length > 0) return // booked already (sent again after a restart)
    await this.call('POST', resource, doc.body)
  }
}
