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
  /** Line speed, bits per second. */
  baudRate: number
  /** Default 8. */
  dataBits?: 7 | 8
  /** Default none. */
  parity?: 'none' | 'even' | 'odd'
  /** Default 1. */
  stopBits?: 1 | 2
  /**
   * Either a delimiter after each frame, or STX (0x02) body ETX (0x03) framing. The delimiter is the
   * exact byte sequence, written with JSON string escapes: "\r\n" is CR LF (0x0D 0x0A), "\r" is CR;
   * any other ASCII byte as "\u00XX". 1-4 ASCII characters.
   */
  frame: { kind: 'delimiter', delimiter: string } | { kind: 'stx-etx' }
  /**
   * Checksum byte after ETX (stx-etx only): none, xor of the body bytes, or the sum of the body bytes
   * modulo 256. The body is the bytes between STX and ETX, both excluded. Default none.
   */
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
  /** Used when the path is absent (or null). Without it, an absent value leaves the field unset. The codec applies to it too. */
  default?: unknown
  /** When true, an absent value is a decode error. */
  required?: boolean
  description?: string
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
  /** json: UTF-8 JSON; text: UTF-8 text, available as field `text` (trimmed). */
  payload: 'json' | 'text'
  /** JSON Schema (draft-07) the decoded payload must satisfy (json payloads; required for them). */
  schema?: Record<string, unknown>
  /**
   * Text payloads only: a regular expression the trimmed text must match (else SCHEMA_MISMATCH);
   * its named groups become fields next to `text`, e.g. `(?<code>\d+)` is readable as `code`.
   */
  textPattern?: string
  /** Serial framing (serial transport only, required there). */
  serial?: SerialFraming
  /** How the payload becomes canonical events. Absent: a telemetry stream that only marks the device seen. */
  events?: EventMapping
}

export interface Fixture {
  name: string
  stream: string
  /** The raw payload: a JSON value for json streams, a string for text streams. */
  raw?: unknown
  /** Or: the payload bytes verbatim as UTF-8 text, for input that is not valid JSON. */
  rawText?: string
  /** Items the decode may look up (unit weights for load cells). */
  items?: Array<{ sku: string, unitWeightG?: number | null }>
  /** Events expected, compared on the fields listed (data: on the keys listed). */
  expect?: Array<Record<string, unknown>>
  /** Or: the error code expected, as the registry name (BAD_GTIN) or the code (EDGE_ERR_BAD_GTIN). */
  expectError?: string
}

export type ProfileKind = 'handheld' | 'barcode-scanner' | 'shelf-camera' | 'shelf-sensor' | 'pos' | 'probe' | 'other'

export interface DeviceProfile {
  /** Unique, stable id, used when registering devices. */
  id: string
  identity: ProfileIdentity
  kind: ProfileKind
  transport: 'mqtt' | 'serial'
  description?: string
  /**
   * Seconds between heartbeats; the device goes offline after heartbeatGraceFactor times this.
   * 0: not heartbeat-monitored (dumb serial scanners send nothing while idle).
   */
  heartbeatS: number
  streams: StreamSpec[]
  fixtures: Fixture[]
}

/** A loaded profile with the file it came from. */
export interface LoadedProfile extends DeviceProfile {
  /** Absolute path of the profile file. */
  file: string
}

/** What a codec may look up while decoding. */
export interface DecodeContext {
  /** Item facts by SKU, for codecs that convert units (grams to units). */
  item (sku: string): { unitWeightG?: number | null } | undefined
}

/** One thing wrong with a profile file: the file, the JSON pointer into it, and what is wrong. */
export interface ProfileProblem {
  /** The file as given to the loader (or relative to the working directory). */
  file: string
  /** JSON pointer into the file; '' is the whole file. */
  pointer: string
  message: string
}
