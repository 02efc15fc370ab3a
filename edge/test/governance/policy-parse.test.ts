import t from 'tap'
import { formatProblems, parsePolicies } from '../../src/decisions/governance/policy-parse.js'
import { policyActor, resolvePolicy } from '../../src/decisions/governance/policy-resolve.js'
import { BUILTIN_DEFAULTS, BUILTIN_POLICIES_YAML } from '../../src/decisions/governance/policy-types.js'
import { GOOD_YAML } from './helpers.js'

function problemsOf (text: string): string[] {
  const r = parsePolicies(text)
  if (r.ok) throw new Error('expected problems, the set parsed')
  return formatProblems('policies.yaml', r.problems)
}

t.test('a good file parses: defaults merged over the built-in ones, one rule per entry with its line', async (t) => {
  const r = parsePolicies(GOOD_YAML)
  if (!r.ok) throw new Error(formatProblems('policies.yaml', r.problems).join('\n'))
  t.same(r.set.defaults, BUILTIN_DEFAULTS)
  t.same(r.set.policies.map((p) => [p.id, p.match, p.line]), [
    ['FOODS', { category: 'FOODS' }, 13],
    ['HOBBIES:neighborhood', { category: 'HOBBIES', storeFormat: 'neighborhood' }, 15],
    ['format:neighborhood', { storeFormat: 'neighborhood' }, 17]
  ], 'ids derived from the match')
  t.same(r.set.policies[1].overrides, { autoApprove: { maxValue: 150 } }, 'only what the entry sets')
})

t.test('a partial defaults section keeps the built-in value of every field it leaves out', async (t) => {
  const r = parsePolicies('defaults:\n  autoApprove:\n    maxValue: 90\n')
  t.ok(r.ok)
  if (r.ok) t.same(r.set.defaults, { ...BUILTIN_DEFAULTS, autoApprove: { ...BUILTIN_DEFAULTS.autoApprove, maxValue: 90 } })
})

t.test('the built-in policy text parses to the built-in defaults', async (t) => {
  const r = parsePolicies(BUILTIN_POLICIES_YAML)
  t.ok(r.ok)
  if (r.ok) t.same(r.set, { defaults: BUILTIN_DEFAULTS, policies: [] })
})

t.test('every problem of a file is reported at once, each with its line and path', async (t) => {
  const text = [
    'defaults:', //                                    1
    '  serviceLevel: 0.4', //                          2 out of range
    '  proposalTtlHours: "20"', //                     3 a string
    '  autoApprove:', //                               4
    '    minConfidence: 1.5', //                       5 out of range
    '    maxValu: 3', //                               6 unknown key
    '  fallback:', //                                  7
    '    salesStaleHours: -1', //                      8 out of range
    'colour: red', //                                  9 unknown top-level key
    'policies:', //                                    10
    '  - match: { category: FOODS }', //               11
    '    serviceLevel: 0.98', //                       12
    '  - match: { category: FOODS }', //               13 same match again
    '    serviceLevel: 0.97', //                       14
    '  - serviceLevel: 0.9', //                        15 no match
    '  - match: {}', //                                16 empty match
    '  - match: { category: HOBBIES, aisle: 3 }', //   17 unknown match key
    '    autoApprove: { maxValue: -5 }', //            18 negative threshold
    '    autoApprove: { maxValue: 10 }', //            19 duplicate key
    '  - match: { storeFormat: mall }', //             20
    '    serviceLevel: true', //                       21 wrong type
    ''
  ].join('\n')
  t.same(problemsOf(text), [
    'policies.yaml:2: defaults.serviceLevel: 0.4 is out of range: a probability above 0.5 and at most 0.9999',
    'policies.yaml:3: defaults.proposalTtlHours: expected a number (hours, above 0 and at most 720), got the string "20"',
    'policies.yaml:5: defaults.autoApprove.minConfidence: 1.5 is out of range: a confidence 0-1',
    'policies.yaml:6: defaults.autoApprove.maxValu: unknown key "maxValu"; known keys: minConfidence, maxValue, maxDeviationPct',
    'policies.yaml:8: defaults.fallback.salesStaleHours: -1 is out of range: hours, above 0 and at most 720',
    'policies.yaml:9: colour: unknown key "colour"; known keys: defaults, policies',
    'policies.yaml:13: policies[1].match: same match as policies[0] (line 11); each category and store format may have one policy',
    'policies.yaml:15: policies[2]: a policy needs a match: { category, storeFormat } (one or both)',
    'policies.yaml:16: policies[3].match: a match needs a category, a storeFormat or both',
    'policies.yaml:17: policies[4].match.aisle: unknown key "aisle"; known keys: category, storeFormat',
    'policies.yaml:18: policies[4].autoApprove.maxValue: -5 is out of range: an amount 0-1000000000 (store currency, at cost)',
    'policies.yaml:19: (yaml): key autoApprove appears twice in one mapping',
    'policies.yaml:21: policies[5].serviceLevel: expected a number (a probability above 0.5 and at most 0.9999), got true'
  ])
})

t.test('a YAML syntax error names its line', async (t) => {
  const problems = problemsOf('defaults:\n  serviceLevel: 0.9\n  autoApprove: [1, 2\npolicies: []\n')
  t.equal(problems.length, 1)
  t.match(problems[0], /^policies\.yaml:[34]: \(yaml\): /)
})

t.test('shapes that are not a policy file are refused', async (t) => {
  t.same(problemsOf(''), ['policies.yaml:1: (file): the file is empty: expected a mapping with defaults and/or policies'])
  t.same(problemsOf('- 1\n- 2\n'), ['policies.yaml:1: (file): expected a mapping, got a list'])
  t.same(problemsOf('policies:\n  match: { category: FOODS }\n'), ['policies.yaml:2: policies: expected a list of policies, got a mapping'])
  t.same(problemsOf('defaults: 3\n'), ['policies.yaml:1: defaults: expected a mapping, got 3'])
  t.same(problemsOf('defaults:\n  serviceLevel: .inf\n'), ['policies.yaml:2: defaults.serviceLevel: expected a number (a probability above 0.5 and at most 0.9999), got Infinity'])
})

t.test('policy ids: given ones must be names and unique; a derived one may not collide with a given one', async (t) => {
  t.same(problemsOf([
    'policies:',
    '  - id: food',
    '    match: { category: FOODS }',
    '  - id: food',
    '    match: { category: HOUSEHOLD }',
    '  - id: "two words"',
    '    match: { category: HOBBIES }',
    ''
  ].join('\n')), [
    'policies.yaml:4: policies[1].id: id "food" is already used by policies[0] (line 2)',
    'policies.yaml:6: policies[2].id: expected 1-64 letters, digits, _ . : or -, got the string "two words"'
  ])
  t.same(problemsOf('policies:\n  - id: FOODS\n    match: { category: HOUSEHOLD }\n  - match: { category: FOODS }\n'),
    ['policies.yaml:4: policies[1].id: id "FOODS" is already used by policies[0] (line 2)'])
})

t.test('the most specific matching policy wins, merged over the defaults', async (t) => {
  const r = parsePolicies(GOOD_YAML)
  if (!r.ok) throw new Error('GOOD_YAML must parse')
  const at = (c: string | null, f: string) => resolvePolicy(r.set, 7, c, f)

  const foods = at('FOODS', 'standard')
  t.equal(foods.policyId, 'FOODS')
  t.equal(foods.serviceLevel, 0.98, 'category over the defaults')
  t.same(foods.autoApprove, BUILTIN_DEFAULTS.autoApprove, 'unset fields come from the defaults')
  t.equal(foods.version, 7)
  t.equal(policyActor(foods), 'policy:FOODS@v7')

  const hobbiesNb = at('HOBBIES', 'neighborhood')
  t.equal(hobbiesNb.policyId, 'HOBBIES:neighborhood', 'category and format beats format alone')
  t.same(hobbiesNb.autoApprove, { ...BUILTIN_DEFAULTS.autoApprove, maxValue: 150 })
  t.equal(hobbiesNb.proposalTtlHours, 20, 'no cascade: the format entry\'s 8 h does not apply to the more specific entry')

  const foodsNb = at('FOODS', 'neighborhood')
  t.equal(foodsNb.policyId, 'FOODS', 'category beats format')

  const householdNb = at('HOUSEHOLD', 'neighborhood')
  t.equal(householdNb.policyId, 'format:neighborhood', 'format when no category entry matches')
  t.equal(householdNb.proposalTtlHours, 8)
  t.same(householdNb.fallback, { salesStaleHours: 3, countStaleDays: 60 })

  const none = at(null, 'standard')
  t.equal(none.policyId, 'defaults', 'no category and no format entry: the defaults')
  t.same({ ...none, policyId: undefined, version: undefined }, { ...BUILTIN_DEFAULTS, policyId: undefined, version: undefined })
  t.equal(at('HOBBIES', 'standard').policyId, 'defaults', 'HOBBIES only has an entry for neighborhood stores')
  t.equal(at('foods', 'standard').policyId, 'defaults', 'categories match exactly')
})
