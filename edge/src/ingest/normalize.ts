// Turns a decoded draft (from a profile) or a canonical event posted over HTTP into a complete,
// checked CanonicalEvent: store and device filled in, GTIN resolved to a SKU, quantity and time
// within bounds, locations known. Anything wrong is an EdgeError whose code becomes the dead
// letter's reason.

import type { CanonicalEvent, EventDraft, EventSource } from '../core/event.js'
import { EdgeError, Errors } from '../core/errors.js'
import { checkGtin } from '../core/gtin.js'
import type { Catalog } from '../store/catalog.js'
import { MOVING_TYPES, requirementsOf } from '../store/effects.js'

export interface NormalizeLimits {
  maxEventAgeS: number
  maxEventFutureS: number
  maxQty: number
}

export interface NormalizeContext {
  storeId: string
  deviceId: string
  /** Server receipt time, epoch milliseconds. */
  receivedAtMs: number
  source: EventSource
  /** Used when the draft has no id (devices without message ids). */
  derivedId: string
}

const ID_PATTERN = /^[\x21-\x7e]{1,128}$/

/** Types whose quantity must be above zero; counts may be zero; adjustments are signed. */
const POSITIVE_QTY = new Set(['sale', 'return', 'receipt', 'pick', 'putaway', 'reserve', 'release'])

/** Where a move lands when the device does not say: the item's home shelf. */
const HOME_DEFAULT = new Set(['sale', 'return', 'pick', 'putaway'])

export function normalize (draft: EventDraft, ctx: NormalizeContext, catalog: Catalog, limits: NormalizeLimits): CanonicalEvent {
  const id = draft.id ?? ctx.derivedId
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new EdgeError(Errors.BAD_EVENT, `event id must be 1-128 printable ASCII characters, got ${JSON.stringify(id)}`)
  }
  const receivedAt = new Date(ctx.receivedAtMs).toISOString()
  const occurredAt = checkTime(draft.occurredAt, ctx.receivedAtMs, limits) ?? receivedAt
  const need = requirementsOf(draft.type)

  let gtin: string | undefined
  let sku = draft.sku
  if (draft.gtin !== undefined) {
    const c = checkGtin(String(draft.gtin))
    if (!c.ok) {
      throw c.reason === 'check_digit'
        ? new EdgeError(Errors.BAD_CHECK_DIGIT, `GTIN ${draft.gtin} has a wrong check digit`)
        : new EdgeError(Errors.BAD_GTIN, `"${draft.gtin}" is not a GTIN-8/12/13/14`)
    }
    gtin = c.gtin14
    const owner = catalog.skuForGtin(gtin)
    if (owner === undefined) throw new EdgeError(Errors.UNKNOWN_GTIN, `GTIN ${gtin} is not in the item master`, { gtin })
    if (sku !== undefined && sku !== owner) {
      throw new EdgeError(Errors.BAD_EVENT, `GTIN ${gtin} belongs to ${owner}, not to the SKU given (${sku})`)
    }
    sku = owner
  }
  const item = sku !== undefined ? catalog.item(sku) : undefined
  if (sku !== undefined && item === undefined) throw new EdgeError(Errors.UNKNOWN_SKU, `SKU "${sku}" is not in the item master`)
  if (need.sku && sku === undefined) throw new EdgeError(Errors.BAD_EVENT, `a ${draft.type} event needs a sku or gtin`)

  const qty = draft.qty
  if (qty !== undefined) checkQty(draft.type, qty, limits.maxQty)
  else if (need.qty) throw new EdgeError(Errors.BAD_EVENT, `a ${draft.type} event needs a qty`)

  let location = draft.location
  if (location === undefined && HOME_DEFAULT.has(draft.type) && item?.homeLocation) location = item.homeLocation
  if (MOVING_TYPES.has(draft.type)) {
    if (location === undefined) throw new EdgeError(Errors.BAD_EVENT, `a ${draft.type} event needs a location (and item ${sku} has no home location)`)
    if (catalog.location(location) === undefined) throw new EdgeError(Errors.UNKNOWN_LOCATION, `location "${location}" is not known`)
    const from = draft.data.from
    if (need.from && typeof from !== 'string') throw new EdgeError(Errors.BAD_EVENT, `a ${draft.type} event needs data.from, the location it is taken from`)
    if (typeof from === 'string' && catalog.location(from) === undefined) throw new EdgeError(Errors.UNKNOWN_LOCATION, `location "${from}" (data.from) is not known`)
  }

  const event: CanonicalEvent = {
    id,
    type: draft.type,
    storeId: ctx.storeId,
    deviceId: ctx.deviceId,
    occurredAt,
    receivedAt,
    data: draft.data,
    source: ctx.source
  }
  if (sku !== undefined) event.sku = sku
  if (gtin !== undefined) event.gtin = gtin
  if (location !== undefined) event.location = location
  if (qty !== undefined) event.qty = qty
  return event
}

function checkQty (type: string, qty: number, maxQty: number): void {
  if (typeof qty !== 'number' || !Number.isFinite(qty)) throw new EdgeError(Errors.BAD_QTY, `qty must be a finite number, got ${JSON.stringify(qty)}`)
  if (Math.abs(qty) > maxQty) throw new EdgeError(Errors.BAD_QTY, `qty ${qty} is absurd (more than ${maxQty} units)`)
  if (POSITIVE_QTY.has(type) && qty <= 0) throw new EdgeError(Errors.BAD_QTY, `qty of a ${type} must be above zero, got ${qty}`)
  if (type === 'adjust' && qty === 0) throw new EdgeError(Errors.BAD_QTY, 'an adjust of zero changes nothing')
  if (type !== 'adjust' && qty < 0) throw new EdgeError(Errors.BAD_QTY, `qty must not be negative, got ${qty}`)
}

/** The event time as ISO UTC, or undefined when the device gave none (receipt time is used). */
function checkTime (raw: string | undefined, nowMs: number, limits: NormalizeLimits): string | undefined {
  if (raw === undefined) return undefined
  const ms = typeof raw === 'string' ? Date.parse(raw) : NaN
  if (!Number.isFinite(ms)) throw new EdgeError(Errors.BAD_TIME, `occurredAt ${JSON.stringify(raw)} is not a time`)
  if (ms > nowMs + limits.maxEventFutureS * 1000) {
    throw new EdgeError(Errors.BAD_TIME, `occurredAt ${raw} is more than ${limits.maxEventFutureS} s in the future`)
  }
  if (ms < nowMs - limits.maxEventAgeS * 1000) {
    throw new EdgeError(Errors.BAD_TIME, `occurredAt ${raw} is more than ${limits.maxEventAgeS} s in the past`)
  }
  // Codecs already give canonical UTC; only other spellings (offsets, no millis) are rewritten.
  return CANONICAL_ISO.test(raw) ? raw : new Date(ms).toISOString()
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
