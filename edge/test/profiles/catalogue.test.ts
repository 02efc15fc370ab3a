// Every shipped profile in device-profiles/: valid against the schema and the loader's checks, ids
// unique, every codec known, and every fixture decoding to its expected events or its expected error.

import t from 'tap'
import { existsSync } from 'node:fs'
import { basename, isAbsolute, join } from 'node:path'
import { isEventType } from '../../src/core/event.js'
import { checkProfileFile, loadProfiles, runFixtures, SHIPPED_PROFILES_DIR } from '../../src/profiles/index.js'
import { isCodecName } from '../../src/profiles/codecs/index.js'
import { listProfileFiles } from '../../src/profiles/loader.js'
import { findProfilesDir } from '../../src/profiles/shipped.js'
import type { FieldSpec, LoadedProfile } from '../../src/profiles/types.js'

const catalogue = loadProfiles(SHIPPED_PROFILES_DIR)
const profiles = catalogue.list()

function fieldSpecs (p: LoadedProfile): Array<[string, FieldSpec]> {
  const out: Array<[string, FieldSpec]> = []
  p.streams.forEach((s, i) => {
    if (s.events === undefined) return
    if (typeof s.events.type !== 'string') out.push([`/streams/${i}/events/type`, s.events.type])
    for (const [name, spec] of Object.entries(s.events.fields)) out.push([`/streams/${i}/events/fields/${name}`, spec])
  })
  return out
}

t.test('the shipped folder is found from the source tree, and would be from dist/', async (t) => {
  t.ok(isAbsolute(SHIPPED_PROFILES_DIR))
  t.equal(basename(SHIPPED_PROFILES_DIR), 'device-profiles')
  t.ok(existsSync(join(SHIPPED_PROFILES_DIR, 'profile.schema.json')))
  const root = join(SHIPPED_PROFILES_DIR, '..')
  t.equal(findProfilesDir(join(root, 'dist', 'edge', 'src', 'profiles')), SHIPPED_PROFILES_DIR)
  t.equal(findProfilesDir(join(root, 'edge', 'src', 'profiles')), SHIPPED_PROFILES_DIR)
})

t.test('every shipped profile loads: schema-valid, checked, ids unique', async (t) => {
  const files = listProfileFiles(SHIPPED_PROFILES_DIR)
  t.equal(profiles.length, files.length, 'one profile per file')
  t.equal(new Set(profiles.map((p) => p.id)).size, profiles.length)
  for (const p of profiles) t.equal(basename(p.file), `${p.id}.json`, `${p.id}: the file is named after the id`)
  t.same(checkProfileFile(SHIPPED_PROFILES_DIR), [], 'profiles check finds nothing')
})

t.test('the device models the store needs are shipped, with realistic heartbeats', async (t) => {
  const expected: Record<string, { transport: string, kind: string, heartbeatS: number, streams: string[] }> = {
    'handheld-scanner-app': { transport: 'mqtt', kind: 'handheld', heartbeatS: 60, streams: ['scan', 'shelf-check', 'count', 'pick', 'putaway', 'receive'] },
    'serial-barcode-scanner': { transport: 'serial', kind: 'barcode-scanner', heartbeatS: 0, streams: ['code'] },
    'fixed-mount-scanner': { transport: 'serial', kind: 'barcode-scanner', heartbeatS: 0, streams: ['code'] },
    'shelf-camera-gap': { transport: 'mqtt', kind: 'shelf-camera', heartbeatS: 300, streams: ['gap'] },
    'shelf-load-cell': { transport: 'mqtt', kind: 'shelf-sensor', heartbeatS: 60, streams: ['weight'] },
    'pos-sales-feed': { transport: 'mqtt', kind: 'pos', heartbeatS: 30, streams: ['basket'] },
    'cooler-temperature-probe': { transport: 'mqtt', kind: 'probe', heartbeatS: 120, streams: ['temp'] }
  }
  for (const [id, want] of Object.entries(expected)) {
    const p = catalogue.get(id)
    if (p === undefined) {
      t.fail(`${id} is shipped`)
      continue
    }
    t.match(p, { transport: want.transport, kind: want.kind, heartbeatS: want.heartbeatS }, id)
    t.same(p.streams.map((s) => s.name), want.streams, `${id} streams`)
  }
})

t.test('serial framing is data: CR LF for the handheld scanner, STX/ETX with XOR for the fixed mount', async (t) => {
  t.same(catalogue.stream('serial-barcode-scanner', 'code')?.serial, {
    baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, frame: { kind: 'delimiter', delimiter: '\r\n' }, maxFrameBytes: 64
  })
  t.match(catalogue.stream('fixed-mount-scanner', 'code')?.serial, { frame: { kind: 'stx-etx' }, checksum: 'xor' })
})

t.test('every codec a shipped profile names exists', async (t) => {
  for (const p of profiles) {
    for (const [at, spec] of fieldSpecs(p)) {
      if (spec.codec !== undefined) t.ok(isCodecName(spec.codec), `${p.id} ${at}: ${spec.codec}`)
    }
  }
})

for (const p of profiles) {
  t.test(`${p.id}: every fixture decodes as it expects`, async (t) => {
    const results = runFixtures(p)
    t.ok(results.length >= 3, 'several fixtures')
    t.ok(p.fixtures.some((f) => f.expectError !== undefined), 'at least one expected error')
    const used = new Set(p.fixtures.map((f) => f.stream))
    for (const s of p.streams) if (s.events !== undefined) t.ok(used.has(s.name), `stream ${s.name} has a fixture`)
    for (const r of results) {
      t.ok(r.ok, `${r.name}${r.problem === undefined ? '' : `: ${r.problem}`}`)
      for (const e of r.events ?? []) t.ok(isEventType(e.type), `${r.name}: ${e.type} is an event type`)
    }
  })
}
