import t from 'tap'
import { ruleEvidence, ruleRisk } from '../../../edge/src/scoring/rules.js'
import { FEATURE_COUNT, FEATURE_INDEX as X, HORIZON_H } from '../../../edge/src/scoring/spec.js'

/** A well-stocked, selling shelf nobody worries about, with some fields changed. */
function shelf (changes: Partial<Record<keyof typeof X, number>> = {}): Float32Array {
  const v = new Float32Array(FEATURE_COUNT)
  v[X.shelf_qty] = 20
  v[X.cover_h] = 40 // hours
  v[X.silence_ratio] = 1
  v[X.price_ratio] = 1
  for (const [k, x] of Object.entries(changes)) v[X[k as keyof typeof X]] = x
  return v
}

t.test('a stocked shelf selling as expected is low risk: the prior only', async (t) => {
  t.ok(ruleRisk(shelf()) < 0.02, `${ruleRisk(shelf())}`)
  t.same(ruleEvidence(shelf()).map((e) => e.rule), ['prior'])
})

t.test('each piece of evidence raises the risk and is named', async (t) => {
  const base = ruleRisk(shelf())
  for (const [rule, v] of [
    ['record_empty', shelf({ shelf_qty: 0, cover_h: 0 })],
    ['low_cover', shelf({ cover_h: 2 })],
    ['camera_gap', shelf({ obs_gap: 1 })],
    ['silent_seller', shelf({ silence_ratio: 6 })]
  ] as const) {
    t.ok(ruleRisk(v) > base + 0.2, `${rule}: ${ruleRisk(v).toFixed(3)}`)
    t.ok(ruleEvidence(v).some((e) => e.rule === rule), `${rule} is in the evidence`)
  }
  t.ok(ruleRisk(shelf({ obs_gap: 1, cover_h: 2 })) > ruleRisk(shelf({ obs_gap: 1 })), 'pieces add up (noisy-OR)')
})

t.test('cover at the horizon gives half of the low-cover evidence', async (t) => {
  const atHorizon = ruleEvidence(shelf({ cover_h: HORIZON_H })).find((e) => e.rule === 'low_cover')
  t.ok(Math.abs((atHorizon?.p ?? 0) - 0.45) < 1e-12)
})

t.test('the risk is monotone: never lower for less cover or a longer silence', async (t) => {
  const violations: string[] = []
  for (let c = 0.25; c <= 200; c += 0.25) {
    if (ruleRisk(shelf({ cover_h: c })) > ruleRisk(shelf({ cover_h: c - 0.25 }))) violations.push(`cover ${c} h`)
  }
  for (let s = 0.25; s <= 100; s += 0.25) {
    if (ruleRisk(shelf({ silence_ratio: s })) < ruleRisk(shelf({ silence_ratio: s - 0.25 }))) violations.push(`silence ${s}`)
  }
  t.same(violations, [])
  t.ok(ruleRisk(shelf({ shelf_qty: -3 })) >= ruleRisk(shelf({ shelf_qty: 0 })))
})

t.test('it reads a vector at an offset (a row of a batch)', async (t) => {
  const batch = new Float32Array(2 * FEATURE_COUNT)
  batch.set(shelf(), 0)
  batch.set(shelf({ obs_gap: 1 }), FEATURE_COUNT)
  t.equal(ruleRisk(batch, FEATURE_COUNT), ruleRisk(shelf({ obs_gap: 1 })))
  t.ok(ruleRisk(shelf({ shelf_qty: 0, cover_h: 0, obs_gap: 1, silence_ratio: 100 })) < 1, 'a probability, below 1')
})
