// Ajv errors rewritten for people: the pointer names the offending field itself (ajv reports a
// missing or unknown property at its parent), and the message says what is wrong and what is allowed.

import type { ErrorObject } from 'ajv'
import { pointer, type Finding } from './problems.js'

function show (v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 60 ? s.slice(0, 57) + '...' : s
}

function allowedProperties (parent: unknown): string {
  if (parent === null || typeof parent !== 'object') return ''
  const p = parent as { properties?: Record<string, unknown>, patternProperties?: Record<string, unknown> }
  const names = Object.keys(p.properties ?? {})
  // Pattern properties are described by their pattern's literal prefix: ^data\.… -> data.<name>.
  for (const pat of Object.keys(p.patternProperties ?? {})) names.push(pat.replace(/^\^/, '').replace(/\\\..*$/, '.<name>'))
  return names.length === 0 ? '' : `; allowed: ${names.join(', ')}`
}

function describe (e: ErrorObject): Finding | undefined {
  const at = e.instancePath
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'if': return undefined // the then/else error that follows says what is wrong
    case 'required': return { pointer: at + pointer(String(p.missingProperty)), message: 'is required' }
    case 'additionalProperties':
      return { pointer: at + pointer(String(p.additionalProperty)), message: `is not a known property${allowedProperties(e.parentSchema)}` }
    case 'false schema': return { pointer: at, message: 'is not allowed here' }
    case 'enum': return { pointer: at, message: `${show(e.data)} is not one of ${(p.allowedValues as unknown[]).map(show).join(', ')}` }
    case 'const': return { pointer: at, message: `must be ${show(p.allowedValue)}, not ${show(e.data)}` }
    case 'type': return { pointer: at, message: `must be ${String(p.type)}, not ${show(e.data)}` }
    case 'pattern': return { pointer: at, message: `${show(e.data)} does not match ${String(p.pattern)}` }
    case 'not': return { pointer: at, message: `${show(e.data)} is not allowed here (reserved)` }
    default: return { pointer: at, message: `${e.message ?? 'is invalid'} (${e.keyword}), not ${show(e.data)}` }
  }
}

/** Findings for ajv errors, relative to `base` (a JSON pointer), duplicates removed. */
export function findingsFromAjv (errors: readonly ErrorObject[] | null | undefined, base = ''): Finding[] {
  const out: Finding[] = []
  const seen = new Set<string>()
  for (const e of errors ?? []) {
    const f = describe(e)
    if (f === undefined) continue
    const full = { pointer: base + f.pointer, message: f.message }
    const key = full.pointer + '\0' + full.message
    if (!seen.has(key)) {
      seen.add(key)
      out.push(full)
    }
  }
  return out
}
