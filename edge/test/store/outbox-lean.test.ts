// Migration 015 rebuilds the outbox without its event_id index: rows waiting are kept as they were,
// and seq goes on from where it was, also when every row had been acknowledged (a seq the relay
// holds for one event must never name another).

import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { DB_FILE, openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrate.js'
import { migrations } from '../../src/store/migrations/index.js'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { rmrf, tempDir } from '../helpers/server.js'

const now = (): string => '2026-11-27T10:00:00.000Z'
const before015 = migrations.filter((m) => m.version < 15)
const row = (id: string): Parameters<OutboxRows['add']>[0] => ({ eventId: id, type: 'receipt', sku: 'FOODS_1_001', payload: { id }, occurredAt: now() })

function at14 (t: { teardown: (fn: () => void) => void }): BetterSqlite3.Database {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const db = new BetterSqlite3(join(dir, DB_FILE))
  t.teardown(() => db.close())
  migrate(db, before015, silentLog(), now)
  return db
}

t.test('rows waiting survive the rebuild, in seq order, and new ones follow them', async (t) => {
  const db = at14(t)
  const rows = new OutboxRows(db, now)
  for (const id of ['a', 'b', 'c']) rows.add(row(id))
  rows.acknowledge(rows.nextOfLane('normal', 1)) // a is acknowledged: b and c wait
  migrate(db, migrations, silentLog(), now)
  t.same(rows.after(0, 10).map((r) => [r.seq, r.eventId]), [[2, 'b'], [3, 'c']])
  const fresh = new OutboxRows(db, now)
  fresh.add(row('d'))
  t.same(fresh.after(0, 10).map((r) => r.seq), [2, 3, 4])
  t.same(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index' AND name NOT LIKE 'sqlite_autoindex%'").pluck().all(), ['outbox_lane'])
  t.equal(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'outbox' AND name LIKE 'sqlite_autoindex%'").pluck().get(), 0, 'no unique index on event_id')
})

t.test('an outbox emptied by acknowledgements keeps counting from its last seq', async (t) => {
  const db = at14(t)
  const rows = new OutboxRows(db, now)
  for (const id of ['a', 'b', 'c', 'd', 'e']) rows.add(row(id))
  rows.acknowledge(rows.nextOfLane('normal', 10))
  t.equal(rows.after(0, 10).length, 0)
  migrate(db, migrations, silentLog(), now)
  const fresh = new OutboxRows(db, now)
  fresh.add(row('f'))
  t.same(fresh.after(0, 10).map((r) => r.seq), [6], 'seq 6, not 1')
  t.same(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().all(), [6], 'one sequence row')
})

t.test('a fresh data dir gets the lean outbox directly', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now })
  t.teardown(() => db.close())
  const rows = new OutboxRows(db, now)
  rows.add(row('x'))
  t.same(rows.after(0, 10).map((r) => r.seq), [1])
})
