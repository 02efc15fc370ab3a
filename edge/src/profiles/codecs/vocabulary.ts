// Vocabulary codecs: map a device's words (or signs) onto ours, e.g. a handheld's "PK" onto the event
// type "pick", or a POS line's negative quantity onto "return".

import { codecError, show, toNumber, type CodecArgs, type CodecDef } from './types.js'

/** args.values maps each raw value (as a string) to its canonical value; args.default catches the rest. */
export const enumCodec: CodecDef = {
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['values'],
    properties: { values: { type: 'object', minProperties: 1 }, default: {} }
  },
  decode (value, args, _ctx, field) {
    const values = args.values as Record<string, unknown>
    const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
    if (key !== undefined && Object.hasOwn(values, key)) return values[key]
    if (Object.hasOwn(args, 'default')) return args.default
    throw codecError(field, 'enum', `${show(value)} is not one of ${Object.keys(values).map((k) => JSON.stringify(k)).join(', ')}`)
  }
}

// Words POS systems use for a refund line (compared case-insensitively).
const RETURN_WORDS = ['return', 'refund', 'r']
const SALE_WORDS = ['sale', 's']

function listed (word: string, args: CodecArgs, key: string, defaults: readonly string[]): boolean {
  const list = (args[key] as string[] | undefined) ?? defaults
  const w = word.trim().toLowerCase()
  for (const x of list) if (x.toLowerCase() === w) return true
  return false
}

/**
 * 'sale' or 'return' from a POS line's quantity or return flag:
 * - a number (or decimal string): negative is a return, zero or positive a sale (the stream schema
 *   should refuse zero quantities);
 * - a boolean, as a return flag: true is a return;
 * - a word: one of args.returnWords (default return, refund, R) or args.saleWords (default sale, S).
 */
export const saleOrReturn: CodecDef = {
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      returnWords: { type: 'array', items: { type: 'string' }, minItems: 1 },
      saleWords: { type: 'array', items: { type: 'string' }, minItems: 1 }
    }
  },
  decode (value, args, _ctx, field) {
    if (typeof value === 'boolean') return value ? 'return' : 'sale'
    const n = toNumber(value)
    if (Number.isFinite(n)) return n < 0 ? 'return' : 'sale'
    if (typeof value === 'string') {
      if (listed(value, args, 'returnWords', RETURN_WORDS)) return 'return'
      if (listed(value, args, 'saleWords', SALE_WORDS)) return 'sale'
    }
    throw codecError(field, 'sale-or-return', `${show(value)} is neither a signed quantity, a return flag nor a sale/return word`)
  }
}

/** The first element of an array; an empty array is absent. */
export const first: CodecDef = {
  args: { type: 'object', additionalProperties: false, properties: {} },
  decode (value, _args, _ctx, field) {
    if (Array.isArray(value)) return value[0] ?? undefined
    throw codecError(field, 'first', `${show(value)} is not an array`)
  }
}
