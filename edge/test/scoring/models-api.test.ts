// Operators run a candidate model in shadow beside the active one, compare them on the same
// confirmations, promote it or roll back, each one call, each in the audit log. A bad candidate is
// refused with a stable code and changes nothing.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { event, riskServer } from './harness.js'
import { cardFor, logisticModel, treeModel, writeModel } from './models.js'

const ADMIN = 'admin-token-0123456789'
const auth = { authorization: `Bearer ${ADMIN}` }

/** A candidate that thinks every shelf is riskier: the same trees, base margin -1 instead of -2. */
const bolder = (): Uint8Array => treeModel({ base: -1 })

t.test('a candidate scores in shadow, is compared on the same confirmations, promoted, rolled back; all audited', async (t) => {
  const h = await riskServer(t, { overrides: { adminToken: ADMIN } })
  const candidatePath = writeModel(h.dir, 'candidate', bolder(), cardFor(bolder(), { version: 'test-2' }))

  const refused = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', payload: { path: candidatePath } })
  t.equal(refused.statusCode, 401, 'operator routes need the admin token')

  const put = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', headers: auth, payload: { path: candidatePath } })
  t.equal(put.statusCode, 201, put.body)
  t.match(put.json().candidate, { version: 'test-2', kind: 'tree', origin: 'path', source: candidatePath, explained: true })
  await h.rescore()
  const [shadowed] = await h.itemRisk('FOODS_1_001')
  t.equal(shadowed.version, 'test-1', 'the active model still acts')
  t.equal(shadowed.candidate?.version, 'test-2')
  t.ok(shadowed.candidate!.score > shadowed.score, `the candidate's score is kept beside it: ${shadowed.score} vs ${shadowed.candidate!.score}`)

  // The store confirms: the shelf of FOODS_1_001 is counted empty, the others full.
  await h.post([
    event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 }),
    event('cycle_count', { sku: 'FOODS_1_002', location: 'A01-2', qty: 8 }),
    event('cycle_count', { sku: 'DAIRY_1_001', location: 'COOL-1', qty: 20 })
  ])
  const models = await h.models()
  t.match(models, { active: { version: 'test-1' }, candidate: { version: 'test-2' }, problem: null })
  t.equal(models.monitoring.comparison.active.n, 3, 'both judged on the same three confirmations')
  t.equal(models.monitoring.comparison.candidate.n, 3)
  t.equal(models.monitoring.comparison.active.empty, 1)

  const promote = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/promote', headers: { ...auth, 'x-edge-actor': 'cli' }, payload: { note: 'better on the pilot aisle' } })
  t.equal(promote.statusCode, 200, promote.body)
  t.match(promote.json(), { active: { version: 'test-2' }, previous: { version: 'test-1' } })
  await h.rescore()
  const [promoted] = await h.itemRisk('FOODS_1_001')
  t.match(promoted, { scorer: 'model', version: 'test-2', candidate: null })

  t.equal((await h.server.app.inject({ method: 'POST', url: '/api/v1/models/promote', headers: auth })).json().error.code, 'EDGE_ERR_MODEL_NO_CANDIDATE', 'nothing left to promote')

  const back = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/rollback', headers: auth })
  t.equal(back.statusCode, 200, back.body)
  t.match(back.json(), { active: { version: 'test-1' }, previous: { version: 'test-2' } })
  await h.rescore()
  t.equal((await h.itemRisk('FOODS_1_001'))[0].version, 'test-1')

  const after = await h.models()
  t.same(after.audit.map((a: { action: string, actor: string }) => `${a.action} by ${a.actor}`), [
    'model.rollback by admin', 'model.promote by cli', 'model.candidate by admin', 'model.activate by system'
  ], 'newest first')
  const promoted2 = after.audit.find((a: { action: string }) => a.action === 'model.promote')
  t.match(promoted2.detail, { note: 'better on the pilot aisle', from: { version: 'test-1' }, to: { version: 'test-2' }, comparison: { active: { n: 3 }, candidate: { n: 3 } } })
  t.same(after.history.map((r: { version: string, role: string }) => `${r.version}:${r.role}`), ['test-2:retired', 'test-1:active'])
})

t.test('an uploaded .onnx (card in a header) becomes the candidate; dropping it ends the shadow', async (t) => {
  const h = await riskServer(t)
  const bytes = logisticModel({ shelf_qty: -0.05, obs_gap: 3 }, -1)
  const card = Buffer.from(JSON.stringify(cardFor(bytes, { version: 'logit-1' }))).toString('base64')
  const up = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', headers: { 'content-type': 'application/octet-stream', 'x-model-card': card }, payload: Buffer.from(bytes) })
  t.equal(up.statusCode, 201, up.body)
  t.match(up.json().candidate, { version: 'logit-1', kind: 'logistic', origin: 'upload' })
  await h.rescore()
  t.equal((await h.itemRisk('DAIRY_1_001'))[0].candidate?.version, 'logit-1')
  const stored = up.json().candidate.storedAt as string
  t.same(readFileSync(stored), Buffer.from(bytes), 'the upload is kept in the data dir, for a later rollback')

  const drop = await h.server.app.inject({ method: 'DELETE', url: '/api/v1/models/candidate' })
  t.equal(drop.statusCode, 200)
  t.equal(drop.json().dropped.version, 'logit-1')
  await h.rescore()
  t.equal((await h.itemRisk('DAIRY_1_001'))[0].candidate, null)
  t.equal((await h.server.app.inject({ method: 'DELETE', url: '/api/v1/models/candidate' })).json().error.code, 'EDGE_ERR_MODEL_NO_CANDIDATE')
  const noCard = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) })
  t.equal(noCard.json().error.code, 'EDGE_ERR_MODEL_CARD', 'an upload without its card is refused')
})

t.test('a corrupt, truncated or mismatching candidate is refused with its code; the active model and any candidate stay', async (t) => {
  const h = await riskServer(t)
  const good = writeModel(h.dir, 'good', bolder(), cardFor(bolder(), { version: 'good-2' }))
  t.equal((await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', payload: { path: good } })).statusCode, 201)
  const full = treeModel()
  const cases: Array<[string, string, string]> = [
    ['truncated', writeModel(h.dir, 'truncated', full.subarray(0, 100), cardFor(full, { sha256: null })), 'EDGE_ERR_MODEL_INVALID'],
    ['wrong-shape', writeModel(h.dir, 'wrong-shape', treeModel({ inputShape: ['N', 10] })), 'EDGE_ERR_MODEL_CONTRACT'],
    ['missing', join(h.dir, 'nothing-here.onnx'), 'EDGE_ERR_MODEL_NOT_FOUND']
  ]
  for (const [name, path, code] of cases) {
    const res = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', payload: { path } })
    t.equal(res.json().error?.code, code, `${name}: ${res.json().error?.message}`)
  }
  const upload = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', headers: { 'content-type': 'application/octet-stream', 'x-model-card': JSON.stringify(cardFor(full)) }, payload: Buffer.from('garbage, not protobuf at all') })
  t.equal(upload.json().error?.code, 'EDGE_ERR_MODEL_CARD', 'the card names another file\'s sha256')
  const same = await h.server.app.inject({ method: 'POST', url: '/api/v1/models/candidate', payload: { path: h.modelPath } })
  t.equal(same.json().error?.code, 'EDGE_ERR_CONFLICT', 'the active model cannot be its own candidate')
  const m = await h.models()
  t.match(m, { active: { version: 'test-1' }, candidate: { version: 'good-2' } })
  await h.rescore()
  t.equal((await h.itemRisk('FOODS_1_001'))[0].scorer, 'model', 'scoring went on')
})
