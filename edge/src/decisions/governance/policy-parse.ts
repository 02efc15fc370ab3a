// Reads a governance policy file (YAML) into a PolicySet, or says everything wrong with it: YAML
// syntax, duplicate keys, unknown keys, wrong types, values out of range, a policy without a match,
// two policies with the same match. Each problem names its line; one problem refuses the whole set.
//
//   defaults:                 # merged over the built-in defaults (policy-types.ts)
//     serviceLevel: 0.95
//     autoApprove: { minConfidence: 0.6, maxValue: 400, maxDeviationPct: 40 }
//   policies:
//     - match: { category: FOODS }               # optional id: names it in the audit log
//       serviceLevel: 0.98
//     - match: { category: HOBBIES, storeFormat: neighborhood }
//       autoApprove: { maxValue: 150 }

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type ParsedNode } from 'yaml'
import { BUILTIN_DEFAULTS, FIELDS, type NumberField, type PolicyFields, type PolicyMatch, type PolicyOverrides, type PolicyProblem, type PolicyRule, type PolicySet } from './policy-types.js'

export type PolicyParse = { ok: true, set: PolicySet } | { ok: false, problems: PolicyProblem[] }

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/
const MATCH_VALUE = /^[A-Za-z0-9_.-]{1,64}$/
const FIELD_KEYS = ['serviceLevel', 'proposalTtlHours', 'autoApprove', 'fallback'] as const

/** `file:line: path: message`, one string per problem. */
export function formatProblems (file: string, problems: readonly PolicyProblem[]): string[] {
  return problems.map((p) => `${file}:${p.line}: ${p.path}: ${p.message}`)
}

interface Entry { key: string, keyNode: Node, value: Node | null }

class Reader {
  readonly problems: PolicyProblem[] = []
  constructor (private readonly doc: Document.Parsed, private readonly lc: LineCounter) {}

  /** Reports a problem at a node (or at the start of the file without one). */
  problem (node: Node | null | undefined, path: string, message: string): void {
    const { line, col } = this.lc.linePos(node?.range?.[0] ?? 0)
    this.problems.push({ line, col, path, message })
  }

  /** The node an alias points to; a scalar holding null counts as no value. */
  deref (node: unknown): Node | null {
    let n = node as Node | null | undefined
    if (isAlias(n)) n = n.resolve(this.doc) as Node | undefined
    if (n === undefined || n === null) return null
    if (isScalar(n) && n.value === null) return null
    return n
  }

  describe (node: Node | null): string {
    if (node === null) return 'nothing'
    if (isMap(node)) return 'a mapping'
    if (isSeq(node)) return 'a list'
    if (isScalar(node)) return typeof node.value === 'string' ? `the string ${JSON.stringify(node.value)}` : String(node.value)
    return 'something else'
  }

  /** The entries of a mapping, or a problem when `node` is not one (or has a non-string key). */
  entries (node: Node | null, at: Node | null, path: string): Entry[] | undefined {
    if (!isMap(node)) {
      this.problem(node ?? at, path, `expected a mapping, got ${this.describe(node)}`)
      return undefined
    }
    const out: Entry[] = []
    for (const pair of node.items) {
      const keyNode = pair.key as Node
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.problem(keyNode, path, `keys must be names, got ${this.describe(this.deref(keyNode))}`)
        continue
      }
      out.push({ key: keyNode.value, keyNode, value: this.deref(pair.value) })
    }
    return out
  }

  number (e: Entry, path: string, spec: NumberField): number | undefined {
    const v = e.value
    if (!isScalar(v) || typeof v.value !== 'number' || !Number.isFinite(v.value)) {
      this.problem(v ?? e.keyNode, path, `expected a number (${spec.allowed}), got ${this.describe(v)}`)
      return undefined
    }
    const n = v.value
    if (n > spec.max || (spec.minExclusive ? n <= spec.min : n < spec.min)) {
      this.problem(v, path, `${n} is out of range: ${spec.allowed}`)
      return undefined
    }
    return n
  }

  unknownKey (e: Entry, path: string, known: readonly string[]): void {
    this.problem(e.keyNode, path ? `${path}.${e.key}` : e.key, `unknown key "${e.key}"; known keys: ${known.join(', ')}`)
  }

  /** A numeric group (autoApprove, fallback): known keys only, each in range. */
  group<G extends 'autoApprove' | 'fallback'> (e: Entry, path: string, which: G): Partial<PolicyFields[G]> {
    const specs = FIELDS[which] as Record<string, NumberField>
    const out: Record<string, number> = {}
    for (const f of this.entries(e.value, e.keyNode, path) ?? []) {
      const spec = specs[f.key]
      if (spec === undefined) { this.unknownKey(f, path, Object.keys(specs)); continue }
      const n = this.number(f, `${path}.${f.key}`, spec)
      if (n !== undefined) out[f.key] = n
    }
    return out as Partial<PolicyFields[G]>
  }

  /** The policy fields among `entries`; `extra` keys are the caller's (match, id). */
  fields (entries: Entry[], path: string, extra: readonly string[]): PolicyOverrides {
    const out: PolicyOverrides = {}
    const at = (k: string): string => path ? `${path}.${k}` : k
    for (const e of entries) {
      if (extra.includes(e.key)) continue
      switch (e.key) {
        case 'serviceLevel':
        case 'proposalTtlHours': {
          const n = this.number(e, at(e.key), FIELDS[e.key])
          if (n !== undefined) out[e.key] = n
          break
        }
        case 'autoApprove':
        case 'fallback':
          out[e.key] = this.group(e, at(e.key), e.key) as never
          break
        default:
          this.unknownKey(e, path, [...extra, ...FIELD_KEYS])
      }
    }
    return out
  }

  match (e: Entry | undefined, entry: Node, path: string): PolicyMatch | undefined {
    if (e === undefined) {
      this.problem(entry, path, 'a policy needs a match: { category, storeFormat } (one or both)')
      return undefined
    }
    const out: PolicyMatch = {}
    let ok = true
    const entries = this.entries(e.value, e.keyNode, `${path}.match`)
    if (entries === undefined) return undefined
    for (const f of entries) {
      if (f.key !== 'category' && f.key !== 'storeFormat') { this.unknownKey(f, `${path}.match`, ['category', 'storeFormat']); ok = false; continue }
      const v = f.value
      if (!isScalar(v) || typeof v.value !== 'string' || !MATCH_VALUE.test(v.value)) {
        this.problem(v ?? f.keyNode, `${path}.match.${f.key}`, `expected a name of 1-64 letters, digits, _ . or -, got ${this.describe(v)}`)
        ok = false
        continue
      }
      out[f.key] = v.value
    }
    if (ok && out.category === undefined && out.storeFormat === undefined) {
      this.problem(e.value ?? e.keyNode, `${path}.match`, 'a match needs a category, a storeFormat or both')
      return undefined
    }
    return ok ? out : undefined
  }

  policies (node: Node | null, at: Node): PolicyRule[] {
    if (node === null) return []
    if (!isSeq(node)) {
      this.problem(node, 'policies', `expected a list of policies, got ${this.describe(node)}`)
      return []
    }
    const rules: PolicyRule[] = []
    const byMatch = new Map<string, { path: string, line: number }>()
    const byId = new Map<string, { path: string, line: number }>()
    node.items.forEach((item, i) => {
      const path = `policies[${i}]`
      const n = this.deref(item)
      const entries = this.entries(n, isAlias(item) || item === null ? at : item as Node, path)
      if (entries === undefined || n === null) return
      const line = this.lc.linePos(n.range?.[0] ?? 0).line
      const matchEntry = entries.find((e) => e.key === 'match')
      const match = this.match(matchEntry, n, path)
      const idEntry = entries.find((e) => e.key === 'id')
      let id: string | undefined
      if (idEntry !== undefined) {
        const v = idEntry.value
        if (isScalar(v) && typeof v.value === 'string' && ID_PATTERN.test(v.value)) id = v.value
        else this.problem(v ?? idEntry.keyNode, `${path}.id`, `expected 1-64 letters, digits, _ . : or -, got ${this.describe(v)}`)
      }
      const overrides = this.fields(entries, path, ['match', 'id'])
      if (match === undefined) return
      const key = JSON.stringify([match.category ?? null, match.storeFormat ?? null])
      const same = byMatch.get(key)
      if (same !== undefined) {
        this.problem(matchEntry!.value, `${path}.match`, `same match as ${same.path} (line ${same.line}); each category and store format may have one policy`)
        return
      }
      byMatch.set(key, { path, line })
      const ruleId = id ?? derivedId(match)
      const taken = byId.get(ruleId)
      if (taken !== undefined) {
        this.problem(idEntry?.value ?? n, `${path}.id`, `id "${ruleId}" is already used by ${taken.path} (line ${taken.line})`)
        return
      }
      byId.set(ruleId, { path, line })
      rules.push({ id: ruleId, match, overrides, line })
    })
    return rules
  }
}

/** 'FOODS', 'format:neighborhood', 'HOBBIES:neighborhood'. */
export function derivedId (m: PolicyMatch): string {
  if (m.category !== undefined && m.storeFormat !== undefined) return `${m.category}:${m.storeFormat}`
  return m.category ?? `format:${m.storeFormat!}`
}

/** Fields of `over` merged over `base`. */
export function mergeFields (base: PolicyFields, over: PolicyOverrides): PolicyFields {
  return {
    serviceLevel: over.serviceLevel ?? base.serviceLevel,
    proposalTtlHours: over.proposalTtlHours ?? base.proposalTtlHours,
    autoApprove: { ...base.autoApprove, ...over.autoApprove },
    fallback: { ...base.fallback, ...over.fallback }
  }
}

export function parsePolicies (text: string): PolicyParse {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true })
  const r = new Reader(doc, lc)
  for (const err of doc.errors) {
    const { line, col } = lc.linePos(err.pos[0])
    const message = err.code === 'DUPLICATE_KEY'
      ? `key ${/^("[^"]*"|'[^']*'|[^:,{}\[\]\s]+)/.exec(text.slice(err.pos[0]))?.[1] ?? '?'} appears twice in one mapping`
      : err.message.split('\n')[0]
    r.problems.push({ line, col, path: '(yaml)', message })
  }
  // Past a syntax error the tree is a guess; duplicate keys leave it whole, so keep looking then.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { ok: false, problems: r.problems }

  const root = r.deref(doc.contents as ParsedNode | null)
  if (root === null) {
    r.problem(null, '(file)', 'the file is empty: expected a mapping with defaults and/or policies')
    return { ok: false, problems: r.problems }
  }
  const top = r.entries(root, null, '(file)') ?? []
  let defaults: PolicyOverrides = {}
  let policies: PolicyRule[] = []
  for (const e of top) {
    if (e.key === 'defaults') {
      const entries = e.value === null ? [] : r.entries(e.value, e.keyNode, 'defaults')
      if (entries !== undefined) defaults = r.fields(entries, 'defaults', [])
    } else if (e.key === 'policies') {
      policies = r.policies(e.value, e.keyNode)
    } else {
      r.unknownKey(e, '', ['defaults', 'policies'])
    }
  }
  if (r.problems.length > 0) {
    r.problems.sort((a, b) => a.line - b.line || a.col - b.col)
    return { ok: false, problems: r.problems }
  }
  return { ok: true, set: { defaults: mergeFields(BUILTIN_DEFAULTS, defaults), policies } }
}
