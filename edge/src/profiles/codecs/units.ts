// Unit codecs: turn a sensor's own unit into the store's (tenths of a degree into degrees Celsius,
// grams on a shelf into sellable units, percent into a 0..1 ratio).

import { codecError, cleanFloat, roundTo, show, toNumber, type CodecDef } from './types.js'

const DECIMALS = { type: 'integer', minimum: 0, maximum: 10 }

/** value * factor + offset; e.g. factor 0.1 turns tenths of a degree into degrees. */
export const scale: CodecDef = {
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['factor'],
    properties: { factor: { type: 'number' }, offset: { type: 'number' }, decimals: DECIMALS }
  },
  decode (value, args, _ctx, field) {
    const n = toNumber(value)
    if (!Number.isFinite(n)) throw codecError(field, 'scale', `${show(value)} is not a finite number`)
    const x = n * (args.factor as number) + ((args.offset as number | undefined) ?? 0)
    return args.decimals === undefined ? cleanFloat(x) : roundTo(x, args.decimals as number)
  }
}

// Probes resolve about 0.1 degree; two decimals keep that without float noise.
const CELSIUS_DECIMALS = 2

export const fahrenheitToCelsius: CodecDef = {
  args: { type: 'object', additionalProperties: false, properties: { decimals: DECIMALS } },
  decode (value, args, _ctx, field) {
    const f = toNumber(value)
    if (!Number.isFinite(f)) throw codecError(field, 'fahrenheit-to-celsius', `${show(value)} is not a finite number`)
    return roundTo((f - 32) * 5 / 9, (args.decimals as number | undefined) ?? CELSIUS_DECIMALS)
  }
}

/**
 * Grams on a shelf to whole units, with the item's unit weight (grams) from the item master. The SKU
 * is the event's decoded `sku`, or the payload path in args.skuField.
 */
export const gramsToUnits: CodecDef = {
  contextual: true,
  args: { type: 'object', additionalProperties: false, properties: { skuField: { type: 'string', minLength: 1 } } },
  decode (value, args, ctx, field) {
    const grams = toNumber(value)
    if (!Number.isFinite(grams)) throw codecError(field, 'grams-to-units', `${show(value)} is not a number of grams`)
    const sku = args.skuField === undefined ? ctx.draft.sku : ctx.read(args.skuField as string)
    if (typeof sku !== 'string' || sku === '') {
      throw codecError(field, 'grams-to-units', 'no sku to look up the unit weight' +
        (args.skuField === undefined ? ' (the event has no sku field)' : ` (nothing at ${String(args.skuField)})`))
    }
    const item = ctx.item(sku)
    if (item === undefined) throw codecError(field, 'grams-to-units', `item ${show(sku)} is not in the item master, so its grams cannot become units`)
    const unitG = item.unitWeightG
    if (typeof unitG !== 'number' || !(unitG > 0)) {
      throw codecError(field, 'grams-to-units', `item ${show(sku)} has no unit weight, so its grams cannot become units`)
    }
    // Nearest whole unit; a slightly negative reading after tare drift is an empty shelf, not -1 units.
    return Math.max(0, Math.round(grams / unitG))
  }
}

/** A share 0..1; with args.percent the device sends 0..100. */
export const ratio: CodecDef = {
  args: { type: 'object', additionalProperties: false, properties: { percent: { type: 'boolean' } } },
  decode (value, args, _ctx, field) {
    let n = toNumber(value)
    if (args.percent === true) n = n / 100
    if (n >= 0 && n <= 1) return n
    throw codecError(field, 'ratio', `${show(value)} is not a ratio ${args.percent === true ? '0..100 (percent)' : '0..1'}`)
  }
}
