// GS1 Global Trade Item Numbers (GS1 General Specifications, 3.3.2 and 7.9): GTIN-8, -12 (UPC-A),
// -13 (EAN-13) and -14, each ending in a mod-10 check digit. All are normalised to the 14-digit form,
// right-aligned and zero-padded (GS1 7.9.1), so one item has one key whatever label was scanned.

import { Errors } from '../../core/errors.js'
import { checkDigitOf } from '../../core/gtin.js'
import { codecError, NO_ARGS, show, type CodecDef } from './types.js'

const DIGITS = /^\d+$/
const GTIN_LENGTHS = new Set([8, 12, 13, 14])

// The mod-10 check digit is the core's, the same one master data imports use.
export { checkDigitOf as gtinCheckDigit } from '../../core/gtin.js'

export const gtin: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    let digits: string
    if (typeof value === 'string') {
      digits = value.trim()
      if (!DIGITS.test(digits)) throw codecError(field, 'gtin', `${show(value)} is not a GTIN: digits only`, Errors.BAD_GTIN)
      if (!GTIN_LENGTHS.has(digits.length)) {
        throw codecError(field, 'gtin', `${show(value)} has ${digits.length} digits; a GTIN has 8, 12, 13 or 14`, Errors.BAD_GTIN)
      }
    } else if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value < 1e14) {
      // A JSON number has lost its leading zeros; as the check digit ignores them, pad and check.
      digits = String(value)
    } else {
      throw codecError(field, 'gtin', `${show(value)} is not a GTIN`, Errors.BAD_GTIN)
    }
    const expected = checkDigitOf(digits.slice(0, -1))
    const actual = digits.charCodeAt(digits.length - 1) - 48
    if (expected !== actual) {
      throw codecError(field, 'gtin', `${show(value)} has check digit ${actual}, expected ${expected}`, Errors.BAD_CHECK_DIGIT)
    }
    return digits.padStart(14, '0')
  }
}
