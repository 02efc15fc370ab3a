// What an ERP adapter is: it takes one stored event and either delivers it or says why not, and
// whether trying again can help (a timeout, a 5xx) or not (the ERP refused the event as it is).
// The ERP must ignore a repeat of the same (storeId, eventId): after a relay dies mid-call the event
// is sent again, so every adapter sends that pair as its idempotency key.

import type { StoredEvent } from '../storage/types.js'

export class ErpError extends Error {
  override name = 'ErpError'
  constructor (message: string, readonly retryable: boolean, readonly status: number | null = null) {
    super(message)
  }
}

export interface ErpAdapter {
  readonly name: string
  /** The longest one send may take, milliseconds (its time limits): the forwarder keeps a claim's lease ahead of it. */
  readonly maxSendMs?: number
  /** Resolves when the ERP has the event; throws ErpError otherwise. */
  send (event: StoredEvent): Promise<void>
}

/** The idempotency key of an event at the ERP. */
export function idempotencyKey (e: Pick<StoredEvent, 'storeId' | 'eventId'>): string {
  return `${e.storeId}:${e.eventId}`
}
