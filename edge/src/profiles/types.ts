// The shape of a device profile file in device-profiles/. The JSON Schema in
// device-profiles/profile.schema.json is the authority; these types mirror it.

import type { EventType } from '../core/event.js'

export interface ProfileIdentity {
  vendor: string
  model: string
  version: string
}

/** Serial framing of one stream. */
export interface SerialFraming {
  baudRate: number
  dataBits?: 7 | 8
  parity?: 'none' | 'even' | 'odd'
  stopBits?: 1 | 2
  /** Either a delimiter ('\r\n', '\r', '\n' written as escapes in JSON) or STX/ETX framing. */
  frame: { kind: 'delimiter', delimiter: string } | { kind: 'stx-etx' }
  /** Checksum after ETX (stx-etx only): none, xor of the body bytes, or the sum modulo 256. */
  checksum?: 'none' | 'xor' | 'sum8'
  /** Longest frame body in bytes; longer runs are discarded as garbage. */
  maxFrameBytes?: number
}

/** How one canonical field is filled. Exactly one of from, const, template. */
export interface FieldSpec {
  /** Dot path into the payload. Inside `each`, paths read the element; `$.` reads the message root. */
  from?: string
  const?: unknown
  /** `{path}` placeholders, plus `{#}` for the element index inside `each`. */
  template?: string
  /** Named codec that turns the raw value into the canonical one (see profiles/codecs). */
  codec?: string
  args?: Record<string, unknown>
  /** Used when the path is absent. Without it, an absent value leaves the field unset. */
  default?: unknown
  /** When true, an absent value is a decode error. */
  required?: boolean
}

export interface EventMapping {
  /** Dot path to an array in the payload: one event per element (POS basket lines). */
  each?: string
  /** Canonical event type: a constant, or a field spec whose codec yields a type. */
  type: EventType | FieldSpec
  /** Canonical fields: id, occurredAt, sku, gtin, location, qty, and `data.<name>` for extras. */
  fields: Record<string, FieldSpec>
}

export interface StreamSpec {
  /** Topic suffix after stores/{storeId}/devices/{deviceId}/ (MQTT) or the stream name (serial). */
  name: string
  description?: string
  /** json: UTF-8 JSON; text: UTF-8 text, available as field `text`. */
  payload: 'json' | 'text'
  /** JSON Schema the decoded payload must satisfy (json payloads). */
  schema?: Record<string, unknown>
  /** Serial framing (serial transport only). */
  serial?: SerialFraming
  /** How the payload becomes canonical events. Absent: a telemetry stream that only marks the device seen. */
  events?: EventMapping
}

export interface Fixture {
  name: string
  stream: string
  /** The raw payload: a JSON value for json streams, a string for text streams. */
  raw: unknown
  /** Items the decode may look up (unit weights for load cells). */
  items?: Array<{ sku: string, unitWeightG?: number }>
  /** Events expected, compared on the fields listed. */
  expect?: Array<Record<string, unknown>>
  /** Or: the error code expected. */
  expectError?: string
}

export interface DeviceProfile {
  /** Unique, stable id, used when registering devices. */
  id: string
  identity: ProfileIdentity
  kind: 'handheld' | 'barcode-scanner' | 'shelf-camera' | 'shelf-sensor' | 'pos' | 'probe' | 'other'
  transport: 'mqtt' | 'serial'
  description?: string
  /** Seconds between heartbeats; the device goes offline after heartbeatGraceFactor times this. */
  heartbeatS: number
  streams: StreamSpec[]
  fixtures: Fixture[]
}

/** A loaded profile with the file it came from. */
export interface LoadedProfile extends DeviceProfile {
  file: string
}

/** What a codec may look up while decoding. */
export interface DecodeContext {
  /** Item facts by SKU, for codecs that convert units (grams to units). */
  item (sku: string): { unitWeightG?: number | null } | undefined
}
