// Paths and templates of field specs, compiled once at load time into plain accessor functions, so
// decoding a message is property reads and no string parsing (decode runs at tens of thousands of
// messages per second).
//
// A path is dot-separated keys: `lines.0.sku`. Inside `each` it reads the element; a leading `$.`
// reads the message root. A template is text with `{path}` placeholders and `{#}`, the element index
// (0-based) inside `each`; when a placeholder is absent the whole template is absent.

import { EdgeError, Errors } from '../core/errors.js'

/** Reads one value: root is the whole message, el the `each` element (or the root), index its index. */
export type Accessor = (root: unknown, el: unknown, index: number) => unknown

// Keys: letters, digits, _ and -. Names that reach Object.prototype are refused outright.
const KEY = /^[A-Za-z0-9_-]+$/
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** Why a path is unusable, or undefined when it is fine. */
export function pathProblem (path: string): string | undefined {
  const body = path.startsWith('$.') ? path.slice(2) : path
  const keys = body.split('.')
  for (const k of keys) {
    if (!KEY.test(k)) return `path ${JSON.stringify(path)}: keys are letters, digits, _ and -, separated by dots ("$." first for the message root)`
    if (FORBIDDEN_KEYS.has(k)) return `path ${JSON.stringify(path)}: key ${JSON.stringify(k)} is not allowed`
  }
  return undefined
}

// JSON never holds functions; one found here was inherited (e.g. "toString"), so it is absent.
function get (o: unknown, key: string): unknown {
  if (o === null || typeof o !== 'object') return undefined
  const v = (o as Record<string, unknown>)[key]
  return typeof v === 'function' ? undefined : v
}

/** Compiles a checked path (see pathProblem) into an accessor. */
export function compilePath (path: string): Accessor {
  const fromRoot = path.startsWith('$.')
  const keys = (fromRoot ? path.slice(2) : path).split('.')
  // The common one- and two-key paths get their own functions: no loop per read.
  if (keys.length === 1) {
    const [a] = keys
    return fromRoot ? (root) => get(root, a) : (_root, el) => get(el, a)
  }
  if (keys.length === 2) {
    const [a, b] = keys
    return fromRoot ? (root) => get(get(root, a), b) : (_root, el) => get(get(el, a), b)
  }
  return (root, el) => {
    let v: unknown = fromRoot ? root : el
    for (let i = 0; i < keys.length && v !== undefined; i++) v = get(v, keys[i])
    return v
  }
}

/** Reads a path without compiling it (for the rare codec that reads another field). */
export function readPath (path: string, root: unknown, el: unknown): unknown {
  const fromRoot = path.startsWith('$.')
  let v: unknown = fromRoot ? root : el
  for (const k of (fromRoot ? path.slice(2) : path).split('.')) {
    if (FORBIDDEN_KEYS.has(k)) return undefined
    v = get(v, k)
  }
  return v
}

type Part = string | Accessor | typeof INDEX
const INDEX = Symbol('each index')

/** Why a template is unusable, or undefined when it is fine. */
export function templateProblem (template: string, insideEach: boolean): string | undefined {
  try {
    parseTemplate(template, insideEach)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

function parseTemplate (template: string, insideEach: boolean): Part[] {
  const parts: Part[] = []
  let i = 0
  while (i < template.length) {
    const open = template.indexOf('{', i)
    const stray = template.indexOf('}', i)
    if (stray !== -1 && (open === -1 || stray < open)) throw new Error(`template ${JSON.stringify(template)}: "}" without "{"`)
    if (open === -1) {
      parts.push(template.slice(i))
      break
    }
    if (open > i) parts.push(template.slice(i, open))
    const close = template.indexOf('}', open)
    if (close === -1) throw new Error(`template ${JSON.stringify(template)}: "{" without "}"`)
    const name = template.slice(open + 1, close)
    if (name === '#') {
      if (!insideEach) throw new Error(`template ${JSON.stringify(template)}: {#} is the element index and needs "each"`)
      parts.push(INDEX)
    } else {
      const problem = pathProblem(name)
      if (problem !== undefined) throw new Error(`template ${JSON.stringify(template)}: ${problem}`)
      parts.push(compilePath(name))
    }
    i = close + 1
  }
  return parts
}

/** True when every placeholder of a checked template reads the message root (`{$.x}`), none the element or `{#}`. */
export function templateReadsRootOnly (template: string): boolean {
  const placeholders = template.match(/\{[^}]*\}/g) ?? []
  return placeholders.every((p) => p.startsWith('{$.'))
}

/** Compiles a checked template (see templateProblem) into an accessor yielding a string or undefined. */
export function compileTemplate (template: string, insideEach: boolean, field: string): Accessor {
  const parts = parseTemplate(template, insideEach)
  return (root, el, index) => {
    let out = ''
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p
      } else if (p === INDEX) {
        out += index
      } else {
        const v = p(root, el, index)
        if (v === undefined || v === null) return undefined
        if (typeof v === 'object') throw new EdgeError(Errors.CODEC_FAILED, `${field}: template ${JSON.stringify(template)} has a placeholder that is not a single value`)
        out += String(v)
      }
    }
    return out
  }
}
