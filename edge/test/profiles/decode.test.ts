// decodeMessage: payload bytes to event drafts, and the reason codes of what it refuses.

import t from 'tap'
import { Errors } from '../../src/core/errors.js'
import { decodeMessage, loadProfiles, noItems, type LoadedProfile, type ProfileCatalogue } from '../../src/profiles/index.js'
import { decoderOf } from '../../src/profiles/compile.js'
import { json } from './helpers.js'

const till = {
  id: 'test-till',
  identity: { vendor: 'Test', model: 'Till', version: '1' },
  kind: 'pos',
  transport: 'mqtt',
  heartbeatS: 30,
  streams: [
    {
      name: 'basket',
      payload: 'json',
      schema: {
        type: 'object',
        required: ['txn', 'ts', 'lines'],
        properties: {
          txn: { type: ['string', 'integer'] },
          ts: { type: 'integer' },
          lane: { type: 'string' },
          lines: { type: 'array', items: { type: 'object', required: ['qty'], properties: { sku: { type: ['string', 'null'] }, qty: { type: 'integer' }, price: { type: 'number' } } } }
        }
      },
      events: {
        each: 'lines',
        type: { from: 'qty', codec: 'sale-or-return' },
        fields: {
          id: { template: '{$.txn}/{#}', required: true },
          occurredAt: { from: '$.ts', codec: 'epoch-ms' },
          sku: { from: 'sku', required: true },
          location: { from: '$.lane', default: 'LANE-?' },
          qty: { from: 'qty', codec: 'abs' },
          'data.price': { from: 'price', codec: 'number', default: '0' },
          'data.txn': { from: '$.txn' }
        }
      }
    },
    {
      name: 'command',
      payload: 'json',
      schema: { type: 'object', required: ['op'], properties: { op: { type: 'string' }, code: { type: 'string' }, meta: {} } },
      events: {
        type: { from: 'op', codec: 'enum', args: { values: { R: 'reserve', X: 'release' } } },
        fields: {
          sku: { from: 'code' },
          'data.label': { template: 'op {op} {meta}' },
          'data.shown': { from: 'valueOf' }
        }
      }
    },
    { name: 'telemetry', payload: 'json', schema: { type: 'object' } },
    {
      name: 'shelf',
      payload: 'json',
      schema: { type: 'object', required: ['ts', 'cells'], properties: { ts: { type: 'string' }, cells: { type: 'array' } } },
      events: {
        each: 'cells',
        type: 'shelf_weight',
        fields: {
          id: { template: '{$.ts}#{#}' },
          occurredAt: { from: '$.ts', codec: 'iso8601' },
          sku: { from: 'sku', required: true },
          qty: { from: 'grams', codec: 'grams-to-units' }
        }
      }
    },
    {
      name: 'label',
      payload: 'text',
      textPattern: '^(?<bay>[A-Z]\\d+-\\d+);(?<sku>SKU-\\d+)(;(?<facings>\\d+))?$',
      events: {
        type: 'shelf_check',
        fields: {
          location: { from: 'bay', required: true },
          sku: { from: 'sku', required: true },
          'data.facingsSeen': { from: 'facings', codec: 'int' },
          'data.raw': { from: 'text' }
        }
      }
    }
  ],
  fixtures: [{ name: 'one line', stream: 'basket', raw: { txn: 'T1', ts: 0, lines: [{ sku: 'S', qty: 1 }] }, expect: [{ id: 'T1/0' }] }]
}

function load (test: Pick<typeof t, 'testdir'>): ProfileCatalogue {
  return loadProfiles(test.testdir({ 'till.json': json(till) }))
}

function decode (cat: ProfileCatalogue, stream: string, payload: unknown): ReturnType<typeof decodeMessage> {
  const profile = cat.get('test-till') as LoadedProfile
  const raw = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload))
  return decodeMessage(profile, cat.stream('test-till', stream)!, raw, noItems)
}

t.test('each: one event per line; negative lines are returns of the absolute quantity', async (t) => {
  const cat = load(t)
  const events = decode(cat, 'basket', {
    txn: 'L3-42',
    ts: 1767258000000,
    lane: 'L3',
    lines: [{ sku: 'SKU-1', qty: 2, price: 1.5 }, { sku: 'SKU-2', qty: -1, price: 4 }, { sku: 'SKU-3', qty: 1 }]
  })
  t.same(events, [
    { type: 'sale', id: 'L3-42/0', occurredAt: '2026-01-01T09:00:00.000Z', sku: 'SKU-1', location: 'L3', qty: 2, data: { price: 1.5, txn: 'L3-42' } },
    { type: 'return', id: 'L3-42/1', occurredAt: '2026-01-01T09:00:00.000Z', sku: 'SKU-2', location: 'L3', qty: 1, data: { price: 4, txn: 'L3-42' } },
    { type: 'sale', id: 'L3-42/2', occurredAt: '2026-01-01T09:00:00.000Z', sku: 'SKU-3', location: 'L3', qty: 1, data: { price: 0, txn: 'L3-42' } }
  ], '$. reads the message root, {#} is the line index, a default goes through the codec')
})

t.test('each over an empty array is no event; an absent optional field leaves the field unset', async (t) => {
  const cat = load(t)
  t.same(decode(cat, 'basket', { txn: 7, ts: 0, lines: [] }), [])
  const [e] = decode(cat, 'basket', { txn: 7, ts: 0, lines: [{ sku: 'S', qty: 1 }] })
  t.equal(e.id, '7/0', 'a numeric transaction id becomes text')
  t.equal(e.location, 'LANE-?', 'the default')
  t.same(e.data, { price: 0, txn: 7 }, 'data keeps the JSON type')
})

t.test('inside each, message-level fields are shared and line-level codecs see their own line', async (t) => {
  const cat = load(t)
  const profile = cat.get('test-till') as LoadedProfile
  const raw = Buffer.from(JSON.stringify({ ts: '2026-01-01T10:00:00+01:00', cells: [{ sku: 'A', grams: 1000 }, { sku: 'B', grams: 1000 }, { sku: 'A', grams: 260 }] }))
  const units: Record<string, number> = { A: 250, B: 500 }
  const events = decodeMessage(profile, cat.stream('test-till', 'shelf')!, raw, { item: (sku) => ({ unitWeightG: units[sku] }) })
  t.same(events.map((e) => [e.id, e.occurredAt, e.sku, e.qty]), [
    ['2026-01-01T10:00:00+01:00#0', '2026-01-01T09:00:00.000Z', 'A', 4],
    ['2026-01-01T10:00:00+01:00#1', '2026-01-01T09:00:00.000Z', 'B', 2],
    ['2026-01-01T10:00:00+01:00#2', '2026-01-01T09:00:00.000Z', 'A', 1]
  ])
})

t.test('malformed JSON is MALFORMED_PAYLOAD', async (t) => {
  const cat = load(t)
  t.throws(() => decode(cat, 'basket', '{"txn": "T1", '), { code: Errors.MALFORMED_PAYLOAD.code, message: /not JSON/ })
  t.throws(() => decode(cat, 'basket', ''), { code: Errors.MALFORMED_PAYLOAD.code })
  t.throws(() => decode(cat, 'basket', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), { code: Errors.MALFORMED_PAYLOAD.code, message: /not UTF-8/ })
})

t.test('a UTF-8 byte order mark before the JSON is tolerated', async (t) => {
  const cat = load(t)
  const events = decode(cat, 'basket', '\ufeff' + JSON.stringify({ txn: 'T', ts: 0, lines: [{ sku: 'S', qty: 1 }] }))
  t.equal(events.length, 1)
})

t.test('wrong types are SCHEMA_MISMATCH naming the instance path and the keyword', async (t) => {
  const cat = load(t)
  t.throws(() => decode(cat, 'basket', { txn: 'T', ts: 0, lines: [{ sku: 'S', qty: '2' }] }),
    { code: Errors.SCHEMA_MISMATCH.code, message: 'payload /lines/0/qty: must be integer (keyword type)' })
  t.throws(() => decode(cat, 'basket', { txn: 'T', lines: [] }),
    { code: Errors.SCHEMA_MISMATCH.code, message: "payload /: must have required property 'ts' (keyword required)" })
  t.throws(() => decode(cat, 'basket', [1, 2]), { code: Errors.SCHEMA_MISMATCH.code, message: /^payload \/: must be object/ })
})

t.test('a required field that is absent is CODEC_FAILED naming it', async (t) => {
  const cat = load(t)
  t.throws(() => decode(cat, 'basket', { txn: 'T', ts: 0, lines: [{ qty: 1 }] }),
    { code: Errors.CODEC_FAILED.code, message: 'sku: is required, but "sku" is absent' })
  t.throws(() => decode(cat, 'basket', { txn: 'T', ts: 0, lines: [{ sku: null, qty: 1 }] }),
    { code: Errors.CODEC_FAILED.code, message: /^sku: is required/ }, 'null counts as absent')
})

t.test('a codec error names the field', async (t) => {
  const cat = load(t)
  t.throws(() => decode(cat, 'basket', { txn: 'T', ts: -5, lines: [{ sku: 'S', qty: 1 }] }),
    { code: Errors.CODEC_FAILED.code, message: /^occurredAt: -5 is not a time/ })
})

t.test('type from a device vocabulary; a word outside it is CODEC_FAILED', async (t) => {
  const cat = load(t)
  t.match(decode(cat, 'command', { op: 'R', code: 'SKU-1', meta: 7 })[0], { type: 'reserve', sku: 'SKU-1', data: { label: 'op R 7' } })
  t.throws(() => decode(cat, 'command', { op: 'Z' }), { code: Errors.CODEC_FAILED.code, message: /^type: "Z" is not one of "R", "X"/ })
})

t.test('a template placeholder that is an object is CODEC_FAILED; an absent one leaves the field unset', async (t) => {
  const cat = load(t)
  t.throws(() => decode(cat, 'command', { op: 'X', meta: { a: 1 } }), { code: Errors.CODEC_FAILED.code, message: /^data\.label: template "op \{op\} \{meta\}"/ })
  const [e] = decode(cat, 'command', { op: 'X' })
  t.same(e, { type: 'release', data: {} }, 'no id: the server derives one')
})

t.test('a stream without events only validates, and yields no event', async (t) => {
  const cat = load(t)
  t.same(decode(cat, 'telemetry', { battery: 81 }), [])
  t.throws(() => decode(cat, 'telemetry', '[]'), { code: Errors.SCHEMA_MISMATCH.code })
})

t.test('text payloads: trimmed, as `text`, with the named groups of textPattern', async (t) => {
  const cat = load(t)
  t.same(decode(cat, 'label', '  A12-3;SKU-1001;4\r\n'), [{ type: 'shelf_check', sku: 'SKU-1001', location: 'A12-3', data: { facingsSeen: 4, raw: 'A12-3;SKU-1001;4' } }])
  t.same(decode(cat, 'label', 'A12-3;SKU-1001')[0].data, { raw: 'A12-3;SKU-1001' }, 'an optional group that did not match is absent')
  t.throws(() => decode(cat, 'label', 'hello'), { code: Errors.SCHEMA_MISMATCH.code, message: /"hello" does not match the stream's textPattern/ })
  t.throws(() => decode(cat, 'label', ' \r\n'), { code: Errors.MALFORMED_PAYLOAD.code, message: /empty/ })
})

t.test('paths never reach inherited properties', async (t) => {
  const cat = load(t)
  const [e] = decode(cat, 'command', { op: 'R', code: 'SKU-1' })
  t.notOk(Object.hasOwn(e.data, 'shown'), 'valueOf of the message object is no value')
  t.equal(decode(cat, 'command', { op: 'R', valueOf: 'own' })[0].data.shown, 'own', 'an own property of that name is')
})

t.test('the decoder is compiled once, at load time, and reused for every message', async (t) => {
  const cat = load(t)
  const profile = cat.get('test-till')!
  const stream = cat.stream('test-till', 'basket')!
  t.equal(decoderOf(profile, stream), decoderOf(profile, stream))
  t.ok(Object.isFrozen(stream), 'loaded profiles are immutable')
  t.notOk(Object.keys(stream).some((k) => k.includes('decoder')), 'the decoder is not part of the profile data')
})

t.test('a hand-built profile is checked and compiled on first use', async (t) => {
  const profile = { ...structuredClone(till), file: 'memory' } as unknown as LoadedProfile
  const stream = profile.streams[0]
  const raw = Buffer.from(JSON.stringify({ txn: 'T', ts: 0, lines: [{ sku: 'S', qty: -2 }] }))
  t.match(decodeMessage(profile, stream, raw, noItems), [{ type: 'return', qty: 2 }])
  const broken = structuredClone(stream)
  broken.events!.fields.qty.codec = 'abz'
  t.throws(() => decodeMessage(profile, broken, raw, noItems), { code: Errors.PROFILE_INVALID.code, message: /\/events\/fields\/qty\/codec: unknown codec "abz"; did you mean "abs"/ })
})

t.test('the catalogue decodes by profile and stream name, refusing unknown ones', async (t) => {
  const cat = load(t)
  const raw = Buffer.from(JSON.stringify({ txn: 'T', ts: 0, lines: [{ sku: 'S', qty: 1 }] }))
  t.equal(cat.decode('test-till', 'basket', raw, noItems).length, 1)
  t.throws(() => cat.decode('nope', 'basket', raw, noItems), { code: Errors.PROFILE_UNKNOWN.code })
  t.throws(() => cat.decode('test-till', 'heartbeat', raw, noItems), { code: Errors.UNKNOWN_STREAM.code })
  t.equal(cat.stream('test-till', 'nope'), undefined)
  t.equal(cat.stream('nope', 'basket'), undefined)
})
