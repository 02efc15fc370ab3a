// Payload bytes to event drafts, by a stream's compiled decoder: parse, validate against the stream
// schema, then run the mapping's accessor/codec/store steps. Pure: no I/O, no clock; item facts come
// through the DecodeContext. Errors are EdgeErrors with the dead-letter reason codes of core/errors.ts.

import { isUtf8 } from 'node:buffer'
import type { ErrorObject } from 'ajv'
import { EdgeError, Errors } from '../core/errors.js'
import type { EventDraft } from '../core/event.js'
import type { CodecContext } from './codecs/index.js'
import { show } from './codecs/types.js'
import { decoderOf, type CompiledField, type Draft, type StreamDecoder } from './compile.js'
import { readPath } from './paths.js'
import type { DecodeContext, LoadedProfile, StreamSpec } from './types.js'

/** A DecodeContext with no item master, for streams whose codecs look nothing up. */
export const noItems: DecodeContext = Object.freeze({ item: () => undefined })

// The codec context of one message; one per decodeMessage call, moved from element to element.
class Scope implements CodecContext {
  el: unknown
  draft: Partial<EventDraft> = {}
  constructor (private readonly ctx: DecodeContext, readonly root: unknown) {
    this.el = root
  }

  item (sku: string): { unitWeightG?: number | null } | undefined {
    return this.ctx.item(sku)
  }

  read (path: string): unknown {
    return readPath(path, this.root, this.el)
  }
}

const BOM = 0xfeff

function parseJson (raw: Buffer, dec: StreamDecoder): unknown {
  if (!isUtf8(raw)) throw new EdgeError(Errors.MALFORMED_PAYLOAD, 'payload is not UTF-8')
  let text = raw.toString('utf8')
  if (text.charCodeAt(0) === BOM) text = text.slice(1)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new EdgeError(Errors.MALFORMED_PAYLOAD, `payload is not JSON: ${(err as Error).message}`)
  }
  const validate = dec.validate
  if (validate !== undefined && !validate(value)) throw new EdgeError(Errors.SCHEMA_MISMATCH, schemaMismatch(validate.errors ?? []))
  return value
}

// The reason of a payload the stream schema refuses: where, what, and the keyword. For anyOf/oneOf
// (ajv lists each failed alternative first, then the anyOf) every alternative is named.
function schemaMismatch (errors: readonly ErrorObject[]): string {
  const last = errors[errors.length - 1]
  if (last === undefined) return 'payload does not match the stream schema'
  if (last.keyword === 'anyOf' || last.keyword === 'oneOf') {
    const prefix = last.schemaPath + '/'
    const options = errors.filter((e) => e.schemaPath.startsWith(prefix)).map((e) => e.message ?? e.keyword)
    if (options.length > 0) return `payload ${where(last)}: ${last.message ?? 'is invalid'}: ${options.join(' or ')} (keyword ${last.keyword})`
  }
  const e = errors[0]
  return `payload ${where(e)}: ${e.message ?? 'is invalid'} (keyword ${e.keyword})`
}

function where (e: ErrorObject): string {
  return e.instancePath === '' ? '/' : e.instancePath
}

function parseText (raw: Buffer, dec: StreamDecoder): unknown {
  if (!isUtf8(raw)) throw new EdgeError(Errors.MALFORMED_PAYLOAD, 'payload is not UTF-8')
  const text = raw.toString('utf8').trim()
  if (text === '') throw new EdgeError(Errors.MALFORMED_PAYLOAD, 'payload is empty text')
  if (dec.textPattern === undefined) return { text }
  const m = dec.textPattern.exec(text)
  if (m === null) throw new EdgeError(Errors.SCHEMA_MISMATCH, `text ${show(text)} does not match the stream's textPattern`)
  return { ...m.groups, text }
}

function missing (f: CompiledField): EdgeError {
  return new EdgeError(Errors.CODEC_FAILED, `${f.name}: is required, but ${f.source} is absent`)
}

// A field with no value: not stored. UNSET marks a per-message value not decoded yet.
const ABSENT = Symbol('absent')
const UNSET = Symbol('unset')

function fieldValue (f: CompiledField, scope: Scope, index: number): unknown {
  let v = f.read(scope.root, scope.el, index)
  if (v === undefined || v === null) {
    if (!f.hasDefault) {
      if (f.required) throw missing(f)
      return ABSENT
    }
    v = f.defaultValue
  }
  if (f.codec !== undefined) {
    v = f.codec(v, f.args, scope, f.name)
    if (v === undefined || v === null) {
      if (f.required) throw missing(f)
      return ABSENT
    }
  }
  return v
}

/** One event. `memo` (inside `each`) keeps the values of perMessage fields across elements. */
function buildEvent (fields: readonly CompiledField[], scope: Scope, index: number, memo: unknown[] | undefined): EventDraft {
  // type first and always present (it is required): one object shape for every event.
  const draft: Draft = { type: undefined, data: {} }
  scope.draft = draft
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    let v: unknown
    if (memo !== undefined && f.perMessage) {
      v = memo[i]
      if (v === UNSET) v = memo[i] = fieldValue(f, scope, index)
    } else {
      v = fieldValue(f, scope, index)
    }
    if (v !== ABSENT) f.store(draft, v)
  }
  return draft as unknown as EventDraft
}

/**
 * Decodes one message of a stream into event drafts: none for a stream without `events`, one per
 * message, or one per element of the `each` array. Throws EdgeError: MALFORMED_PAYLOAD (not UTF-8,
 * not JSON, empty text), SCHEMA_MISMATCH (the stream schema or textPattern refuses it),
 * CODEC_FAILED / BAD_GTIN / BAD_CHECK_DIGIT (a field cannot be decoded; the message names it).
 */
export function decodeMessage (profile: LoadedProfile, stream: StreamSpec, raw: Buffer, ctx: DecodeContext): EventDraft[] {
  const dec = decoderOf(profile, stream)
  const root = dec.payload === 'json' ? parseJson(raw, dec) : parseText(raw, dec)
  if (!dec.hasEvents) return []
  const scope = new Scope(ctx, root)
  if (dec.each === undefined) return [buildEvent(dec.fields, scope, 0, undefined)]
  const list = dec.each(root, root, 0)
  if (!Array.isArray(list)) throw new EdgeError(Errors.CODEC_FAILED, `each: ${show(list)} is not an array`)
  const memo = dec.hasPerMessage && list.length > 1 ? new Array<unknown>(dec.fields.length).fill(UNSET) : undefined
  const out: EventDraft[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    scope.el = list[i]
    out[i] = buildEvent(dec.fields, scope, i, memo)
  }
  return out
}
