// Type codecs: make a device's loose JSON (numbers as strings, 1/0 for booleans) into the exact type
// a canonical field or a data entry needs, and refuse what cannot be converted without guessing.

import { codecError, NO_ARGS, show, toNumber, type CodecDef } from './types.js'

const INTEGER = /^\s*[+-]?\d+\s*$/

export const string: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    if (typeof value === 'string') return value
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value)
    throw codecError(field, 'string', `${show(value)} is not a string`)
  }
}

export const int: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && INTEGER.test(value) ? Number(value) : NaN
    if (Number.isSafeInteger(n)) return n
    throw codecError(field, 'int', `${show(value)} is not an integer`)
  }
}

export const number: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const n = toNumber(value)
    if (Number.isFinite(n)) return n
    throw codecError(field, 'number', `${show(value)} is not a finite number`)
  }
}

// Device vocabularies for yes/no; anything else is refused rather than read as false.
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['false', false], ['yes', true], ['no', false], ['on', true], ['off', false],
  ['1', true], ['0', false], ['y', true], ['n', false]
])

export const bool: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    if (typeof value === 'boolean') return value
    if (value === 1 || value === 0) return value === 1
    if (typeof value === 'string') {
      const b = BOOLEANS.get(value.trim().toLowerCase())
      if (b !== undefined) return b
    }
    throw codecError(field, 'bool', `${show(value)} is not a boolean (true/false, 1/0, yes/no, on/off)`)
  }
}

export const abs: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const n = toNumber(value)
    if (Number.isFinite(n)) return Math.abs(n)
    throw codecError(field, 'abs', `${show(value)} is not a finite number`)
  }
}

function textCodec (name: string, fn: (s: string) => string): CodecDef {
  return {
    args: NO_ARGS,
    decode (value, _args, _ctx, field) {
      if (typeof value === 'string') return fn(value)
      throw codecError(field, name, `${show(value)} is not a string`)
    }
  }
}

export const upper = textCodec('upper', (s) => s.toUpperCase())
export const lower = textCodec('lower', (s) => s.toLowerCase())
export const trim = textCodec('trim', (s) => s.trim())
