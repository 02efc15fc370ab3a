import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer, tempDir, rmrf } from '../helpers/server.js'
import type { ApiError } from '../http/api.js'
import { GOOD_YAML } from './helpers.js'

const ADMIN = 'admin-token-0123456789'
const auth = { authorization: `Bearer ${ADMIN}` }

t.test('PUT then GET policies: YAML or JSON, who and why required, every problem of a bad set with its line', async (t) => {
  const server = await startTestServer(t, { adminToken: ADMIN, storeFormat: 'neighborhood' }, { masterData: false })
  const app = server.app

  const start = await app.inject({ url: '/api/v1/policies', headers: auth })
  t.equal(start.statusCode, 200)
  t.match(start.json(), { version: 0, source: 'builtin', storeFormat: 'neighborhood', defaults: { serviceLevel: 0.95 }, policies: [] })

  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/policies', payload: { yaml: GOOD_YAML, by: 'ana', reason: 'x' } })).statusCode, 401, 'admin only')

  const noWhy = await app.inject({ method: 'PUT', url: '/api/v1/policies?by=ana', headers: { ...auth, 'content-type': 'text/yaml' }, payload: GOOD_YAML })
  t.equal(noWhy.statusCode, 400)
  t.equal(noWhy.json<ApiError>().error.code, 'EDGE_ERR_VALIDATION')

  const put = await app.inject({ method: 'PUT', url: '/api/v1/policies?by=ana&reason=first%20set', headers: { ...auth, 'content-type': 'text/yaml' }, payload: GOOD_YAML })
  t.equal(put.statusCode, 201)
  t.match(put.json(), { changed: true, current: { version: 1, actor: 'ana', reason: 'first set', source: 'api' } })

  const bad = GOOD_YAML.replace('minConfidence: 0.6', 'minConfidence: high').replace('- match: { category: FOODS }', '- match: { category: FOODS, shelf: 3 }')
  const refused = await app.inject({ method: 'PUT', url: '/api/v1/policies', headers: auth, payload: { yaml: bad, by: 'bob', reason: 'try' } })
  t.equal(refused.statusCode, 422)
  const e = refused.json<ApiError>().error
  t.equal(e.code, 'EDGE_ERR_POLICY_INVALID')
  t.match(e.message, /body:6: defaults\.autoApprove\.minConfidence: expected a number/)
  t.match(e.message, /body:13: policies\[0\]\.match\.shelf: unknown key "shelf"/)
  t.same((e.details as { problems: Array<{ line: number, path: string }> }).problems.map((p) => [p.line, p.path]),
    [[6, 'defaults.autoApprove.minConfidence'], [13, 'policies[0].match.shelf']])

  const json = await app.inject({ method: 'PUT', url: '/api/v1/policies', headers: auth, payload: { yaml: GOOD_YAML.replace('maxValue: 400', 'maxValue: 250'), by: 'bob', reason: 'smaller orders without sign-off' } })
  t.equal(json.statusCode, 201)
  const same = await app.inject({ method: 'PUT', url: '/api/v1/policies', headers: auth, payload: { yaml: GOOD_YAML.replace('maxValue: 400', 'maxValue: 250'), by: 'bob', reason: 'again' } })
  t.equal(same.statusCode, 200)
  t.equal(same.json<{ changed: boolean }>().changed, false)

  const current = (await app.inject({ url: '/api/v1/policies', headers: auth })).json<{ version: number, yaml: string, defaults: { autoApprove: { maxValue: number } }, policies: Array<{ id: string, line: number }> }>()
  t.equal(current.version, 2)
  t.equal(current.defaults.autoApprove.maxValue, 250)
  t.match(current.yaml, /maxValue: 250/)
  t.same(current.policies.map((p) => [p.id, p.line]), [['FOODS', 13], ['HOBBIES:neighborhood', 15], ['format:neighborhood', 17]])

  const versions = (await app.inject({ url: '/api/v1/policies/versions', headers: auth })).json<{ versions: Array<{ version: number, actor: string }> }>()
  t.same(versions.versions.map((v) => [v.version, v.actor]), [[2, 'bob'], [1, 'ana']])
  t.match((await app.inject({ url: '/api/v1/policies/versions/1', headers: auth })).json(), { version: 1, yaml: GOOD_YAML })
  t.equal((await app.inject({ url: '/api/v1/policies/versions/9', headers: auth })).statusCode, 404)

  const resolve = async (qs: string): Promise<Record<string, unknown>> => (await app.inject({ url: `/api/v1/policies/resolve${qs}`, headers: auth })).json()
  t.match(await resolve('?category=HOBBIES'), { policyId: 'HOBBIES:neighborhood', version: 2, autoApprove: { maxValue: 150, minConfidence: 0.6 } }, 'this store\'s format by default')
  t.match(await resolve('?category=HOBBIES&storeFormat=standard'), { policyId: 'defaults', autoApprove: { maxValue: 250 } })
  t.match(await resolve('?category=FOODS&storeFormat=standard'), { policyId: 'FOODS', serviceLevel: 0.98 })
  t.match(await resolve(''), { policyId: 'format:neighborhood', proposalTtlHours: 8 })

  const audit = (await app.inject({ url: '/api/v1/audit?kind=policy.changed', headers: auth })).json<{ entries: Array<{ actor: string, reason: string, subject: string }> }>()
  t.same(audit.entries.map((a) => [a.actor, a.subject, a.reason]), [['bob', 'policies', 'smaller orders without sign-off'], ['ana', 'policies', 'first set']], 'each change audited; the refused one and the no-op not')
})

t.test('GET /api/v1/audit: cursor pages, filters, CSV by format or Accept, verify', async (t) => {
  const server = await startTestServer(t, { adminToken: ADMIN }, { masterData: false })
  const app = server.app
  for (let i = 1; i <= 5; i++) server.audit.append({ kind: 'proposal.approved', actor: 'ana', subject: `proposal:${i}`, reason: `ok, "fine"\nline ${i}`, inputs: { qty: i } })

  t.equal((await app.inject({ url: '/api/v1/audit' })).statusCode, 401, 'admin only')
  const first = (await app.inject({ url: '/api/v1/audit?limit=2&kind=proposal.*', headers: auth })).json<{ entries: Array<{ subject: string }>, next: string }>()
  t.same(first.entries.map((e) => e.subject), ['proposal:5', 'proposal:4'])
  const second = (await app.inject({ url: `/api/v1/audit?limit=2&kind=proposal.*&after=${first.next}`, headers: auth })).json<{ entries: Array<{ subject: string }>, next: string | null }>()
  t.same(second.entries.map((e) => e.subject), ['proposal:3', 'proposal:2'])
  const bad = await app.inject({ url: '/api/v1/audit?after=nonsense', headers: auth })
  t.equal(bad.json<ApiError>().error.code, 'EDGE_ERR_BAD_CURSOR')
  t.equal((await app.inject({ url: '/api/v1/audit?from=yesterday', headers: auth })).statusCode, 400)

  const csv = await app.inject({ url: '/api/v1/audit?format=csv&order=asc&subject=proposal:2', headers: auth })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="audit-store-1-.*\.csv"/)
  const lines = csv.body.split('\r\n')
  t.equal(lines[0], 'id,at,kind,actor,subject,reason,inputs,versions,prev_hash,hash')
  t.match(lines[1], /^\d+,[^,]+,proposal\.approved,ana,proposal:2,"ok, ""fine""\nline 2","{""qty"":2}","{""server"":""[^"]+""}",[0-9a-f]{64},[0-9a-f]{64}$/)
  t.equal(lines.length, 3, 'header, one row, the final CRLF')

  const byAccept = await app.inject({ url: '/api/v1/audit?kind=proposal.*', headers: { ...auth, accept: 'text/csv' } })
  t.match(byAccept.headers['content-type'], /^text\/csv/)
  t.equal(byAccept.body.split('\r\n').filter((l) => /^\d+,/.test(l)).length, 5, 'the whole selection, not a page')

  // The model registry's start-up activation is in the same chain, before the five.
  const models = server.audit.query({ limit: 10, kind: 'model.*' }).rows
  t.ok(models.length >= 1, 'the model registry writes through the chain')
  t.match((await app.inject({ url: '/api/v1/audit/verify', headers: auth })).json(), { ok: true, rows: 5 + models.length })
})

t.test('start-up: a broken policies file stops it naming file and line; a good one is version 1, read once', async (t) => {
  const dir = tempDir('store-edge-gov-')
  t.teardown(() => rmrf(dir))
  const file = join(dir, 'policies.yaml')
  writeFileSync(file, 'defaults:\n  serviceLevel: 0.95\npolicies:\n  - match: { category: FOODS }\n    serviceLevel: 2\n')
  await t.rejects(startTestServer(t, { policiesFile: file }, { dataDir: dir, masterData: false }),
    { code: 'EDGE_ERR_POLICY_INVALID', message: new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: policies\\[0\\]\\.serviceLevel: 2 is out of range`) })

  writeFileSync(file, GOOD_YAML)
  const server = await startTestServer(t, {}, { dataDir: dir, masterData: false })
  t.match(server.policies.current(), { version: 1, actor: `file:${file}`, source: 'file' }, '<dataDir>/policies.yaml is read when policiesFile is empty')
  await server.close()
  const again = await startTestServer(t, {}, { dataDir: dir, masterData: false })
  t.equal(again.policies.versions().length, 1, 'the same file again: no new version')
  t.equal(again.audit.query({ limit: 10, kind: 'policy.changed' }).rows.length, 1)
})
