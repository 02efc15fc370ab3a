import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { openDatabase, DB_FILE } from '../../src/store/db.js'
import { currentVersion, migrate } from '../../src/store/migrate.js'
import { migrations } from '../../src/store/migrations/index.js'
import { rmrf, tempDir } from '../helpers/server.js'

const now = (): string => '2026-11-26T10:00:00.000Z'

t.test('a new data dir is created at the latest schema version', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const db = openDatabase({ dataDir: join(dir, 'nested', 'data'), synchronous: 'FULL', log: silentLog(), now })
  t.equal(currentVersion(db), migrations.at(-1)!.version)
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  db.close()
})

t.test('an existing data dir is upgraded in place, keeping its data', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const first = openDatabase({ dataDir: dir, synchronous: 'FULL', log: silentLog(), now })
  first.prepare("INSERT INTO locations (id, kind, updated_at) VALUES ('A1', 'shelf', ?)").run(now())
  first.close()

  const db = new BetterSqlite3(join(dir, DB_FILE))
  // Versions may skip a number (branches add theirs in parallel): the next is the last one's + 1.
  const latest = migrations.at(-1)!.version
  const next = [...migrations, { version: latest + 1, name: 'location-aisle', sql: 'ALTER TABLE locations ADD COLUMN aisle TEXT' }]
  t.equal(migrate(db, next, silentLog(), now), latest + 1)
  t.same(db.prepare('SELECT id, kind, aisle FROM locations').all(), [{ id: 'A1', kind: 'shelf', aisle: null }])
  t.equal(migrate(db, next, silentLog(), now), latest + 1, 'running again changes nothing')
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, next.length)
  db.close()
})

t.test('a failing migration leaves the database at the previous version', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  openDatabase({ dataDir: dir, synchronous: 'FULL', log: silentLog(), now }).close()
  const db = new BetterSqlite3(join(dir, DB_FILE))
  const latest = migrations.at(-1)!.version
  const broken = [...migrations, { version: latest + 1, name: 'broken', sql: 'ALTER TABLE items ADD COLUMN x TEXT; ALTER TABLE nope ADD COLUMN y TEXT' }]
  t.throws(() => migrate(db, broken, silentLog(), now), { code: 'EDGE_ERR_MIGRATION_FAILED', message: new RegExp(`migration ${latest + 1} \\(broken\\)`) })
  t.equal(currentVersion(db), latest)
  t.notOk((db.prepare('PRAGMA table_info(items)').all() as Array<{ name: string }>).some((c) => c.name === 'x'), 'the half of it that ran was rolled back')
  db.close()
})

t.test('a database from a newer store-edge is refused, not guessed at', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const db = openDatabase({ dataDir: dir, synchronous: 'FULL', log: silentLog(), now })
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', ?)").run(now())
  db.close()
  t.throws(() => openDatabase({ dataDir: dir, synchronous: 'FULL', log: silentLog(), now }), { code: 'EDGE_ERR_MIGRATION_FAILED', message: /version 99 is newer/ })
})
