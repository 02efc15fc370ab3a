// The gtin codec: GTIN-8/12/13/14 with a mod-10 check digit, normalised to 14 digits.

import t from 'tap'
import { Errors } from '../../src/core/errors.js'
import { gtinCheckDigit } from '../../src/profiles/codecs/index.js'
import { codec } from './helpers.js'

const gtin = (v: unknown): unknown => codec('gtin', v, {}, undefined, 'gtin')

t.test('valid GTINs of every length come out as 14 digits, zero-padded', async (t) => {
  t.equal(gtin('96385074'), '00000096385074', 'GTIN-8 (EAN-8)')
  t.equal(gtin('036000291452'), '00036000291452', 'GTIN-12 (UPC-A)')
  t.equal(gtin('4006381333931'), '04006381333931', 'GTIN-13 (EAN-13)')
  t.equal(gtin('10012345678902'), '10012345678902', 'GTIN-14 (ITF-14)')
})

t.test('surrounding whitespace is trimmed', async (t) => {
  t.equal(gtin(' 4006381333931\t'), '04006381333931')
})

t.test('a JSON number is read as the digits it stands for (leading zeros do not change the check)', async (t) => {
  t.equal(gtin(4006381333931), '04006381333931')
  t.equal(gtin(36000291452), '00036000291452', 'UPC-A 036000291452 sent as a number')
})

t.test('a wrong check digit is BAD_CHECK_DIGIT, naming the field and the digit expected', async (t) => {
  t.throws(() => gtin('4006381333932'), { code: Errors.BAD_CHECK_DIGIT.code, message: /^gtin: .*check digit 2, expected 1/ })
  t.throws(() => gtin('96385075'), { code: Errors.BAD_CHECK_DIGIT.code })
  t.throws(() => gtin('10012345678903'), { code: Errors.BAD_CHECK_DIGIT.code })
  t.throws(() => gtin(4006381333932), { code: Errors.BAD_CHECK_DIGIT.code })
})

t.test('letters are BAD_GTIN', async (t) => {
  t.throws(() => gtin('40063813339A1'), { code: Errors.BAD_GTIN.code, message: /^gtin: .*digits only/ })
  t.throws(() => gtin('ABC-123'), { code: Errors.BAD_GTIN.code })
  t.throws(() => gtin('4006-3813-3393-1'), { code: Errors.BAD_GTIN.code })
})

t.test('lengths other than 8, 12, 13 and 14 are BAD_GTIN', async (t) => {
  for (const s of ['1234567', '123456789', '12345678901', '123456789012345', '']) {
    t.throws(() => gtin(s), { code: Errors.BAD_GTIN.code }, `${s.length} digits`)
  }
  t.throws(() => gtin('36000291452'), { code: Errors.BAD_GTIN.code, message: /11 digits/ })
})

t.test('values that are neither a digit string nor a whole number are BAD_GTIN', async (t) => {
  for (const v of [true, null, {}, ['4006381333931'], -4006381333931, 4006381333.931, 1e15]) {
    t.throws(() => gtin(v), { code: Errors.BAD_GTIN.code }, JSON.stringify(v))
  }
})

t.test('the check digit follows GS1: weights 3 and 1 from the right', async (t) => {
  t.equal(gtinCheckDigit('400638133393'), 1)
  t.equal(gtinCheckDigit('03600029145'), 2)
  t.equal(gtinCheckDigit('0000003600029145'), 2, 'leading zeros change nothing')
  t.equal(gtinCheckDigit('1001234567890'), 2)
})
