import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { AuditLog, GENESIS_HASH, type AuditEntry } from '../../src/store/audit.js'
import { auditCsv, csvField } from '../../src/store/audit-csv.js'
import { DB_FILE } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrate.js'
import { migrations } from '../../src/store/migrations/index.js'
import { rmrf, tempDir } from '../helpers/server.js'
import { openGovernance } from './helpers.js'

const approved = (n: number, actor = 'ana'): AuditEntry => ({
  kind: 'proposal.approved', actor, subject: `proposal:${n}`, reason: 'looks right', inputs: { qty: n }, versions: { policy: 1, model: 'm-3' }
})

t.test('a row has who, when, why, inputs and versions (with the server\'s), chained to the one before', async (t) => {
  const g = openGovernance(t)
  const a = g.audit.append(approved(1))
  g.clock.advance(1000)
  const b = g.audit.append({ kind: 'proposal.recommended', actor: 'system', subject: 'proposal:2', inputs: { forecast: [1, 2] } })
  t.match(a, { id: 1, at: '2026-11-26T10:00:00.000Z', kind: 'proposal.approved', actor: 'ana', subject: 'proposal:1', reason: 'looks right', inputs: { qty: 1 }, versions: { policy: 1, model: 'm-3', server: '9.9.9-test' }, prevHash: GENESIS_HASH })
  t.match(b, { id: 2, at: '2026-11-26T10:00:01.000Z', reason: null, prevHash: a.hash })
  t.match(a.hash, /^[0-9a-f]{64}$/)
  t.same(g.audit.verify(), { ok: true, rows: 2, head: b.hash })
})

t.test('rows cannot be updated, deleted or inserted around the chain', async (t) => {
  const g = openGovernance(t)
  g.audit.append(approved(1))
  t.throws(() => g.db.prepare("UPDATE audit_log SET reason = 'nothing to see'").run(), /append-only/)
  t.throws(() => g.db.prepare("UPDATE audit_log SET hash = 'x'").run(), /append-only/, 'not even the hash of a sealed row')
  t.throws(() => g.db.prepare('DELETE FROM audit_log').run(), /append-only/)
  t.throws(() => g.db.prepare("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ('2026-01-01T00:00:00.000Z', 'mallory', 'proposal.approved', 'proposal:9', '{}')").run(), /appended with their hash/)
  t.match(g.audit.query({ limit: 10 }).rows, [{ id: 1, reason: 'looks right' }])
})

t.test('verify finds a row altered, or one removed, once the triggers are dropped outside the server', async (t) => {
  const g = openGovernance(t)
  for (let i = 1; i <= 5; i++) g.audit.append(approved(i))
  t.equal(g.audit.verify().ok, true)
  g.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete')

  g.db.prepare("UPDATE audit_log SET detail = '{\"qty\":500}' WHERE id = 3").run()
  t.match(g.audit.verify(), { ok: false, brokenAt: 3, problem: /altered/ })

  g.db.prepare("UPDATE audit_log SET detail = '{\"qty\":3}' WHERE id = 3").run()
  t.equal(g.audit.verify().ok, true, 'put back as it was, the chain holds again')

  g.db.prepare('DELETE FROM audit_log WHERE id = 2').run()
  t.match(g.audit.verify(), { ok: false, brokenAt: 3, problem: /prev_hash/ })
})

t.test('append runs inside the caller\'s transaction: a failed decision leaves no audit row', async (t) => {
  const g = openGovernance(t)
  g.db.exec('CREATE TABLE decisions (id INTEGER PRIMARY KEY, state TEXT NOT NULL)')
  const decide = g.db.transaction((id: number, fail: boolean) => {
    g.db.prepare("INSERT INTO decisions (id, state) VALUES (?, 'approved')").run(id)
    g.audit.append(approved(id))
    if (fail) throw new Error('outbox write failed')
  })
  decide(1, false)
  t.throws(() => decide(2, true), /outbox write failed/)
  decide(3, false)
  t.same(g.audit.query({ limit: 10, order: 'asc' }).rows.map((r) => r.subject), ['proposal:1', 'proposal:3'])
  t.same(g.db.prepare('SELECT id FROM decisions').all(), [{ id: 1 }, { id: 3 }])
  t.equal(g.audit.verify().ok, true, 'the rolled-back row left no gap in the chain')
})

t.test('query: filters by kind (or kind prefix), actor, subject and time, pages by id both ways', async (t) => {
  const g = openGovernance(t)
  for (let i = 1; i <= 7; i++) {
    g.audit.append(approved(i, i % 2 === 0 ? 'bob' : 'ana'))
    g.clock.advance(60_000)
  }
  g.audit.append({ kind: 'proposal.rejected', actor: 'bob', subject: 'proposal:8', reason: 'too many' })
  g.audit.append({ kind: 'policy.changed', actor: 'ana', subject: 'policies', reason: 'new thresholds' })
  g.audit.append({ kind: 'proposals.bulk', actor: 'ana', subject: null })

  const ids = (q: Parameters<typeof g.audit.query>[0]): number[] => g.audit.query(q).rows.map((r) => r.id)
  t.same(ids({ limit: 100 }), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 'newest first')
  t.same(ids({ limit: 100, kind: 'proposal.*' }), [8, 7, 6, 5, 4, 3, 2, 1], 'a prefix takes proposal.x, not proposals.x')
  t.same(ids({ limit: 100, kind: 'policy.changed' }), [9])
  t.same(ids({ limit: 100, actor: 'bob' }), [8, 6, 4, 2])
  t.same(ids({ limit: 100, subject: 'proposal:3' }), [3])
  t.same(ids({ limit: 100, from: '2026-11-26T10:02:00.000Z', to: '2026-11-26T10:04:00.000Z' }), [4, 3], 'from inclusive, to exclusive')
  t.same(ids({ limit: 100, actor: 'ana', kind: 'proposal.*', order: 'asc' }), [1, 3, 5, 7])

  const seen: number[] = []
  let after: number | undefined
  let pages = 0
  for (;;) {
    const page = g.audit.query({ limit: 3, after, kind: 'proposal.*' })
    seen.push(...page.rows.map((r) => r.id))
    pages++
    if (page.next === null) break
    after = page.next
  }
  t.same(seen, [8, 7, 6, 5, 4, 3, 2, 1], 'pages of 3 cover the selection once')
  t.equal(pages, 3)
  t.same([...g.audit.all({ order: 'asc' }, 4)].map((p) => p.length), [4, 4, 2], 'all() reads page by page')
})

t.test('CSV: RFC 4180 quoting of commas, quotes and line breaks, JSON columns as JSON text, null as empty', async (t) => {
  t.equal(csvField('plain'), 'plain')
  t.equal(csvField('a,b'), '"a,b"')
  t.equal(csvField('say "no"'), '"say ""no"""')
  t.equal(csvField('two\nlines'), '"two\nlines"')
  t.equal(csvField('cr\r'), '"cr\r"')
  t.equal(csvField(null), '')
  t.equal(csvField(42), '42')

  const g = openGovernance(t)
  g.audit.append({ kind: 'proposal.rejected', actor: 'O\'Brien, Pat', subject: 'proposal:1', reason: 'said "too much",\nsee note', inputs: { note: 'a,b' }, versions: { model: 'm"1' } })
  const csv = [...auditCsv(g.audit.all({ order: 'asc' }))].join('')
  const [header, row, end] = csv.split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/)
  t.equal(header, 'id,at,kind,actor,subject,reason,inputs,versions,prev_hash,hash')
  const r = g.audit.query({ limit: 1 }).rows[0]
  t.equal(row, `1,2026-11-26T10:00:00.000Z,proposal.rejected,"O'Brien, Pat",proposal:1,"said ""too much"",\nsee note","{""note"":""a,b""}","{""model"":""m\\""1"",""server"":""9.9.9-test""}",${GENESIS_HASH},${r.hash}`)
  t.equal(end, '', 'every line ends in CRLF')
})

t.test('rows written before the chain (migration 004\'s writers) are sealed into it, in order', async (t) => {
  const dir = tempDir('store-edge-gov-')
  t.teardown(() => rmrf(dir))
  const now = (): string => '2026-11-26T10:00:00.000Z'
  const db = new BetterSqlite3(join(dir, DB_FILE))
  t.teardown(() => db.close())
  migrate(db, migrations.filter((m) => m.version < 10), silentLog(), now)
  const legacy = db.prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
  legacy.run(now(), 'admin', 'model.promote', 'model:abc', '{"note":"better AUC"}')
  legacy.run(now(), 'system', 'task.release_stale', 'task:4', '{}')
  migrate(db, migrations, silentLog(), now)

  const audit = new AuditLog(db, now, 'test')
  t.match(audit.verify(), { ok: false, brokenAt: 1, problem: /not sealed/ })
  t.equal(audit.seal(), 2)
  t.equal(audit.seal(), 0, 'once')
  const next = audit.append(approved(1))
  t.same(audit.verify(), { ok: true, rows: 3, head: next.hash })
  t.match(audit.query({ limit: 10, order: 'asc' }).rows, [
    { id: 1, kind: 'model.promote', actor: 'admin', inputs: { note: 'better AUC' }, prevHash: GENESIS_HASH },
    { id: 2, kind: 'task.release_stale' },
    { id: 3, kind: 'proposal.approved' }
  ])
  t.throws(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE id = 1").run(), /append-only/, 'sealed rows are closed for good')
})
