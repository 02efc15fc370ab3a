// Checks on an event mapping that a JSON Schema cannot express: codec names and their args, event
// types, paths and templates, and which codec a canonical field needs. Run on schema-valid profiles.

import type { Ajv } from 'ajv'
import { EVENT_TYPES, isEventType } from '../core/event.js'
import { codecArgSchemas, isCodecName, TIME_CODECS } from './codecs/index.js'
import { pathProblem, templateProblem } from './paths.js'
import { pointer, type Finding } from './problems.js'
import { findingsFromAjv } from './schema-errors.js'
import type { EventMapping, FieldSpec } from './types.js'

const TYPE_LIST = EVENT_TYPES.join(', ')

// Edit distance, for "did you mean" on codec names (names are short; quadratic is fine).
function distance (a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]
}

function unknownCodec (name: string): string {
  const near = Object.keys(codecArgSchemas).filter((c) => distance(c, name) <= 2)
  return `unknown codec ${JSON.stringify(name)}` + (near.length > 0 ? `; did you mean ${near.map((c) => JSON.stringify(c)).join(' or ')}?` : '')
}

function checkFieldSpec (spec: FieldSpec, at: string, insideEach: boolean, ajv: Ajv, out: Finding[]): void {
  const sources = (['from', 'const', 'template'] as const).filter((k) => Object.hasOwn(spec, k))
  if (sources.length !== 1) {
    out.push({ pointer: at, message: `needs exactly one of from, const, template${sources.length > 1 ? `, not ${sources.join(' and ')}` : ''}` })
  }
  if (spec.from !== undefined) {
    const p = pathProblem(spec.from)
    if (p !== undefined) out.push({ pointer: at + '/from', message: p })
  }
  if (spec.template !== undefined) {
    const p = templateProblem(spec.template, insideEach)
    if (p !== undefined) out.push({ pointer: at + '/template', message: p })
  }
  if (spec.codec !== undefined) {
    if (!isCodecName(spec.codec)) {
      out.push({ pointer: at + '/codec', message: unknownCodec(spec.codec) })
    } else {
      const validate = ajv.compile(codecArgSchemas[spec.codec])
      if (!validate(spec.args ?? {})) out.push(...findingsFromAjv(validate.errors, at + '/args'))
    }
  } else if (spec.args !== undefined) {
    out.push({ pointer: at + '/args', message: 'args without a codec' })
  }
}

function checkType (type: EventMapping['type'], at: string, insideEach: boolean, ajv: Ajv, out: Finding[]): void {
  if (typeof type === 'string') {
    if (!isEventType(type)) out.push({ pointer: at, message: `unknown event type ${JSON.stringify(type)}; one of ${TYPE_LIST}` })
    return
  }
  checkFieldSpec(type, at, insideEach, ajv, out)
  if (type.codec === undefined && Object.hasOwn(type, 'const') && !isEventType(type.const)) {
    out.push({ pointer: at + '/const', message: `unknown event type ${JSON.stringify(type.const)}; one of ${TYPE_LIST}` })
  }
  // A vocabulary mapped onto event types must map onto real ones.
  if (type.codec === 'enum' && type.args !== undefined && typeof type.args.values === 'object' && type.args.values !== null) {
    for (const [raw, canonical] of Object.entries(type.args.values)) {
      if (!isEventType(canonical)) out.push({ pointer: at + pointer('args', 'values', raw), message: `unknown event type ${JSON.stringify(canonical)}; one of ${TYPE_LIST}` })
    }
    if (Object.hasOwn(type.args, 'default') && !isEventType(type.args.default)) {
      out.push({ pointer: at + '/args/default', message: `unknown event type ${JSON.stringify(type.args.default)}; one of ${TYPE_LIST}` })
    }
  }
}

/** Findings for one stream's `events`, at `at` (its JSON pointer). */
export function checkMapping (mapping: EventMapping, at: string, ajv: Ajv): Finding[] {
  const out: Finding[] = []
  const insideEach = mapping.each !== undefined
  if (mapping.each !== undefined) {
    const p = pathProblem(mapping.each)
    if (p !== undefined) out.push({ pointer: at + '/each', message: p })
  }
  checkType(mapping.type, at + '/type', insideEach, ajv, out)
  for (const [name, spec] of Object.entries(mapping.fields)) {
    const fieldAt = at + pointer('fields', name)
    checkFieldSpec(spec, fieldAt, insideEach, ajv, out)
    const fixed = Object.hasOwn(spec, 'const')
    if (name === 'occurredAt' && !fixed && (spec.codec === undefined || !TIME_CODECS.includes(spec.codec))) {
      out.push({ pointer: fieldAt + '/codec', message: `occurredAt needs a time codec (${TIME_CODECS.join(', ')}) so every event time is ISO 8601 UTC` })
    }
    if (name === 'gtin' && !fixed && spec.codec !== 'gtin') {
      out.push({ pointer: fieldAt + '/codec', message: 'gtin needs the gtin codec (checks the check digit, normalises to 14 digits)' })
    }
  }
  return out
}
