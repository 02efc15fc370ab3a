// loadProfiles and checkProfileFile on broken profiles: every problem names the file, the field (a
// JSON pointer) and what is wrong, and a broken profile stops loading.

import t from 'tap'
import { join } from 'node:path'
import { EdgeError, Errors } from '../../src/core/errors.js'
import { checkProfileFile, formatProblem, loadProfiles, type ProfileProblem } from '../../src/profiles/index.js'
import { listProfileFiles } from '../../src/profiles/loader.js'
import { json, validProfile, validSerialProfile } from './helpers.js'

/** The PROFILE_INVALID message loadProfiles throws for these files. */
function loadError (test: Pick<typeof t, 'testdir' | 'fail' | 'type' | 'equal'>, files: Record<string, unknown>): string {
  const dir = test.testdir(Object.fromEntries(Object.entries(files).map(([name, v]) => [name, typeof v === 'string' ? v : json(v)])))
  try {
    loadProfiles(dir)
  } catch (err) {
    test.type(err, EdgeError)
    test.equal((err as EdgeError).code, Errors.PROFILE_INVALID.code)
    return (err as EdgeError).message
  }
  test.fail('loadProfiles should have thrown')
  return ''
}

function broken (change: (p: Record<string, any>) => void, base = validProfile()): Record<string, any> {
  const p = structuredClone(base)
  change(p)
  return p
}

t.test('the valid test profiles load', async (t) => {
  const cat = loadProfiles(t.testdir({ 'a.json': json(validProfile()), 'b.json': json(validSerialProfile()) }))
  t.same(cat.list().map((p) => p.id), ['test-device', 'test-scanner'])
  t.match(cat.get('test-device'), { heartbeatS: 60, file: /a\.json$/ })
})

t.test('an unknown codec names the file, the field and the codec', async (t) => {
  const msg = loadError(t, { 'foo.json': broken((p) => { p.streams[0].events.fields.qty.codec = 'gramz' }) })
  t.match(msg, /foo\.json: \/streams\/0\/events\/fields\/qty\/codec: unknown codec "gramz"$/)
  const near = loadError(t, { 'foo.json': broken((p) => { p.streams[0].events.fields.occurredAt.codec = 'epoch-sec' }) })
  t.match(near, /\/streams\/0\/events\/fields\/occurredAt\/codec: unknown codec "epoch-sec"; did you mean "epoch-s"\?/)
})

t.test('a missing heartbeatS names the file and the field', async (t) => {
  const msg = loadError(t, { 'probe.json': broken((p) => { delete p.heartbeatS }) })
  t.match(msg, /probe\.json: \/heartbeatS: is required$/)
})

t.test('a value of the wrong type names the field and what it must be', async (t) => {
  t.match(loadError(t, { 'probe.json': broken((p) => { p.heartbeatS = '60' }) }), /probe\.json: \/heartbeatS: must be integer, not "60"$/)
  t.match(loadError(t, { 'probe.json': broken((p) => { p.heartbeatS = -1 }) }), /probe\.json: \/heartbeatS: must be >= 0/)
  t.match(loadError(t, { 'probe.json': broken((p) => { p.streams[0].payload = 'xml' }) }), /probe\.json: \/streams\/0\/payload: "xml" is not one of "json", "text"/)
  t.match(loadError(t, { 'probe.json': broken((p) => { p.streams = {} }) }), /probe\.json: \/streams: must be array/)
})

t.test('the same profile id in two files names both files', async (t) => {
  const msg = loadError(t, { 'one.json': validProfile('scale-x'), 'two.json': validProfile('scale-x') })
  t.match(msg, /two\.json: \/id: duplicate profile id "scale-x" \(also in .*one\.json\)$/)
})

t.test('a serial profile without framing names the stream', async (t) => {
  const msg = loadError(t, { 'scanner.json': broken((p) => { delete p.streams[0].serial }, validSerialProfile()) })
  t.match(msg, /scanner\.json: \/streams\/0\/serial: is required/)
})

t.test('serial framing on an MQTT profile is not allowed', async (t) => {
  const msg = loadError(t, { 'cam.json': broken((p) => { p.streams[0].serial = { baudRate: 9600, frame: { kind: 'stx-etx' } } }) })
  t.match(msg, /cam\.json: \/streams\/0\/serial: is not allowed here/)
})

t.test('framing details are checked: a delimiter needs its bytes, a checksum needs STX/ETX', async (t) => {
  t.match(loadError(t, { 's.json': broken((p) => { p.streams[0].serial.frame = { kind: 'delimiter' } }, validSerialProfile()) }),
    /s\.json: \/streams\/0\/serial\/frame\/delimiter: is required/)
  t.match(loadError(t, { 's.json': broken((p) => { p.streams[0].serial.checksum = 'xor' }, validSerialProfile()) }),
    /s\.json: \/streams\/0\/serial\/checksum: must be "none", not "xor"/)
  t.match(loadError(t, { 's.json': broken((p) => { p.streams[0].serial.baudRate = 9601 }, validSerialProfile()) }),
    /s\.json: \/streams\/0\/serial\/baudRate: 9601 is not one of 1200, /)
})

t.test('a misspelt property is caught, with what is allowed there', async (t) => {
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.fields.quantity = { from: 'grams' } }) }),
    /x\.json: \/streams\/0\/events\/fields\/quantity: is not a known property; allowed: id, occurredAt, sku, gtin, location, qty, data\.<name>/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.heartbeatSeconds = 60 }) }), /x\.json: \/heartbeatSeconds: is not a known property/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.fields.sku.requird = true }) }), /x\.json: \/streams\/0\/events\/fields\/sku\/requird: is not a known property/)
})

t.test('event types, stream names and ids are checked', async (t) => {
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.type = 'weight' }) }),
    /x\.json: \/streams\/0\/events\/type: unknown event type "weight"; one of scan, /)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.type = { from: 'kind', codec: 'enum', args: { values: { W: 'weigh' } } } }) }),
    /x\.json: \/streams\/0\/events\/type\/args\/values\/W: unknown event type "weigh"/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].name = 'heartbeat' }) }), /x\.json: \/streams\/0\/name: "heartbeat" is not allowed here \(reserved\)/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams.push(structuredClone(p.streams[0])) }) }),
    /x\.json: \/streams\/1\/name: duplicate stream name "reading" \(also \/streams\/0\)/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.id = 'Scale X' }) }), /x\.json: \/id: "Scale X" does not match/)
})

t.test('field specs are checked: one source, paths, templates, canonical codecs, codec args', async (t) => {
  const field = (spec: unknown): Record<string, any> => broken((p) => { p.streams[0].events.fields['data.x'] = spec })
  t.match(loadError(t, { 'x.json': field({ from: 'a', const: 1 }) }), /\/streams\/0\/events\/fields\/data\.x: needs exactly one of from, const, template, not from and const/)
  t.match(loadError(t, { 'x.json': field({ codec: 'int' }) }), /\/streams\/0\/events\/fields\/data\.x: needs exactly one of from, const, template$/)
  t.match(loadError(t, { 'x.json': field({ from: 'a..b' }) }), /\/streams\/0\/events\/fields\/data\.x\/from: "a\.\.b" does not match/)
  t.match(loadError(t, { 'x.json': field({ from: 'constructor' }) }), /\/data\.x\/from: path "constructor": key "constructor" is not allowed/)
  t.match(loadError(t, { 'x.json': field({ template: '{id}-{#}' }) }), /\/data\.x\/template: template "\{id\}-\{#\}": \{#\} is the element index and needs "each"/)
  t.match(loadError(t, { 'x.json': field({ template: '{id' }) }), /\/data\.x\/template: template "\{id": "\{" without "\}"/)
  t.match(loadError(t, { 'x.json': field({ from: 'grams', codec: 'scale' }) }), /\/streams\/0\/events\/fields\/data\.x\/args\/factor: is required/)
  t.match(loadError(t, { 'x.json': field({ from: 'grams', codec: 'scale', args: { factor: '0.1' } }) }), /\/data\.x\/args\/factor: must be number, not "0\.1"/)
  t.match(loadError(t, { 'x.json': field({ from: 'grams', codec: 'int', args: { round: true } }) }), /\/data\.x\/args\/round: is not a known property/)
  t.match(loadError(t, { 'x.json': field({ from: 'grams', args: { factor: 1 } }) }), /\/data\.x\/args: args without a codec/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.fields.occurredAt.codec = 'int' }) }), /\/fields\/occurredAt\/codec: occurredAt needs a time codec/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].events.fields.gtin = { from: 'code' } }) }), /\/fields\/gtin\/codec: gtin needs the gtin codec/)
})

t.test('stream schemas and text patterns must compile', async (t) => {
  t.match(loadError(t, { 'x.json': broken((p) => { p.streams[0].schema = { type: 'object', propertys: {} } }) }),
    /x\.json: \/streams\/0\/schema: is not a usable JSON Schema: strict mode: unknown keyword: "propertys"/)
  t.match(loadError(t, { 'x.json': broken((p) => { delete p.streams[0].schema }) }), /x\.json: \/streams\/0\/schema: is required/)
  t.match(loadError(t, { 's.json': broken((p) => { p.streams[0].textPattern = '(?<code>\\d+' }, validSerialProfile()) }),
    /s\.json: \/streams\/0\/textPattern: is not a regular expression/)
  t.match(loadError(t, { 's.json': broken((p) => { p.streams[0].textPattern = '.*' }) }), /\/streams\/0\/textPattern: is not allowed here/, 'json streams have no text pattern')
})

t.test('fixtures are checked for what they name and what they expect', async (t) => {
  t.match(loadError(t, { 'x.json': broken((p) => { p.fixtures[0].stream = 'readings' }) }), /x\.json: \/fixtures\/0\/stream: names no stream of this profile \(reading\)/)
  t.match(loadError(t, { 'x.json': broken((p) => { delete p.fixtures[0].expect }) }), /x\.json: \/fixtures\/0: needs exactly one of expect, expectError/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.fixtures[0].rawText = '{}' }) }), /x\.json: \/fixtures\/0: needs exactly one of raw, rawText/)
  t.match(loadError(t, { 'x.json': broken((p) => { delete p.fixtures[0].expect; p.fixtures[0].expectError = 'BAD_THING' }) }),
    /x\.json: \/fixtures\/0\/expectError: "BAD_THING" is no error name or code/)
  t.match(loadError(t, { 'x.json': broken((p) => { p.fixtures = [] }) }), /x\.json: \/fixtures: must NOT have fewer than 1 items/)
})

t.test('a file that is not JSON names the file and the parse error', async (t) => {
  t.match(loadError(t, { 'x.json': '{"id": "x",' }), /x\.json: is not valid JSON: /)
})

t.test('every problem of every file is reported at once, one per line, and kept in details', async (t) => {
  const dir = t.testdir({
    'a.json': json(broken((p) => { delete p.heartbeatS; p.kind = 'robot' })),
    'b.json': json(broken((p) => { p.streams[0].events.fields.qty.codec = 'gramz' }, validProfile('other')))
  })
  const err = t.throws(() => loadProfiles(dir)) as EdgeError
  const lines = err.message.split('\n')
  t.equal(lines.length, 3, err.message)
  t.match(lines[0], /a\.json: \/heartbeatS: is required/)
  t.match(lines[1], /a\.json: \/kind: "robot" is not one of/)
  t.match(lines[2], /b\.json: \/streams\/0\/events\/fields\/qty\/codec: unknown codec "gramz"/)
  t.match(err.details, [{ pointer: '/heartbeatS' }, { pointer: '/kind' }, { pointer: '/streams/0/events/fields/qty/codec' }])
})

t.test('a folder that cannot be read is PROFILE_INVALID naming it', async (t) => {
  t.throws(() => loadProfiles(join(t.testdir({}), 'missing')), { code: Errors.PROFILE_INVALID.code, message: /missing: the profiles folder cannot be read/ })
})

t.test('only *.json files other than the schema are profiles', async (t) => {
  const dir = t.testdir({ 'a.json': json(validProfile()), 'profile.schema.json': '{}', 'README.md': '# notes', 'b.json.bak': 'x' })
  t.same(listProfileFiles(dir).map((f) => f.slice(dir.length + 1)), ['a.json'])
})

t.test('checkProfileFile: [] for a good file, every problem for a bad one, fixtures included', async (t) => {
  const dir = t.testdir({
    'good.json': json(validProfile('good')),
    'wrong-fixture.json': json(broken((p) => {
      p.fixtures.push({ name: 'grams to units', stream: 'reading', raw: { id: 'r2', ts: 0, sku: 'S', grams: 500 }, items: [{ sku: 'S', unitWeightG: 250 }], expect: [{ qty: 3 }] })
      p.fixtures.push({ name: 'a bad time', stream: 'reading', raw: { id: 'r3', ts: 'noon' }, expectError: 'CODEC_FAILED' })
    }, validProfile('wrong-fixture'))),
    'bad.json': json(broken((p) => { delete p.identity.vendor }, validProfile('bad')))
  })
  t.same(checkProfileFile(join(dir, 'good.json')), [])

  const fixtureProblems = checkProfileFile(join(dir, 'wrong-fixture.json'))
  t.equal(fixtureProblems.length, 2)
  t.match(fixtureProblems[0], { pointer: '/fixtures/1', message: /^fixture "grams to units": event 0: qty: expected 3, got 2$/ })
  t.match(fixtureProblems[1], { pointer: '/fixtures/2', message: /^fixture "a bad time": expected error EDGE_ERR_CODEC_FAILED, got EDGE_ERR_SCHEMA_MISMATCH/ })
  t.match(formatProblem(fixtureProblems[0]), /wrong-fixture\.json: \/fixtures\/1: fixture "grams to units"/)

  t.match(checkProfileFile(join(dir, 'bad.json')), [{ file: /bad\.json$/, pointer: '/identity/vendor', message: 'is required' }])

  const all: ProfileProblem[] = checkProfileFile(dir)
  t.same(all.map((p) => p.pointer).sort(), ['/fixtures/1', '/fixtures/2', '/identity/vendor'], 'a folder: every file')

  t.match(checkProfileFile(join(dir, 'nope.json')), [{ file: /nope\.json$/, pointer: '', message: /cannot be read/ }])
})
