// The generic webhook adapter: each event as JSON to one URL, its idempotency key in a header, a
// time limit. 2xx delivers; 401, 403, 408, 429, 5xx, a timeout or a cut connection are worth another
// try; any other 4xx is the ERP refusing this event as it is (a mapping to fix): dead-lettered.

import { ErpError, idempotencyKey, type ErpAdapter } from './adapter.js'
import type { StoredEvent } from '../storage/types.js'

export interface WebhookOptions {
  url: string
  /** Extra headers (an API key), sent with every call. */
  headers?: Record<string, string>
  /** Milliseconds before a call counts as timed out. */
  timeoutMs?: number
}

export class WebhookAdapter implements ErpAdapter {
  readonly name = 'webhook'
  readonly maxSendMs: number

  constructor (private readonly o: WebhookOptions) {
    this.maxSendMs = o.timeoutMs ?? 10_000
  }

  async send (e: StoredEvent): Promise<void> {
    let res: Response
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey(e), ...this.o.headers },
        body: JSON.stringify({ storeId: e.storeId, seq: e.seq, eventId: e.eventId, type: e.type, sku: e.sku, occurredAt: e.occurredAt, payload: e.payload }),
        signal: AbortSignal.timeout(this.maxSendMs)
      })
    } catch (err) {
      throw new ErpError(`webhook unreachable: ${(err as Error).message}`, true)
    }
    const text = await res.text().catch(() => '')
    if (res.ok) return
    // 401/403 is the relay's credentials, not the event: retried (the store waits) until fixed.
    const retryable = res.status === 401 || res.status === 403 || res.status === 408 || res.status === 429 || res.status >= 500
    throw new ErpError(`webhook answered ${res.status}: ${text.slice(0, 200)}`, retryable, res.status)
  }
}
