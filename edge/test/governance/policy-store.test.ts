import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUILTIN_DEFAULTS } from '../../src/decisions/governance/policy-types.js'
import { sha256Hex } from '../../src/decisions/governance/policy-store.js'
import type { EdgeError } from '../../src/core/errors.js'
import { GOOD_YAML, openGovernance } from './helpers.js'

const count = (g: ReturnType<typeof openGovernance>, table: string): number =>
  (g.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

t.test('before any version the built-in defaults are in force, as version 0', async (t) => {
  const g = openGovernance(t)
  const c = g.policies.current()
  t.equal(c.version, 0)
  t.equal(c.source, 'builtin')
  t.same(g.policies.resolve('FOODS'), { policyId: 'defaults', version: 0, ...BUILTIN_DEFAULTS })
  t.same(g.policies.versions(), [])
})

t.test('an accepted set is a new version with who, why and when, and its audit row', async (t) => {
  const g = openGovernance(t, 'neighborhood')
  const res = g.policies.put(GOOD_YAML, 'ana.manager', 'tighter hobbies in small stores')
  t.equal(res.changed, true)
  t.match(res.current, { version: 1, sha256: sha256Hex(GOOD_YAML), actor: 'ana.manager', reason: 'tighter hobbies in small stores', source: 'api', createdAt: '2026-11-26T10:00:00.000Z' })
  t.equal(g.policies.resolve('HOBBIES').policyId, 'HOBBIES:neighborhood', 'resolve uses this store\'s format by default')
  t.equal(g.policies.resolve('HOBBIES', 'standard').policyId, 'defaults')
  t.equal(g.policies.version(1)?.yaml, GOOD_YAML, 'the text is kept as given')

  const rows = g.audit.query({ limit: 10 }).rows
  t.equal(rows.length, 1)
  t.match(rows[0], {
    kind: 'policy.changed',
    actor: 'ana.manager',
    subject: 'policies',
    reason: 'tighter hobbies in small stores',
    inputs: { version: 1, sha256: sha256Hex(GOOD_YAML), source: 'api', previous: { version: 0 } },
    versions: { policy: 1, server: '9.9.9-test' }
  })

  g.clock.advance(60_000)
  const same = g.policies.put(GOOD_YAML, 'bob', 'again')
  t.equal(same.changed, false, 'the text in force again: no new version')
  t.equal(count(g, 'policy_versions'), 1)
  t.equal(count(g, 'audit_log'), 1, 'and no audit row')

  g.policies.put(GOOD_YAML.replace('serviceLevel: 0.98', 'serviceLevel: 0.99'), 'bob', 'fresh food matters more')
  t.same(g.policies.versions().map((v) => [v.version, v.actor]), [[2, 'bob'], [1, 'ana.manager']], 'newest first')
  t.equal(g.policies.resolve('FOODS').serviceLevel, 0.99)
  t.equal(g.reopen().current().version, 2, 'a restart finds the highest version in force')
})

t.test('a bad set is refused whole: no version, no audit row, the set before stays in force', async (t) => {
  const g = openGovernance(t)
  g.policies.put(GOOD_YAML, 'ana', 'first')
  const bad = GOOD_YAML.replace('serviceLevel: 0.98', 'serviceLevel: 1.5').replace('maxValue: 150', 'maxValue: lots')
  let err: EdgeError | undefined
  try { g.policies.put(bad, 'ana', 'oops') } catch (e) { err = e as EdgeError }
  t.equal(err?.code, 'EDGE_ERR_POLICY_INVALID')
  t.equal(err?.statusCode, 422)
  t.match(err?.message, /body:14: policies\[0\]\.serviceLevel: 1\.5 is out of range/)
  t.match(err?.message, /body:16: policies\[1\]\.autoApprove\.maxValue: expected a number/)
  t.same((err?.details as { problems: Array<{ line: number }> }).problems.map((p) => p.line), [14, 16])
  t.equal(count(g, 'policy_versions'), 1)
  t.equal(count(g, 'audit_log'), 1)
  t.equal(g.policies.current().version, 1)
  t.equal(g.policies.resolve('FOODS').serviceLevel, 0.98, 'the good part of the bad set did not apply either')
})

t.test('the policies file: read at start, a new version only when it changes, an API change kept over an unchanged file', async (t) => {
  const g = openGovernance(t)
  const file = join(g.dir, 'policies.yaml')
  t.equal(g.policies.loadFile('', g.dir), null, 'no file in the data dir: nothing to read')

  writeFileSync(file, GOOD_YAML)
  const first = g.policies.loadFile('', g.dir)
  t.match(first, { changed: true, current: { version: 1, actor: `file:${file}`, source: 'file', reason: 'policies file read at start' } })
  t.match(g.audit.query({ limit: 1 }).rows[0], { kind: 'policy.changed', actor: `file:${file}` })

  const again = g.reopen()
  t.match(again.loadFile('', g.dir), { changed: false, current: { version: 1 } }, 'unchanged file: no new version')

  again.put(GOOD_YAML.replace('maxValue: 400', 'maxValue: 500'), 'ana', 'bigger orders without sign-off')
  const restarted = g.reopen()
  restarted.loadFile(file, g.dir)
  t.equal(restarted.current().actor, 'ana', 'the file did not change, so the API\'s version stays in force')

  writeFileSync(file, GOOD_YAML.replace('maxValue: 400', 'maxValue: 300'))
  const changed = g.reopen()
  t.match(changed.loadFile(file, g.dir), { changed: true, current: { version: 3, reason: 'policies file changed' } })
  t.equal(changed.resolve(null).autoApprove.maxValue, 300)
})

t.test('a broken policies file is refused naming the file and the line; a configured file that is missing too', async (t) => {
  const g = openGovernance(t)
  const file = join(g.dir, 'policies.yaml')
  writeFileSync(file, 'defaults:\n  serviceLevel: 0.95\n  autoApprov:\n    maxValue: 3\n')
  t.throws(() => g.policies.loadFile('', g.dir), { code: 'EDGE_ERR_POLICY_INVALID', message: new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: defaults\\.autoApprov: unknown key`) })
  t.equal(count(g, 'policy_versions'), 0)
  t.throws(() => g.policies.loadFile(join(g.dir, 'nope.yaml'), g.dir), { code: 'EDGE_ERR_CONFIG_FILE', message: /nope\.yaml.*policiesFile/ })
})

t.test('stored versions cannot be edited or deleted', async (t) => {
  const g = openGovernance(t)
  g.policies.put(GOOD_YAML, 'ana', 'first')
  t.throws(() => g.db.prepare("UPDATE policy_versions SET actor = 'mallory'").run(), /append-only/)
  t.throws(() => g.db.prepare('DELETE FROM policy_versions').run(), /append-only/)
  t.equal(g.policies.version(1)?.actor, 'ana')
})
