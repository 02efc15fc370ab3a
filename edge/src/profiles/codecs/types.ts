// What every codec is: a small pure function from a raw device value to a canonical one. Codecs get
// the field name so their errors say which field failed, and a context for the rare codec that needs
// another field or an item fact (grams-to-units).

import type { EventDraft } from '../../core/event.js'
import { EdgeError, Errors, type ErrorSpec } from '../../core/errors.js'
import type { DecodeContext } from '../types.js'

export type CodecArgs = Readonly<Record<string, unknown>>

export interface CodecContext extends DecodeContext {
  /**
   * The canonical fields already decoded for this event. Fields decode in the order sku, gtin,
   * location, id, occurredAt, type, qty, then data.* in the order the profile lists them.
   */
  readonly draft: Readonly<Partial<EventDraft>>
  /** Reads a dot path in the message the way FieldSpec.from does (the element inside `each`; `$.` for the root). */
  read (path: string): unknown
}

/** Returns the canonical value; undefined means "absent" (for example `first` of an empty array). */
export type Codec = (value: unknown, args: CodecArgs, ctx: CodecContext, field: string) => unknown

/** A codec and the JSON Schema its args must satisfy (checked once, when profiles load). */
export interface CodecDef {
  readonly decode: Codec
  readonly args: Readonly<Record<string, unknown>>
  /** True when the result depends on the context (other fields, items), not only on value and args. */
  readonly contextual?: boolean
}

/** Args schema of a codec that takes none. */
export const NO_ARGS = Object.freeze({ type: 'object', additionalProperties: false, properties: {} })

/** The error a codec throws: the message starts with the field, ends with the codec. */
export function codecError (field: string, codec: string, problem: string, which: ErrorSpec = Errors.CODEC_FAILED): EdgeError {
  return new EdgeError(which, `${field}: ${problem} (codec ${codec})`)
}

/** A short, quoted rendering of a raw value for error messages (raw input can be large). */
export function show (value: unknown): string {
  if (value === undefined) return 'nothing'
  let s: string
  try {
    s = JSON.stringify(value) ?? String(value)
  } catch {
    s = String(value)
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s
}

// Plain decimal only: no hex, no "Infinity", no empty string (Number('') is 0).
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

/** A finite number from a number or a decimal string; NaN when it is neither. */
export function toNumber (value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value)
  return NaN
}

/** Removes binary floating point noise (0.1 * 3 = 0.30000000000000004) without rounding real digits. */
export function cleanFloat (x: number): number {
  return Number(x.toPrecision(15))
}

export function roundTo (x: number, decimals: number): number {
  const p = 10 ** decimals
  return cleanFloat(Math.round(x * p) / p)
}
