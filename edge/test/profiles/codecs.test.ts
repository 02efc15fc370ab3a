// Every codec: what it makes of good input, and that bad input is an error naming the field.

import t from 'tap'
import { Errors } from '../../src/core/errors.js'
import { codecs, codecArgSchemas, TIME_CODECS } from '../../src/profiles/codecs/index.js'
import { codec, codecContext } from './helpers.js'

const FAILED = Errors.CODEC_FAILED.code

t.test('the registry lists each codec with an args schema', async (t) => {
  const required = ['string', 'int', 'number', 'bool', 'epoch-ms', 'epoch-s', 'iso8601', 'gtin', 'scale', 'fahrenheit-to-celsius',
    'grams-to-units', 'abs', 'sale-or-return', 'enum', 'first', 'ratio', 'upper', 'trim']
  for (const name of required) {
    t.type(codecs[name], 'function', name)
    t.type(codecArgSchemas[name], 'object', `${name} args schema`)
  }
  t.same(Object.keys(codecs).sort(), Object.keys(codecArgSchemas).sort())
  t.ok(Object.isFrozen(codecs), 'the registry cannot be changed at run time')
  t.same([...TIME_CODECS], ['epoch-ms', 'epoch-s', 'iso8601'])
})

t.test('string: strings, and numbers or booleans as text', async (t) => {
  t.equal(codec('string', 'A12'), 'A12')
  t.equal(codec('string', 42), '42')
  t.equal(codec('string', false), 'false')
  for (const bad of [{}, [1], Infinity]) t.throws(() => codec('string', bad, {}, undefined, 'location'), { code: FAILED, message: /^location: .*not a string \(codec string\)/ })
})

t.test('int: whole numbers, also as decimal strings; no rounding', async (t) => {
  t.equal(codec('int', 7), 7)
  t.equal(codec('int', '-12'), -12)
  t.equal(codec('int', ' 40 '), 40)
  for (const bad of [2.5, '2.5', 'seven', '', true, null, 2 ** 60, '0x10']) {
    t.throws(() => codec('int', bad, {}, undefined, 'qty'), { code: FAILED, message: /^qty: .*not an integer/ }, JSON.stringify(bad))
  }
})

t.test('number: finite numbers, also as decimal strings', async (t) => {
  t.equal(codec('number', 1.49), 1.49)
  t.equal(codec('number', '1e3'), 1000)
  t.equal(codec('number', '-0.5'), -0.5)
  for (const bad of [NaN, Infinity, 'Infinity', '', ' ', '1,5', '0x10', false, null, []]) {
    t.throws(() => codec('number', bad, {}, undefined, 'data.price'), { code: FAILED, message: /^data\.price: .*not a finite number/ }, String(bad))
  }
})

t.test('bool: true/false, 1/0, yes/no, on/off', async (t) => {
  t.equal(codec('bool', true), true)
  t.equal(codec('bool', 0), false)
  t.equal(codec('bool', 'YES'), true)
  t.equal(codec('bool', 'off'), false)
  for (const bad of ['maybe', 2, '', null, 'constructor']) {
    t.throws(() => codec('bool', bad, {}, undefined, 'data.gap'), { code: FAILED, message: /^data\.gap: .*not a boolean/ }, String(bad))
  }
})

t.test('epoch-ms: milliseconds to ISO 8601 UTC', async (t) => {
  t.equal(codec('epoch-ms', 1767258000000), '2026-01-01T09:00:00.000Z')
  t.equal(codec('epoch-ms', '1767258000123'), '2026-01-01T09:00:00.123Z')
  t.equal(codec('epoch-ms', 0), '1970-01-01T00:00:00.000Z')
  for (const bad of [-1, 1e16, 'yesterday', null, NaN]) {
    t.throws(() => codec('epoch-ms', bad, {}, undefined, 'occurredAt'), { code: FAILED, message: /^occurredAt: / }, String(bad))
  }
})

t.test('epoch-s: seconds to ISO 8601 UTC, fractions kept to the millisecond', async (t) => {
  t.equal(codec('epoch-s', 1767258000), '2026-01-01T09:00:00.000Z')
  t.equal(codec('epoch-s', 1714557600.123), '2024-05-01T10:00:00.123Z')
  t.throws(() => codec('epoch-s', 1767258000000, {}, undefined, 'occurredAt'), { code: FAILED, message: /^occurredAt: .*not a time between 1970 and 9999/ }, 'milliseconds sent as seconds')
  t.throws(() => codec('epoch-s', 'now', {}, undefined, 'occurredAt'), { code: FAILED })
})

t.test('iso8601: any offset to UTC; not a real instant is an error', async (t) => {
  t.equal(codec('iso8601', '2026-01-01T10:15:00+01:00'), '2026-01-01T09:15:00.000Z')
  t.equal(codec('iso8601', '2026-01-01T09:15:00.5Z'), '2026-01-01T09:15:00.500Z')
  t.equal(codec('iso8601', '2026-01-01 04:15:00.123456-0500'), '2026-01-01T09:15:00.123Z')
  t.equal(codec('iso8601', '2024-02-29T00:00Z'), '2024-02-29T00:00:00.000Z', 'a leap day')
  const bad = ['2026-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:60Z',
    '2026-01-01T10:00:00', '2026-01-01', 'Thu, 01 Jan 2026 09:00:00 GMT', 1767258000000, null]
  for (const b of bad) {
    t.throws(() => codec('iso8601', b, {}, undefined, 'occurredAt'), { code: FAILED, message: /^occurredAt: .*not an ISO 8601 time/ }, String(b))
  }
})

t.test('scale: value * factor + offset, without binary float noise', async (t) => {
  t.equal(codec('scale', 38, { factor: 0.1 }), 3.8)
  t.equal(codec('scale', 3, { factor: 0.1 }), 0.3)
  t.equal(codec('scale', -182, { factor: 0.1 }), -18.2)
  t.equal(codec('scale', '100', { factor: 2, offset: -5 }), 195)
  t.equal(codec('scale', 1234, { factor: 0.001, decimals: 1 }), 1.2)
  t.throws(() => codec('scale', 'warm', { factor: 0.1 }, undefined, 'data.celsius'), { code: FAILED, message: /^data\.celsius: .*\(codec scale\)/ })
})

t.test('fahrenheit-to-celsius: to two decimals unless told', async (t) => {
  t.equal(codec('fahrenheit-to-celsius', 32), 0)
  t.equal(codec('fahrenheit-to-celsius', 38.5), 3.61)
  t.equal(codec('fahrenheit-to-celsius', 0, { decimals: 1 }), -17.8)
  t.throws(() => codec('fahrenheit-to-celsius', null, {}, undefined, 'data.celsius'), { code: FAILED, message: /^data\.celsius: / })
})

t.test('grams-to-units: the nearest whole unit by the item unit weight', async (t) => {
  const ctx = codecContext({ items: { 'SKU-1': 250, 'SKU-2': null, 'SKU-3': 0 }, draft: { sku: 'SKU-1' }, message: { article: 'SKU-1' } })
  t.equal(codec('grams-to-units', 1010, {}, ctx), 4)
  t.equal(codec('grams-to-units', 1130, {}, ctx), 5, '4.52 units rounds to 5')
  t.equal(codec('grams-to-units', -6, {}, ctx), 0, 'tare drift is an empty shelf')
  t.equal(codec('grams-to-units', 500, { skuField: 'article' }, codecContext({ items: { 'SKU-1': 250 }, message: { article: 'SKU-1' } })), 2, 'the sku from another payload field')

  const msg = (sku: string | undefined): ReturnType<typeof codecContext> => codecContext({ items: { 'SKU-1': 250, 'SKU-2': null, 'SKU-3': 0 }, draft: sku === undefined ? {} : { sku } })
  t.throws(() => codec('grams-to-units', 500, {}, msg('SKU-9'), 'qty'), { code: FAILED, message: /^qty: item "SKU-9" is not in the item master/ })
  t.throws(() => codec('grams-to-units', 500, {}, msg('SKU-2'), 'qty'), { code: FAILED, message: /^qty: item "SKU-2" has no unit weight/ })
  t.throws(() => codec('grams-to-units', 500, {}, msg('SKU-3'), 'qty'), { code: FAILED, message: /has no unit weight/ }, 'a zero unit weight is no weight')
  t.throws(() => codec('grams-to-units', 500, {}, msg(undefined), 'qty'), { code: FAILED, message: /^qty: no sku/ })
  t.throws(() => codec('grams-to-units', 'heavy', {}, msg('SKU-1'), 'qty'), { code: FAILED, message: /not a number of grams/ })
})

t.test('abs: the magnitude', async (t) => {
  t.equal(codec('abs', -3), 3)
  t.equal(codec('abs', '2'), 2)
  t.throws(() => codec('abs', 'minus one', {}, undefined, 'qty'), { code: FAILED, message: /^qty: / })
})

t.test('sale-or-return: sign, flag or word', async (t) => {
  t.equal(codec('sale-or-return', 2), 'sale')
  t.equal(codec('sale-or-return', -1), 'return')
  t.equal(codec('sale-or-return', '-1'), 'return')
  t.equal(codec('sale-or-return', true), 'return', 'a return flag')
  t.equal(codec('sale-or-return', false), 'sale')
  t.equal(codec('sale-or-return', 'REFUND'), 'return')
  t.equal(codec('sale-or-return', 'S'), 'sale')
  t.equal(codec('sale-or-return', 'RT', { returnWords: ['RT'], saleWords: ['SL'] }), 'return')
  t.equal(codec('sale-or-return', 'sl', { returnWords: ['RT'], saleWords: ['SL'] }), 'sale')
  t.throws(() => codec('sale-or-return', 'void', {}, undefined, 'type'), { code: FAILED, message: /^type: "void" is neither/ })
  t.throws(() => codec('sale-or-return', 'return', { returnWords: ['RT'] }, undefined, 'type'), { code: FAILED }, 'custom words replace the defaults')
})

t.test('enum: a device vocabulary onto ours', async (t) => {
  const args = { values: { PK: 'pick', PA: 'putaway', 1: 'scan' } }
  t.equal(codec('enum', 'PK', args), 'pick')
  t.equal(codec('enum', 1, args), 'scan', 'numbers match by their text')
  t.equal(codec('enum', 'XX', { ...args, default: 'adjust' }), 'adjust')
  t.throws(() => codec('enum', 'XX', args, undefined, 'type'), { code: FAILED, message: /^type: "XX" is not one of "1", "PK", "PA"/ })
  t.throws(() => codec('enum', 'toString', args, undefined, 'type'), { code: FAILED }, 'inherited names are not values')
  t.throws(() => codec('enum', { a: 1 }, args, undefined, 'type'), { code: FAILED })
})

t.test('first: the first element; an empty array is absent', async (t) => {
  t.equal(codec('first', ['SKU-1', 'SKU-2']), 'SKU-1')
  t.equal(codec('first', []), undefined)
  t.throws(() => codec('first', 'SKU-1', {}, undefined, 'sku'), { code: FAILED, message: /^sku: "SKU-1" is not an array/ })
})

t.test('ratio: 0..1, or percent with args.percent', async (t) => {
  t.equal(codec('ratio', 0.25), 0.25)
  t.equal(codec('ratio', 1), 1)
  t.equal(codec('ratio', 45, { percent: true }), 0.45)
  t.throws(() => codec('ratio', 1.4, {}, undefined, 'data.gapRatio'), { code: FAILED, message: /^data\.gapRatio: 1\.4 is not a ratio 0\.\.1/ })
  t.throws(() => codec('ratio', -0.1), { code: FAILED })
  t.throws(() => codec('ratio', 140, { percent: true }), { code: FAILED, message: /0\.\.100 \(percent\)/ })
  t.throws(() => codec('ratio', 'half'), { code: FAILED })
})

t.test('upper, lower and trim: strings only', async (t) => {
  t.equal(codec('upper', 'a12-3'), 'A12-3')
  t.equal(codec('lower', 'SKU'), 'sku')
  t.equal(codec('trim', '  A12 '), 'A12')
  for (const name of ['upper', 'lower', 'trim']) t.throws(() => codec(name, 12, {}, undefined, 'location'), { code: FAILED, message: /^location: 12 is not a string/ }, name)
})
