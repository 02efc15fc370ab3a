// `store-edge restore FILE [--yes]`: only with the server stopped, only a sound store-edge database
// this program can read, only when asked explicitly; the replaced database is kept.

import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync, openSync, writeSync, closeSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { restoreCommand } from '../../src/cli/restore.js'
import { silentLog } from '../../src/core/log.js'
import { DB_FILE, openDatabase } from '../../src/store/db.js'
import { DeviceRegistry } from '../../src/store/devices.js'
import { migrations } from '../../src/store/migrations/index.js'
import { cliArgs } from '../helpers/child.js'
import { startTestServer, waitFor } from '../helpers/server.js'
import { liveStore } from './live-store.js'
import { run, storeDir } from './run.js'

const latest = migrations.at(-1)!.version
const now = (): string => new Date().toISOString()

/** A data dir whose database has devices `ids`, and a backup of it; returns the backup's path. */
async function storeWithBackup (dataDir: string, cfg: string[], ids: string[]): Promise<string> {
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  const reg = new DeviceRegistry(db, now)
  for (const id of ids) reg.add(id, 'handheld-scanner-app')
  db.close()
  const res = await run('backup', ...cfg)
  if (res.code !== 0) throw new Error(res.text)
  return res.lines[0]
}

function devicesIn (file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true })
  try {
    return (db.prepare('SELECT id FROM devices ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id)
  } finally {
    db.close()
  }
}

/** The database's files in the data dir: store.db, its -wal and -shm, kept and staged copies. */
function dataFiles (dataDir: string): string[] {
  return readdirSync(dataDir).filter((n) => n.startsWith(DB_FILE) || n.startsWith(`.${DB_FILE}`)).sort()
}

t.test('refused while the server runs on the data dir, naming it; nothing changes', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const server = await startTestServer(t, {}, { dataDir, masterData: false })
  server.addDevice('hh-2', 'handheld-scanner-app')
  const before = dataFiles(dataDir)
  const res = await run('restore', backup, '--yes', ...cfg)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), new RegExp(`^store-edge: store-edge serve \\(pid ${process.pid} on .+\\) is using the data dir ${dataDir}; stop it first \\(systemctl stop store-edge\\) \\[EDGE_ERR_DATA_DIR_IN_USE\\]$`))
  t.same(dataFiles(dataDir), before, 'no file added or moved')
  t.same(server.registry.list().map((d) => d.id).sort(), ['hh-1', 'hh-2'], 'the running server\'s data is untouched')
})

t.test('with the server stopped: the data as of the backup, the replaced database kept with everything it had', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const live = await liveStore(t, dataDir, 2)
  await waitFor(() => live.acked.size >= 500, 30_000, '500 counts')
  const backup = (await run('backup', ...cfg)).lines[0]
  const inBackup = new BetterSqlite3(backup, { readonly: true })
  const backupEvents = (inBackup.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n
  inBackup.close()
  await waitFor(() => live.acked.size >= backupEvents + 300, 30_000, '300 more counts after the backup')
  live.stop()
  const acked = new Set(live.acked)
  // A power cut: the server leaves its -wal and -shm behind.
  live.child.proc.kill('SIGKILL')
  await live.child.exited
  t.ok(existsSync(join(dataDir, `${DB_FILE}-wal`)), 'a -wal is left beside store.db')

  const res = await run('restore', backup, '--yes', ...cfg)
  t.equal(res.code, 0, res.text)
  const kept = /^the replaced database is kept as (.+)$/.exec(res.lines[1])![1]
  t.match(kept, new RegExp(`^${join(dataDir, DB_FILE)}\\.pre-restore-\\d{8}T\\d{6}Z$`))
  t.same(dataFiles(dataDir), [DB_FILE, kept.slice(dataDir.length + 1)].sort(), 'store.db and the kept one; no -wal of the old database beside the new one')

  const restored = new BetterSqlite3(join(dataDir, DB_FILE), { readonly: true })
  t.same(restored.pragma('integrity_check'), [{ integrity_check: 'ok' }])
  t.equal((restored.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, backupEvents, 'the events as of the backup')
  restored.close()
  const old = new BetterSqlite3(kept, { readonly: true })
  const oldIds = new Set((old.prepare("SELECT device_id || '/' || event_id AS k FROM events").all() as Array<{ k: string }>).map((r) => r.k))
  old.close()
  t.same([...acked].filter((k) => !oldIds.has(k)), [], `the kept database alone holds all ${acked.size} acknowledged counts, those in its WAL included`)

  // The server starts on the restored data.
  const server = await startTestServer(t, {}, { dataDir, masterData: false })
  t.equal(server.db.prepare('SELECT COUNT(*) AS n FROM events').pluck().get(), backupEvents)
})

t.test('into a data dir without a database: nothing to keep', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  unlinkSync(join(dataDir, DB_FILE))
  writeFileSync(join(dataDir, `.${DB_FILE}.restore-99999`), 'what a restore that died left')
  const res = await run('restore', backup, '--yes', '--json', ...cfg)
  t.equal(res.code, 0, res.text)
  t.match(JSON.parse(res.lines[0]), { restored: backup, database: join(dataDir, DB_FILE), schemaVersion: latest, keptAs: null })
  t.same(dataFiles(dataDir), [DB_FILE], 'a staged copy a dead restore left is gone too')
  t.same(devicesIn(join(dataDir, DB_FILE)), ['hh-1'])
})

t.test('a file that is not SQLite, or fails integrity_check, is refused and nothing changes', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const before = dataFiles(dataDir)

  const text = join(dir, 'notes.db')
  writeFileSync(text, 'these are not the pages you are looking for\n')
  const notSqlite = await run('restore', text, '--yes', ...cfg)
  t.equal(notSqlite.code, 1)
  t.match(notSqlite.errors.join('\n'), `${text} is not an SQLite database [EDGE_ERR_RESTORE_INVALID]`)

  // Clobber pages in the middle of a real backup (its sidecar gone, which would catch it first).
  unlinkSync(`${backup}.json`)
  const pageSize = 4096
  const fd = openSync(backup, 'r+')
  const pages = Math.floor(statSync(backup).size / pageSize)
  for (let p = 2; p < pages; p += 3) writeSync(fd, Buffer.alloc(200, 0x5a), 0, 200, p * pageSize + 100)
  closeSync(fd)
  const corrupt = await run('restore', backup, '--yes', ...cfg)
  t.equal(corrupt.code, 1)
  t.match(corrupt.errors.join('\n'), new RegExp(`${backup} (fails integrity_check|cannot be read as a database): .+\\[EDGE_ERR_RESTORE_INVALID\\]`))
  t.same(dataFiles(dataDir), before, 'no staged copy left, nothing moved')
})

t.test('a backup that does not match its sidecar, or is another store\'s, is refused', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const sidecar = JSON.parse(readFileSync(`${backup}.json`, 'utf8'))
  writeFileSync(`${backup}.json`, JSON.stringify({ ...sidecar, storeId: 'store-9' }))
  const other = await run('restore', backup, '--yes', ...cfg)
  t.equal(other.code, 1)
  t.match(other.errors.join('\n'), 'is a backup of store "store-9", and this is store "store-1" (config storeId)')

  writeFileSync(`${backup}.json`, JSON.stringify({ ...sidecar, sha256: 'f'.repeat(64) }))
  const changed = await run('restore', backup, '--yes', ...cfg)
  t.equal(changed.code, 1)
  t.match(changed.errors.join('\n'), /does not match its sidecar .*: the copy is damaged or was changed \[EDGE_ERR_RESTORE_INVALID\]/)
})

t.test('a database from a newer store-edge, or not a store-edge database at all, is refused', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  await storeWithBackup(dataDir, cfg, ['hh-1'])
  const newer = join(dir, 'newer.db')
  const db = new BetterSqlite3(join(dataDir, DB_FILE))
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from-the-future', ?)").run(latest + 1, now())
  await db.backup(newer)
  db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(latest + 1)
  db.close()
  const res = await run('restore', newer, '--yes', ...cfg)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), `has schema version ${latest + 1}, newer than this store-edge knows (${latest}); restore it with the store-edge that wrote it`)

  const foreign = join(dir, 'foreign.db')
  const f = new BetterSqlite3(foreign)
  f.exec('CREATE TABLE recipes (name TEXT)')
  f.close()
  const res2 = await run('restore', foreign, '--yes', ...cfg)
  t.equal(res2.code, 1)
  t.match(res2.errors.join('\n'), 'is an SQLite database but not a store-edge one (no schema_migrations table)')
  t.equal((await run('restore', join(dir, 'missing.db'), '--yes', ...cfg)).code, 1, 'a missing file')
})

t.test('without --yes and without a terminal: says what it would do, changes nothing, exits 2', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  new DeviceRegistry(db, now).add('hh-2', 'handheld-scanner-app')
  db.close()
  const before = dataFiles(dataDir)
  // A real process with stdin from /dev/null, as a script or a timer would run it.
  const child = spawn(process.execPath, [...cliArgs(), 'restore', backup, ...cfg], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  t.equal(code, 2)
  t.equal(stdout, '')
  t.match(stderr, `restore ${backup} (made `)
  t.match(stderr, `into ${join(dataDir, DB_FILE)}`)
  t.match(stderr, /kept as .*store\.db\.pre-restore-\d{8}T\d{6}Z/)
  t.match(stderr, 'not restored: no terminal to confirm on; pass --yes to restore from a script')
  t.same(dataFiles(dataDir), before)
  t.same(devicesIn(join(dataDir, DB_FILE)), ['hh-1', 'hh-2'])
})

t.test('on a terminal it asks: anything but yes leaves the database as it was', async (t) => {
  const { configFile, dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  new DeviceRegistry(db, now).add('hh-2', 'handheld-scanner-app')
  db.close()
  const errors: string[] = []
  const out = { line: (s: string) => { errors.push(s) }, error: (s: string) => { errors.push(s) } }
  const questions: string[] = []
  const code = await restoreCommand([backup], { config: configFile, json: false }, out, async (q) => { questions.push(q); return false })
  t.equal(code, 1)
  t.same(questions, ['Restore? [y/N] '])
  t.match(errors.at(-1), 'not restored')
  t.same(dataFiles(dataDir), [DB_FILE], 'no staged copy left')
  t.same(devicesIn(join(dataDir, DB_FILE)), ['hh-1', 'hh-2'])
})

t.test('on a real terminal, y restores', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const backup = await storeWithBackup(dataDir, cfg, ['hh-1'])
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  new DeviceRegistry(db, now).add('hh-2', 'handheld-scanner-app')
  db.close()
  // socat gives the command a pseudo-terminal for stdin, stdout and stderr.
  const command = [process.execPath, ...cliArgs(), 'restore', backup, ...cfg].join(' ')
  const tty = spawn('socat', ['-', `EXEC:${command},pty,setsid,ctty,stderr,echo=0`], { stdio: ['pipe', 'pipe', 'inherit'] })
  t.teardown(() => { tty.kill() })
  let seen = ''
  tty.stdout.on('data', (c: Buffer) => { seen += c.toString() })
  await waitFor(() => seen.includes('Restore? [y/N]'), 30_000, 'the question')
  tty.stdin.write('y\n')
  await waitFor(() => seen.includes('the replaced database is kept as'), 30_000, `the answer (got ${seen})`)
  await new Promise((resolve) => tty.once('exit', resolve))
  t.same(devicesIn(join(dataDir, DB_FILE)), ['hh-1'], 'the backup\'s data')
})

t.test('restore needs exactly one file', async (t) => {
  const { cfg } = storeDir(t)
  t.equal((await run('restore', ...cfg)).code, 2)
  t.equal((await run('restore', 'a.db', 'b.db', ...cfg)).code, 2)
})
