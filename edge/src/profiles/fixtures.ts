// Runs a profile's fixtures: each raw input is decoded as a device message would be, and compared
// with what the fixture expects. Used by the catalogue test and `store-edge profiles check`.

import { isEdgeError } from '../core/errors.js'
import type { EventDraft } from '../core/event.js'
import { expectedCode } from './check-profile.js'
import { decodeMessage } from './decode.js'
import type { DecodeContext, Fixture, LoadedProfile } from './types.js'

export interface FixtureResult {
  /** Index in the profile's fixtures. */
  index: number
  name: string
  stream: string
  ok: boolean
  /** Why it failed, when it did. */
  problem?: string
  /** What the decode yielded: events, or the error it threw. */
  events?: EventDraft[]
  error?: { code: string, message: string }
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function show (v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v)
}

/**
 * Where `actual` differs from `expected`, or undefined when it matches. Objects match on the keys
 * `expected` lists (a subset compare, recursively); arrays and scalars must be equal.
 */
export function subsetMismatch (expected: unknown, actual: unknown, at = ''): string | undefined {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return `${at || '(event)'}: expected an object, got ${show(actual)}`
    for (const [k, v] of Object.entries(expected)) {
      const m = subsetMismatch(v, actual[k], at === '' ? k : `${at}.${k}`)
      if (m !== undefined) return m
    }
    return undefined
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: expected ${show(expected)}, got ${show(actual)}`
    for (let i = 0; i < expected.length; i++) {
      if (subsetMismatch(expected[i], actual[i], `${at}.${i}`) !== undefined) return `${at}: expected ${show(expected)}, got ${show(actual)}`
    }
    return undefined
  }
  return Object.is(expected, actual) ? undefined : `${at}: expected ${show(expected)}, got ${show(actual)}`
}

function contextOf (fx: Fixture): DecodeContext {
  const items = new Map((fx.items ?? []).map((it) => [it.sku, it]))
  return { item: (sku) => items.get(sku) }
}

function rawBytes (fx: Fixture, payload: 'json' | 'text'): Buffer {
  if (fx.rawText !== undefined) return Buffer.from(fx.rawText, 'utf8')
  if (payload === 'text') return Buffer.from(String(fx.raw), 'utf8')
  return Buffer.from(JSON.stringify(fx.raw) ?? '', 'utf8')
}

function runOne (profile: LoadedProfile, fx: Fixture, index: number): FixtureResult {
  const base = { index, name: fx.name, stream: fx.stream }
  const stream = profile.streams.find((s) => s.name === fx.stream)
  if (stream === undefined) return { ...base, ok: false, problem: `no stream ${JSON.stringify(fx.stream)}` }
  let events: EventDraft[]
  try {
    events = decodeMessage(profile, stream, rawBytes(fx, stream.payload), contextOf(fx))
  } catch (err) {
    if (!isEdgeError(err)) return { ...base, ok: false, problem: `decode threw ${String(err)}` }
    const error = { code: err.code, message: err.message }
    if (fx.expectError === undefined) return { ...base, ok: false, error, problem: `expected events, got ${err.code}: ${err.message}` }
    const want = expectedCode(fx.expectError)
    return want === err.code
      ? { ...base, ok: true, error }
      : { ...base, ok: false, error, problem: `expected error ${want ?? fx.expectError}, got ${err.code}: ${err.message}` }
  }
  if (fx.expectError !== undefined) {
    return { ...base, ok: false, events, problem: `expected error ${fx.expectError}, got ${events.length} event(s): ${JSON.stringify(events)}` }
  }
  const expect = fx.expect ?? []
  if (events.length !== expect.length) {
    return { ...base, ok: false, events, problem: `expected ${expect.length} event(s), got ${events.length}: ${JSON.stringify(events)}` }
  }
  for (let i = 0; i < expect.length; i++) {
    const m = subsetMismatch(expect[i], events[i])
    if (m !== undefined) return { ...base, ok: false, events, problem: `event ${i}: ${m}` }
  }
  return { ...base, ok: true, events }
}

/** Every fixture of the profile, decoded and compared; never throws. */
export function runFixtures (profile: LoadedProfile): FixtureResult[] {
  return profile.fixtures.map((fx, i) => runOne(profile, fx, i))
}
