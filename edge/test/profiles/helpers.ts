// Shared by the profile tests: run one codec the way decode does, and a small valid profile to break.

import { codecs } from '../../src/profiles/codecs/index.js'
import type { CodecContext } from '../../src/profiles/codecs/index.js'
import type { EventDraft } from '../../src/core/event.js'

/** A codec context with an item master and the fields decoded so far. */
export function codecContext (opts: { items?: Record<string, number | null>, draft?: Partial<EventDraft>, message?: Record<string, unknown> } = {}): CodecContext {
  return {
    draft: opts.draft ?? {},
    item: (sku) => (opts.items !== undefined && Object.hasOwn(opts.items, sku) ? { unitWeightG: opts.items[sku] } : undefined),
    read: (path) => opts.message?.[path]
  }
}

/** Runs the named codec on a value as field `field`. */
export function codec (name: string, value: unknown, args: Record<string, unknown> = {}, ctx: CodecContext = codecContext(), field = 'field'): unknown {
  const fn = codecs[name]
  if (fn === undefined) throw new Error(`no codec ${name}`)
  return fn(value, args, ctx, field)
}

/** A valid MQTT profile with one json stream, for tests to break one thing at a time. */
export function validProfile (id = 'test-device'): Record<string, any> {
  return {
    id,
    identity: { vendor: 'Test', model: 'T-1', version: '1' },
    kind: 'other',
    transport: 'mqtt',
    heartbeatS: 60,
    streams: [{
      name: 'reading',
      payload: 'json',
      schema: { type: 'object', required: ['id', 'ts'], properties: { id: { type: 'string' }, ts: { type: 'integer' }, sku: { type: 'string' }, grams: { type: 'number' } } },
      events: {
        type: 'shelf_weight',
        fields: {
          id: { from: 'id', required: true },
          occurredAt: { from: 'ts', codec: 'epoch-ms' },
          sku: { from: 'sku' },
          qty: { from: 'grams', codec: 'grams-to-units' }
        }
      }
    }],
    fixtures: [{ name: 'a reading', stream: 'reading', raw: { id: 'r1', ts: 0 }, expect: [{ id: 'r1', type: 'shelf_weight' }] }]
  }
}

/** A valid serial profile (text stream, CR LF delimiter). */
export function validSerialProfile (id = 'test-scanner'): Record<string, any> {
  return {
    id,
    identity: { vendor: 'Test', model: 'S-1', version: '1' },
    kind: 'barcode-scanner',
    transport: 'serial',
    heartbeatS: 0,
    streams: [{
      name: 'code',
      payload: 'text',
      serial: { baudRate: 9600, frame: { kind: 'delimiter', delimiter: '\r\n' } },
      events: { type: 'scan', fields: { gtin: { from: 'text', codec: 'gtin', required: true } } }
    }],
    fixtures: [{ name: 'a code', stream: 'code', raw: '4006381333931', expect: [{ gtin: '04006381333931' }] }]
  }
}

export function json (value: unknown): string {
  return JSON.stringify(value, null, 2)
}
