// JSON Schemas shared by routes (and shown in the OpenAPI document at /docs).

import { EVENT_TYPES } from '../core/event.js'

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message']
    }
  }
} as const

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  415: errorSchema,
  422: errorSchema,
  429: errorSchema,
  503: errorSchema
} as const

/** The server's clock: system time, or the simulation clock the store simulator sets. */
export const clockSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['system', 'sim'] },
    now: { type: 'string', format: 'date-time', description: 'ISO 8601 UTC, milliseconds' }
  }
} as const

/** A canonical event as posted by a handheld or integration; the server fills storeId, receivedAt, source. */
export const postedEventSchema = {
  type: 'object',
  required: ['id', 'type'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    type: { type: 'string', enum: [...EVENT_TYPES] },
    storeId: { type: 'string' },
    deviceId: { type: 'string' },
    occurredAt: { type: 'string', minLength: 1, maxLength: 64 },
    sku: { type: 'string', minLength: 1, maxLength: 64 },
    gtin: { type: 'string', minLength: 1, maxLength: 14 },
    location: { type: 'string', minLength: 1, maxLength: 64 },
    qty: { type: 'number' },
    data: { type: 'object' }
  }
} as const

export const storedEventSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    id: { type: 'string' },
    type: { type: 'string' },
    storeId: { type: 'string' },
    deviceId: { type: 'string' },
    occurredAt: { type: 'string' },
    receivedAt: { type: 'string' },
    sku: { type: 'string' },
    gtin: { type: 'string' },
    location: { type: 'string' },
    qty: { type: 'number' },
    data: { type: 'object', additionalProperties: true },
    source: { type: 'object', additionalProperties: true }
  }
} as const

export const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    profileId: { type: 'string' },
    name: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
    lastSeenAt: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['never_seen', 'online', 'offline', 'revoked'] },
    battery: {
      type: ['object', 'null'],
      description: 'the battery the device last reported in a heartbeat or status message (percent) and when; kept across restarts; null when it never reported one',
      properties: { pct: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }
    }
  }
} as const

export const itemSchema = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    description: { type: 'string' },
    category: { type: ['string', 'null'] },
    casePack: { type: 'integer' },
    unitCost: { type: ['number', 'null'] },
    unitPrice: { type: ['number', 'null'] },
    unitWeightG: { type: ['number', 'null'] },
    shelfCapacity: { type: ['integer', 'null'] },
    facings: { type: ['integer', 'null'] },
    homeLocation: { type: ['string', 'null'] },
    leadTimeDays: { type: ['number', 'null'] },
    orderDays: { type: ['array', 'null'], items: { type: 'string' }, description: 'weekdays the supplier takes orders (mon-sun); null = every day' },
    minOrderUnits: { type: ['integer', 'null'] },
    backroomCapacity: { type: ['integer', 'null'] },
    supplier: { type: ['string', 'null'] },
    gtins: { type: 'array', items: { type: 'string' } }
  }
} as const
