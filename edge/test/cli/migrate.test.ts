// `store-edge migrate`: the upgrade script's step between the backup and the start.

import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { migrateCommand } from '../../src/cli/migrate.js'
import { silentLog } from '../../src/core/log.js'
import { DB_FILE, openConnection, openDatabase } from '../../src/store/db.js'
import { currentVersion, migrate } from '../../src/store/migrate.js'
import { migrations } from '../../src/store/migrations/index.js'
import { startTestServer } from '../helpers/server.js'
import { run, storeDir } from './run.js'

const now = (): string => '2026-11-26T10:00:00.000Z'
const latest = migrations.at(-1)!.version

/** A data dir as an older store-edge left it: migrations up to `upTo`, some master data. */
function olderDataDir (dataDir: string, upTo: number): void {
  mkdirSync(dataDir, { recursive: true })
  const db = openConnection(join(dataDir, DB_FILE), 'NORMAL')
  migrate(db, migrations.slice(0, upTo), silentLog(), now)
  db.prepare("INSERT INTO locations (id, kind, updated_at) VALUES ('A01-1', 'shelf', ?)").run(now())
  db.prepare("INSERT INTO items (sku, description, updated_at) VALUES ('FOODS_1_001', 'Oat flakes 500 g', ?)").run(now())
  db.close()
}

t.test('a database two versions old is brought up to date, its data kept', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  olderDataDir(dataDir, migrations.length - 2)
  const from = migrations.at(-3)!.version

  const res = await run('migrate', ...cfg)
  t.equal(res.code, 0, res.text)
  t.same(res.lines, [
    `${join(dataDir, DB_FILE)}: schema version ${from} -> ${latest}`,
    ...migrations.slice(-2).map((m) => `  applied ${m.version} ${m.name}`)
  ])
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  t.equal(currentVersion(db), latest)
  t.same(db.prepare('SELECT id, kind FROM locations').all(), [{ id: 'A01-1', kind: 'shelf' }])
  t.same(db.prepare('SELECT sku, description FROM items').all(), [{ sku: 'FOODS_1_001', description: 'Oat flakes 500 g' }])
  db.close()

  const again = await run('migrate', '--json', ...cfg)
  t.equal(again.code, 0)
  t.same(JSON.parse(again.lines[0]), { database: join(dataDir, DB_FILE), created: false, from: latest, to: latest, latest, applied: [] }, 'a second run has nothing to do')
})

t.test('--json says from, to and what was applied', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  olderDataDir(dataDir, migrations.length - 1)
  const res = await run('migrate', '--json', ...cfg)
  t.equal(res.code, 0, res.text)
  const m = migrations.at(-1)!
  t.match(JSON.parse(res.lines[0]), { from: migrations.at(-2)!.version, to: latest, latest, applied: [{ version: m.version, name: m.name }] })
})

t.test('a new data dir gets the whole schema', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const res = await run('migrate', '--json', ...cfg)
  t.equal(res.code, 0, res.text)
  t.match(JSON.parse(res.lines[0]), { created: true, from: 0, to: latest })
  t.equal(JSON.parse(res.lines[0]).applied.length, migrations.length)
  t.equal(JSON.parse(res.lines[0]).database, join(dataDir, DB_FILE))
})

t.test('a database from a newer store-edge is refused with exit 1 and left as it is', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now }).close()
  const raw = new BetterSqlite3(join(dataDir, DB_FILE))
  raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from-the-future', ?)").run(latest + 5, now())
  raw.close()
  const res = await run('migrate', ...cfg)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), new RegExp(`schema version ${latest + 5}, newer than this store-edge knows \\(${latest}\\).*\\[EDGE_ERR_MIGRATION_FAILED\\]`))
  const after = new BetterSqlite3(join(dataDir, DB_FILE), { readonly: true })
  t.equal((after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, latest + 5)
  after.close()
})

t.test('beside a running server: nothing to do is fine, pending migrations are refused (that server is older)', async (t) => {
  const { dataDir, cfg, configFile } = storeDir(t)
  await startTestServer(t, {}, { dataDir, masterData: false })
  const res = await run('migrate', ...cfg)
  t.equal(res.code, 0, res.text)
  t.match(res.lines[0], /up to date$/)

  const newer = [...migrations, { version: latest + 1, name: 'location-aisle', sql: 'ALTER TABLE locations ADD COLUMN aisle TEXT' }]
  const lines: string[] = []
  t.throws(() => migrateCommand({ config: configFile, json: false }, { line: (s) => { lines.push(s) }, error: (s) => { lines.push(s) } }, newer),
    { code: 'EDGE_ERR_DATA_DIR_IN_USE', message: /store-edge serve \(pid \d+.*stop it first/ })
  const db = new BetterSqlite3(join(dataDir, DB_FILE), { readonly: true })
  t.equal((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, latest, 'nothing was applied')
  db.close()
})

t.test('arguments after migrate are a usage error', async (t) => {
  const { cfg } = storeDir(t)
  const res = await run('migrate', 'now', ...cfg)
  t.equal(res.code, 2)
})
