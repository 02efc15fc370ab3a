// Which policy applies to a category in a store format: the most specific matching entry wins
// (category and store format > category > store format > the defaults), its fields merged over the
// set's defaults. Entries do not cascade: a category-and-format entry starts from the defaults, not
// from the category's entry, so what applies can be read off one entry and the defaults.

import { mergeFields } from './policy-parse.js'
import type { EffectivePolicy, PolicyRule, PolicySet } from './policy-types.js'

/** 3: category and format, 2: category, 1: format; 0: no match. */
function rank (rule: PolicyRule, category: string | null, storeFormat: string): number {
  const { category: c, storeFormat: f } = rule.match
  if (c !== undefined && c !== category) return 0
  if (f !== undefined && f !== storeFormat) return 0
  return (c !== undefined ? 2 : 0) + (f !== undefined ? 1 : 0)
}

export function resolvePolicy (set: PolicySet, version: number, category: string | null, storeFormat: string): EffectivePolicy {
  let best: PolicyRule | undefined
  let bestRank = 0
  for (const rule of set.policies) {
    const r = rank(rule, category, storeFormat)
    if (r > bestRank) { best = rule; bestRank = r }
  }
  const fields = best === undefined ? set.defaults : mergeFields(set.defaults, best.overrides)
  return { policyId: best?.id ?? 'defaults', version, ...fields }
}

/** The audit log's actor for a decision a policy made: 'policy:<id>@v<n>'. */
export function policyActor (p: Pick<EffectivePolicy, 'policyId' | 'version'>): string {
  return `policy:${p.policyId}@v${p.version}`
}
