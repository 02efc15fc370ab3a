// Compiles a checked stream into a StreamDecoder: the payload validator (ajv, compiled once), the
// text pattern, and the mapping as an ordered list of plain accessor/codec/store steps, so decoding a
// message allocates the event and little else.

import type { Ajv, ValidateFunction } from 'ajv'
import { EdgeError, Errors } from '../core/errors.js'
import { isEventType } from '../core/event.js'
import { codecs, CONTEXTUAL_CODECS, type Codec, type CodecArgs } from './codecs/index.js'
import { show } from './codecs/types.js'
import { compilePath, compileTemplate, templateReadsRootOnly, type Accessor } from './paths.js'
import type { FieldSpec, LoadedProfile, StreamSpec } from './types.js'
import { createPayloadAjv, createProfileAjv } from './ajv.js'
import { checkMapping } from './check-mapping.js'

/** An event under construction (an EventDraft once every field is stored). */
export type Draft = Record<string, unknown> & { data: Record<string, unknown> }
type Store = (draft: Draft, value: unknown) => void

export interface CompiledField {
  /** The field's name in the profile: qty, data.grams, type. */
  readonly name: string
  readonly read: Accessor
  /** What was read, for "required" errors: a path, a template or a constant. */
  readonly source: string
  readonly codec: Codec | undefined
  readonly args: CodecArgs
  readonly hasDefault: boolean
  readonly defaultValue: unknown
  readonly required: boolean
  /** Puts the decoded value into the event, checking the canonical field's type. */
  readonly store: Store
  /**
   * Inside `each`: the value is the same for every element (it reads only the message root, and its
   * codec only value and args), so it is decoded once per message, not once per line.
   */
  readonly perMessage: boolean
}

export interface StreamDecoder {
  readonly profileId: string
  readonly streamName: string
  readonly payload: 'json' | 'text'
  readonly validate: ValidateFunction | undefined
  readonly textPattern: RegExp | undefined
  /** Reads the `each` array from the root; undefined: one event per message. */
  readonly each: Accessor | undefined
  /** In decode order; empty when the stream has no events. */
  readonly fields: readonly CompiledField[]
  readonly hasEvents: boolean
  /** Some field is perMessage. */
  readonly hasPerMessage: boolean
}

// Decode order: identity fields first, so type, qty and data codecs can use them (grams-to-units
// needs the sku); data last, in the order the profile lists them.
const ORDER = ['sku', 'gtin', 'location', 'id', 'occurredAt', 'type', 'qty']
const EMPTY_ARGS: CodecArgs = Object.freeze({})

function storeString (key: string): Store {
  return (draft, v) => {
    if (typeof v === 'string') draft[key] = v
    // Device ids and transaction numbers often arrive as JSON numbers.
    else if (typeof v === 'number' && Number.isFinite(v)) draft[key] = String(v)
    else throw new EdgeError(Errors.CODEC_FAILED, `${key}: ${show(v)} is not a string`)
  }
}

const storeQty: Store = (draft, v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EdgeError(Errors.CODEC_FAILED, `qty: ${show(v)} is not a finite number`)
  draft.qty = v
}

const storeType: Store = (draft, v) => {
  if (!isEventType(v)) throw new EdgeError(Errors.CODEC_FAILED, `type: ${show(v)} is not an event type`)
  draft.type = v
}

function storeData (key: string): Store {
  return (draft, v) => { draft.data[key] = v }
}

function storeFor (name: string): Store {
  if (name.startsWith('data.')) return storeData(name.slice(5))
  if (name === 'qty') return storeQty
  if (name === 'type') return storeType
  return storeString(name)
}

function compileField (name: string, spec: FieldSpec, insideEach: boolean): CompiledField {
  let read: Accessor
  let source: string
  let rootOnly: boolean
  if (spec.from !== undefined) {
    read = compilePath(spec.from)
    source = JSON.stringify(spec.from)
    rootOnly = spec.from.startsWith('$.')
  } else if (spec.template !== undefined) {
    read = compileTemplate(spec.template, insideEach, name)
    source = `template ${JSON.stringify(spec.template)}`
    rootOnly = templateReadsRootOnly(spec.template)
  } else {
    const value = spec.const
    read = () => value
    source = 'const'
    rootOnly = true
  }
  const contextual = spec.codec !== undefined && CONTEXTUAL_CODECS.includes(spec.codec)
  return {
    name,
    read,
    source,
    codec: spec.codec === undefined ? undefined : codecs[spec.codec],
    args: spec.args ?? EMPTY_ARGS,
    hasDefault: Object.hasOwn(spec, 'default'),
    defaultValue: spec.default,
    required: name === 'type' || spec.required === true,
    store: storeFor(name),
    perMessage: insideEach && rootOnly && !contextual
  }
}

function rank (name: string): number {
  const i = ORDER.indexOf(name)
  return i === -1 ? ORDER.length : i
}

/**
 * Compiles a stream of a checked profile (see checkProfile). Throws a plain Error when the stream's
 * JSON Schema does not compile; the loader reports it at /streams/N/schema.
 */
export function compileStream (profileId: string, stream: StreamSpec, ajv: Ajv): StreamDecoder {
  const validate = stream.payload === 'json' && stream.schema !== undefined ? ajv.compile(stream.schema) : undefined
  const mapping = stream.events
  const fields: CompiledField[] = []
  if (mapping !== undefined) {
    const insideEach = mapping.each !== undefined
    const typeSpec: FieldSpec = typeof mapping.type === 'string' ? { const: mapping.type } : mapping.type
    fields.push(compileField('type', typeSpec, insideEach))
    for (const [name, spec] of Object.entries(mapping.fields)) fields.push(compileField(name, spec, insideEach))
    // Stable sort: data fields keep the order the profile lists them in.
    fields.sort((a, b) => rank(a.name) - rank(b.name))
  }
  return {
    profileId,
    streamName: stream.name,
    payload: stream.payload,
    validate,
    textPattern: stream.textPattern === undefined ? undefined : new RegExp(stream.textPattern, 'u'),
    each: mapping?.each === undefined ? undefined : compilePath(mapping.each),
    fields,
    hasEvents: mapping !== undefined,
    hasPerMessage: fields.some((f) => f.perMessage)
  }
}

// The decoder travels with its stream object, under a symbol and not enumerable, so the profile
// stays plain data (JSON.stringify, deep-equal) and decodeMessage(profile, stream, ...) needs no lookup table.
const DECODER = Symbol('store-edge.profiles.decoder')

export function attachDecoder (stream: StreamSpec, decoder: StreamDecoder): void {
  Object.defineProperty(stream, DECODER, { value: decoder, enumerable: false, writable: false, configurable: false })
}

/**
 * The stream's decoder. Streams from loadProfiles carry theirs; a stream built by hand (a test, a
 * tool) is checked and compiled on first use, which costs Ajv instances: load profiles for anything hot.
 */
export function decoderOf (profile: LoadedProfile, stream: StreamSpec): StreamDecoder {
  const attached = (stream as unknown as Record<symbol, StreamDecoder | undefined>)[DECODER]
  if (attached !== undefined) return attached
  const findings = stream.events === undefined ? [] : checkMapping(stream.events, '/events', createProfileAjv())
  if (findings.length > 0) {
    throw new EdgeError(Errors.PROFILE_INVALID, `${profile.id}/${stream.name}: ` + findings.map((f) => `${f.pointer}: ${f.message}`).join('; '))
  }
  const decoder = compileStream(profile.id, stream, createPayloadAjv())
  if (Object.isExtensible(stream)) attachDecoder(stream, decoder)
  return decoder
}

