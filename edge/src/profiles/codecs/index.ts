// The codec registry: the names a profile may use in `codec`, and the only module-level table in
// profiles/ (it is pure and frozen). Add a codec by writing it in its own file and listing it here.

import { abs, bool, int, lower, number, string, trim, upper } from './scalar.js'
import { epochMs, epochS, iso8601 } from './time.js'
import { gtin } from './gtin.js'
import { fahrenheitToCelsius, gramsToUnits, ratio, scale } from './units.js'
import { enumCodec, first, saleOrReturn } from './vocabulary.js'
import type { Codec, CodecDef } from './types.js'

export type { Codec, CodecArgs, CodecContext, CodecDef } from './types.js'
export { gtinCheckDigit } from './gtin.js'
export { parseIso8601 } from './time.js'

const DEFS: Readonly<Record<string, CodecDef>> = Object.freeze({
  string,
  int,
  number,
  bool,
  abs,
  upper,
  lower,
  trim,
  'epoch-ms': epochMs,
  'epoch-s': epochS,
  iso8601,
  gtin,
  scale,
  'fahrenheit-to-celsius': fahrenheitToCelsius,
  'grams-to-units': gramsToUnits,
  ratio,
  enum: enumCodec,
  'sale-or-return': saleOrReturn,
  first
})

/** name -> codec(value, args, ctx, fieldName). */
export const codecs: Readonly<Record<string, Codec>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFS).map(([name, def]) => [name, def.decode]))
)

/** name -> JSON Schema of the codec's args (validated when profiles load). */
export const codecArgSchemas: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFS).map(([name, def]) => [name, def.args]))
)

/** Codecs whose result depends on more than value and args (see CodecDef.contextual). */
export const CONTEXTUAL_CODECS: readonly string[] = Object.freeze(Object.keys(DEFS).filter((name) => DEFS[name].contextual === true))

/** Codecs that yield an event time; `occurredAt` must use one of them. */
export const TIME_CODECS: readonly string[] = Object.freeze(['epoch-ms', 'epoch-s', 'iso8601'])

export function isCodecName (name: string): boolean {
  return Object.hasOwn(DEFS, name)
}
