// The canonical store event: the one shape every source (MQTT device, serial scanner, handheld or
// POS over HTTP) is turned into before it touches the journal. See DESIGN.md, "Contracts".

/** Event types the store understands. Their effect on inventory lives in store/effects.ts. */
export const EVENT_TYPES = [
  'scan', // a code was read; an observation, no stock moves
  'shelf_check', // an associate looked at a shelf: facings seen, maybe a gap
  'cycle_count', // a counted quantity replaces the record at one location
  'pick', // moved from a backroom location towards a shelf (in transit to shelf)
  'putaway', // put onto a location: from in transit (shelf fill) or from receiving
  'receipt', // a delivery received into a location (receiving or backroom)
  'sale', // sold at the POS: leaves the shelf
  'return', // returned by a customer: back into a location
  'reserve', // set aside for an online order at a location
  'release', // a reservation released (picked up, cancelled)
  'adjust', // a signed correction with a reason (damage, shrink found)
  'gap_detected', // a shelf camera saw an empty or thin facing
  'shelf_weight', // a load cell estimate of units on a shelf
  'temperature' // a cooler probe reading
] as const

export type EventType = typeof EVENT_TYPES[number]

export interface EventSource {
  /** mqtt | serial | http */
  transport: 'mqtt' | 'serial' | 'http'
  /** Profile id and stream name the event was decoded by (absent for canonical HTTP events). */
  profile?: string
  stream?: string
  /** MQTT topic, serial port path or HTTP route. */
  channel?: string
}

export interface CanonicalEvent {
  /** Unique per device; (deviceId, id) is the idempotency key. */
  id: string
  type: EventType
  storeId: string
  deviceId: string
  /** Event time, from the device, ISO 8601 UTC. Decisions use this, not receivedAt. */
  occurredAt: string
  /** When the server accepted it, ISO 8601 UTC. */
  receivedAt: string
  sku?: string
  gtin?: string
  location?: string
  qty?: number
  data: Record<string, unknown>
  source: EventSource
}

/** What a profile decode yields before the server fills in store, device, times and item. */
export interface EventDraft {
  id?: string
  type: EventType
  occurredAt?: string
  sku?: string
  gtin?: string
  location?: string
  qty?: number
  data: Record<string, unknown>
}

export function isEventType (s: unknown): s is EventType {
  return typeof s === 'string' && (EVENT_TYPES as readonly string[]).includes(s)
}
