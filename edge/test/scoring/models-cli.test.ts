// `store-edge models`: an operator at the store box's shell sees the models of the running server
// and promotes or rolls back with one command, audited as "cli".

import t from 'tap'
import { run, storeDir } from '../cli/run.js'
import { riskServer } from './harness.js'
import { cardFor, treeModel, writeModel } from './models.js'

const ADMIN = 'admin-token-0123456789'

t.test('status, candidate, promote with a note, rollback: one command each, audited as cli', async (t) => {
  const h = await riskServer(t, { overrides: { adminToken: ADMIN } })
  const { cfg } = storeDir(t, { adminToken: ADMIN })
  const url = ['--url', h.server.url('')]
  const status = await run('models', ...url, ...cfg)
  t.equal(status.code, 0, status.text)
  t.match(status.lines[0], /^active: test-1 \(tree, sha256 [0-9a-f]{12}, config\)$/)
  t.equal(status.lines[1], 'candidate: none')
  t.match(status.text, /scores: model 3, rules 0/)

  const bytes = treeModel({ base: -1 })
  const path = writeModel(h.dir, 'next', bytes, cardFor(bytes, { version: 'test-2' }))
  const cand = await run('models', 'candidate', path, ...url, ...cfg)
  t.equal(cand.code, 0, cand.text)
  t.match(cand.lines[0], /^candidate: test-2 \(tree, sha256 [0-9a-f]{12}, path\)$/)

  const promoted = await run('models', 'promote', '--note', 'pilot aisle', ...url, ...cfg)
  t.equal(promoted.code, 0, promoted.text)
  t.match(promoted.lines, [/^active: test-2 /, /^previous: test-1 /])
  const none = await run('models', 'promote', ...url, ...cfg)
  t.equal(none.code, 1)
  t.match(none.errors[0], /no candidate model to promote.*\[EDGE_ERR_MODEL_NO_CANDIDATE\]/)

  t.equal((await run('models', 'rollback', ...url, ...cfg)).code, 0)
  const audit = h.server.db.prepare("SELECT actor, action, json_extract(detail, '$.note') AS note FROM audit_log WHERE actor = 'cli' ORDER BY id").all()
  t.same(audit, [
    { actor: 'cli', action: 'model.candidate', note: null },
    { actor: 'cli', action: 'model.promote', note: 'pilot aisle' },
    { actor: 'cli', action: 'model.rollback', note: null }
  ])

  const json = JSON.parse((await run('models', 'status', '--json', ...url, ...cfg)).lines[0])
  t.match(json, { active: { version: 'test-1' }, candidate: null })
})

t.test('without the admin token the server refuses; with no server the CLI says where it looked', async (t) => {
  const h = await riskServer(t, { overrides: { adminToken: ADMIN } })
  const { cfg } = storeDir(t)
  const refused = await run('models', 'drop', '--url', h.server.url(''), ...cfg)
  t.equal(refused.code, 1)
  t.match(refused.errors[0], /\[EDGE_ERR_UNAUTHORIZED\]/)
  const nobody = await run('models', '--url', 'http://127.0.0.1:9', ...cfg)
  t.equal(nobody.code, 1)
  t.match(nobody.errors[0], /cannot reach the store server at http:\/\/127\.0\.0\.1:9/)
  t.equal((await run('models', 'candidate', ...cfg)).code, 2, 'candidate needs a file')
})
