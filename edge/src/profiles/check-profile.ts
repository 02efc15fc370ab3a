// Checks on a whole, schema-valid profile beyond the schema: unique stream names, serial framing for
// serial profiles, text patterns that compile, each mapping (check-mapping.ts), and fixtures that
// name real streams and say what they expect.

import type { Ajv } from 'ajv'
import { Errors } from '../core/errors.js'
import { checkMapping } from './check-mapping.js'
import { pointer, type Finding } from './problems.js'
import type { DeviceProfile, Fixture, StreamSpec } from './types.js'

/** The error code a fixture expects, from an Errors name or a code; undefined when unknown. */
export function expectedCode (expectError: string): string | undefined {
  if (Object.hasOwn(Errors, expectError)) return Errors[expectError as keyof typeof Errors].code
  return Object.values(Errors).find((s) => s.code === expectError)?.code
}

function checkStream (profile: DeviceProfile, s: StreamSpec, at: string, ajv: Ajv, out: Finding[]): void {
  if (profile.transport === 'serial' && s.serial === undefined) {
    out.push({ pointer: at + '/serial', message: 'is required: a serial profile says how its frames are delimited' })
  }
  if (s.textPattern !== undefined) {
    try {
      new RegExp(s.textPattern, 'u')
    } catch (err) {
      out.push({ pointer: at + '/textPattern', message: `is not a regular expression: ${(err as Error).message}` })
    }
  }
  if (s.events !== undefined) out.push(...checkMapping(s.events, at + '/events', ajv))
}

function checkFixture (fx: Fixture, at: string, streams: ReadonlyMap<string, StreamSpec>, out: Finding[]): void {
  const stream = streams.get(fx.stream)
  if (stream === undefined) {
    out.push({ pointer: at + '/stream', message: `names no stream of this profile (${[...streams.keys()].join(', ')})` })
  }
  const hasRaw = Object.hasOwn(fx, 'raw')
  if (hasRaw === (fx.rawText !== undefined)) out.push({ pointer: at, message: 'needs exactly one of raw, rawText' })
  if (hasRaw && stream?.payload === 'text' && typeof fx.raw !== 'string') {
    out.push({ pointer: at + '/raw', message: 'must be a string: the stream payload is text' })
  }
  if ((fx.expect === undefined) === (fx.expectError === undefined)) out.push({ pointer: at, message: 'needs exactly one of expect, expectError' })
  if (fx.expectError !== undefined && expectedCode(fx.expectError) === undefined) {
    out.push({ pointer: at + '/expectError', message: `${JSON.stringify(fx.expectError)} is no error name or code of core/errors.ts` })
  }
}

/** Findings for a profile that passed the JSON Schema. `ajv` checks codec args (createProfileAjv). */
export function checkProfile (profile: DeviceProfile, ajv: Ajv): Finding[] {
  const out: Finding[] = []
  const streams = new Map<string, StreamSpec>()
  profile.streams.forEach((s, i) => {
    const at = pointer('streams', i)
    const before = profile.streams.findIndex((o) => o.name === s.name)
    if (before !== i) out.push({ pointer: at + '/name', message: `duplicate stream name ${JSON.stringify(s.name)} (also /streams/${before})` })
    else streams.set(s.name, s)
    checkStream(profile, s, at, ajv, out)
  })
  profile.fixtures.forEach((fx, i) => checkFixture(fx, pointer('fixtures', i), streams, out))
  return out
}
