// `store-edge backup`: an online backup of a live database, checked, atomically named, with its
// sidecar; retention that touches only its own files; a full disk refused up front.

import t from 'tap'
import BetterSqlite3 from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { basename, join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { packageVersion } from '../../src/core/version.js'
import { openDatabase } from '../../src/store/db.js'
import { migrations } from '../../src/store/migrations/index.js'
import { rmrf, tempDir, waitFor } from '../helpers/server.js'
import { liveStore } from './live-store.js'
import { run, storeDir } from './run.js'

const latest = migrations.at(-1)!.version
const NAME = /^store-edge-store-1-\d{8}T\d{6}Z\.db$/

function emptyStore (dataDir: string): void {
  openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() }).close()
}

t.test('a backup of a live server under write load opens, passes integrity_check and holds every acknowledged count', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const live = await liveStore(t, dataDir)
  t.teardown(() => live.stop())
  await waitFor(() => live.acked.size >= 1500, 30_000, '1,500 acknowledged counts')
  const before = new Set(live.acked)

  const res = await run('backup', ...cfg)
  const during = live.acked.size
  t.equal(res.code, 0, res.text)
  t.equal(res.lines.length, 1, 'stdout is the path alone')
  const file = res.lines[0]
  t.equal(join(dataDir, 'backups', basename(file)), file, 'in <dataDir>/backups')
  t.match(basename(file), NAME)
  await waitFor(() => live.acked.size > during + 200, 20_000, 'the server to keep acknowledging after the backup')
  live.stop()

  const copy = new BetterSqlite3(file, { readonly: true })
  t.teardown(() => copy.close())
  t.same(copy.pragma('integrity_check'), [{ integrity_check: 'ok' }])
  t.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'one self-contained file, no -wal needed')
  const stored = new Set((copy.prepare("SELECT device_id || '/' || event_id AS k FROM events").all() as Array<{ k: string }>).map((r) => r.k))
  t.same([...before].filter((k) => !stored.has(k)), [], `all ${before.size} counts acknowledged before the backup are in it (${stored.size} stored)`)
  const pos = copy.prepare("SELECT on_hand FROM positions WHERE sku = 'FOODS_1_001' AND location = 'A01-1'").get() as { on_hand: number }
  const ledger = copy.prepare("SELECT SUM(delta) AS s FROM ledger WHERE sku = 'FOODS_1_001' AND location = 'A01-1' AND bucket = 'on_hand'").get() as { s: number }
  t.equal(pos.on_hand, ledger.s, 'a consistent snapshot: the position equals the sum of its ledger')
  t.notOk(existsSync(`${file}-wal`))
  t.equal(statSync(file).mode & 0o777, 0o640, 'readable by owner and group only')

  const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8'))
  t.same(sidecar, {
    file: basename(file),
    storeId: 'store-1',
    schemaVersion: latest,
    programVersion: packageVersion(),
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    sizeBytes: statSync(file).size,
    createdAt: sidecar.createdAt,
    rows: sidecar.rows
  })
  t.equal(basename(file), `store-edge-store-1-${(sidecar.createdAt as string).replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.db`, 'named by its UTC creation time')
  t.equal(sidecar.rows.events, stored.size)
  t.equal(sidecar.rows.items, (copy.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n)
  t.ok(sidecar.rows.items > 0 && sidecar.rows.devices === 3)
  t.same(readdirSync(join(dataDir, 'backups')).filter((n) => n.startsWith('.')), [], 'no temporary file left')
})

t.test('--keep N keeps the newest N of this store\'s backups and touches nothing else', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  emptyStore(dataDir)
  const backups = join(dataDir, 'backups')
  const first = (await run('backup', ...cfg)).lines[0]
  // Three earlier backups (copies of a real one under earlier names), with their sidecars.
  const older = ['20250101T020000Z', '20250102T020000Z', '20250103T020000Z'].map((stamp) => join(backups, `store-edge-store-1-${stamp}.db`))
  for (const f of older) { copyFileSync(first, f); copyFileSync(`${first}.json`, `${f}.json`) }
  rmrf(first); rmrf(`${first}.json`)
  const foreign = ['notes.txt', 'store-edge-store-2-20240101T000000Z.db', 'store-edge-store-1-20240101T000000Z.db.bak', 'store-edge-store-1-latest.db', 'store-edge-store-1-2024-01-01.db']
  for (const f of foreign) writeFileSync(join(backups, f), 'not ours to delete')
  mkdirSync(join(backups, 'store-edge-store-1-20200101T000000Z.db')) // a folder with our name: not a backup

  const res = await run('backup', '--keep', '2', ...cfg)
  t.equal(res.code, 0, res.text)
  const made = basename(res.lines[0])
  t.same(readdirSync(backups).sort(), [
    ...foreign,
    'store-edge-store-1-20200101T000000Z.db',
    basename(older[2]), `${basename(older[2])}.json`,
    made, `${made}.json`
  ].sort(), 'the two oldest went, with their sidecars; nothing else')
  t.match(res.errors.join('\n'), `removed ${older[0]}`)
})

t.test('--out FILE writes exactly there, and never over an existing file', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  emptyStore(dataDir)
  const out = join(dir, 'before-upgrade.db')
  const res = await run('backup', '--out', out, '--json', ...cfg)
  t.equal(res.code, 0, res.text)
  t.match(JSON.parse(res.lines[0]), { path: out, sidecarPath: `${out}.json`, storeId: 'store-1', schemaVersion: latest, pruned: [] })
  const before = readFileSync(out)
  const again = await run('backup', '--out', out, ...cfg)
  t.equal(again.code, 1)
  t.match(again.errors.join('\n'), `${out} exists already; not overwritten [EDGE_ERR_BACKUP_FAILED]`)
  t.same(readFileSync(out), before)
})

/** Why a small tmpfs cannot be mounted here (mount needs root), or null when it can. */
function mountProblem (): string | null {
  const dir = tempDir()
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' })
    execFileSync('umount', [dir])
    return null
  } catch (err) {
    return `cannot mount a small tmpfs here: ${(err as Error).message.split('\n')[0]}`
  } finally {
    rmrf(dir)
  }
}

t.test('too little free disk: refused before copying, naming the numbers', { skip: mountProblem() ?? false }, async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  emptyStore(dataDir)
  const small = join(dir, 'small')
  mkdirSync(small)
  // 4 MB: room for this database (0.4 MB), not for the 64 MB the store must keep free besides.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small])
  t.teardown(() => { execFileSync('umount', [small]) })
  const res = await run('backup', '--dir', small, ...cfg)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), new RegExp(`not enough free space in ${small}: \\d+\\.\\d MB free, the backup needs about \\d+\\.\\d MB and 64\\.0 MB must stay free for the running store.*\\[EDGE_ERR_DISK_SPACE\\]`))
  t.same(readdirSync(small), [], 'nothing written')
})

t.test('usage and failures: --keep must be 1 or more; no database is an error', async (t) => {
  const { cfg } = storeDir(t)
  for (const keep of ['0', '-1', 'two', '1.5']) {
    const res = await run('backup', '--keep', keep, ...cfg)
    t.equal(res.code, 2, `--keep ${keep}`)
  }
  t.equal((await run('backup', 'now', ...cfg)).code, 2, 'no arguments')
  const none = await run('backup', ...cfg)
  t.equal(none.code, 1)
  t.match(none.errors.join('\n'), /no database to back up at .*store\.db \[EDGE_ERR_BACKUP_FAILED\]/)
})
