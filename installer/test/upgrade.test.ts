// upgrade.sh on an install in a temporary root, with the store server really running: a stand-in
// systemctl (no systemd in this container) starts the installed command in the background as the
// unit would and stops it with SIGTERM. The installed version is the real bundle; the next version
// is the same program with one migration more, so the upgrade goes from the previous schema version
// with data in it; a version that cannot start shows the automatic rollback.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { testBundle, type TestBundle } from './helpers/bundle.js'
import { freePort, runScript, standInSystemctl, systemctlCalls, tempRoot } from './helpers/run.js'
import { addMigration, failingStart, variantBundle } from './helpers/variant.js'

t.setTimeout(600_000) // may wait for the bundle (built once for all test files)

const PREFIX = '/opt/store-edge'
let bundle: TestBundle
let next: string
let broken: string
let root: string
let ctl: string
let systemd: string
let httpPort: number
const NEXT = '0.1.1-upgrade'
const BROKEN = '0.1.2-broken'


const r = (p: string): string => join(root, p)
const env = (): Record<string, string> => ({ STORE_EDGE_SYSTEMCTL: ctl })

/** The installed store-edge command, as the installer runs it under --root. */
function storeEdge (args: string[], input?: string): { status: number | null, stdout: string, stderr: string } {
  return spawnSync(r('/usr/local/bin/store-edge'), args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, STORE_EDGE_PREFIX: r(PREFIX), EDGE_CONFIG: r('/etc/store-edge/config.json'), EDGE_DATA_DIR: r('/var/lib/store-edge') }
  })
}

function schemaOf (file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v
  } finally { db.close() }
}

async function signIn (password: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'maria', password }) })
  return res.status
}

t.before(async () => {
  bundle = await testBundle()
  next = variantBundle(bundle, NEXT, addMigration(bundle.meta.schemaVersion + 1))
  // Two migrations more than the installed one: only a restore lets the old program open its data again.
  broken = variantBundle(bundle, BROKEN, (dir) => { addMigration(bundle.meta.schemaVersion + 1)(dir); addMigration(bundle.meta.schemaVersion + 2)(dir); failingStart(dir) })
  t.teardown(() => { for (const a of [next, broken]) spawnSync('rm', ['-rf', join(a, '..')]) })
  root = tempRoot(t, 'upgrade')
  systemd = tempRoot(t, 'upgrade-systemd')
  // The store server as its unit runs it: the installed command, in the foreground of its own process.
  ctl = standInSystemctl(t, systemd, {
    'store-edge.service': `STORE_EDGE_PREFIX=${r(PREFIX)} EDGE_CONFIG=${r('/etc/store-edge/config.json')} EDGE_DATA_DIR=${r('/var/lib/store-edge')} ${r('/usr/local/bin/store-edge')} serve`
  })
  httpPort = await freePort()
  const mqttPort = await freePort()
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--store-id', 'store-0042', '--http-port', String(httpPort), '--mqtt-port', String(mqttPort)], env())
  if (res.code !== 0) throw new Error(`install failed: ${res.stderr}\n${existsSync(join(systemd, 'store-edge.service.log')) ? readFileSync(join(systemd, 'store-edge.service.log'), 'utf8') : ''}`)
})

t.test('the installed version runs and takes data: a device and a manager account', async (t) => {
  t.equal(readlinkSync(r(`${PREFIX}/current`)), `releases/${bundle.meta.version}`)
  const dev = storeEdge(['devices', 'add', 'hh-1', '--profile', 'handheld-scanner-app', '--name', 'Aisle 3 handheld'])
  t.equal(dev.status, 0, dev.stderr)
  const acc = storeEdge(['accounts', 'add', 'maria', '--role', 'manager', '--password-stdin'], 'a-long-password-1\n')
  t.equal(acc.status, 0, acc.stderr)
  t.equal(await signIn('a-long-password-1'), 200, 'the running server knows the account')
  t.equal(schemaOf(r('/var/lib/store-edge/store.db')), bundle.meta.schemaVersion)
})

t.test('an upgrade to the next schema version keeps the data and the old release for a rollback', async (t) => {
  const res = await runScript('upgrade.sh', ['--bundle', next, '--root', root], env())
  t.equal(res.code, 0, 'exit 0: upgraded')
  if (res.code !== 0) t.comment(`${res.stdout}\n${res.stderr}`)
  t.match(res.stdout, `upgrading store-edge from ${bundle.meta.version} to ${NEXT}`)
  t.match(res.stdout, /stopped store-edge\.service/)
  t.match(res.stdout, new RegExp(`backed up the database to /var/lib/store-edge/backups/pre-upgrade-${bundle.meta.version}-to-${NEXT}-\\d{8}T\\d{6}Z\\.db`))
  t.match(res.stdout, `schema version ${bundle.meta.schemaVersion} -> ${bundle.meta.schemaVersion + 1}`)
  t.match(res.stdout, `upgraded from ${bundle.meta.version} to ${NEXT}`)
  t.equal(readlinkSync(r(`${PREFIX}/current`)), `releases/${NEXT}`)
  t.equal(readlinkSync(r(`${PREFIX}/previous`)), `releases/${bundle.meta.version}`)
  t.equal(schemaOf(r('/var/lib/store-edge/store.db')), bundle.meta.schemaVersion + 1, 'migrated')
  const backups = readdirSync(r('/var/lib/store-edge/backups')).filter((f) => /^pre-upgrade-.*\.db$/.test(f))
  t.equal(backups.length, 1)
  t.equal(schemaOf(r(`/var/lib/store-edge/backups/${backups[0]}`)), bundle.meta.schemaVersion, 'the backup is the database as the old version left it')
  t.equal(await signIn('a-long-password-1'), 200, 'the account survived')
  const list = storeEdge(['devices', 'list', '--json'])
  t.match(list.stdout, /"hh-1"/, 'the device survived')
  const health = await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/health`)).json() as { version?: string }
  t.equal(health.version, NEXT, 'the new version serves')

  const again = await runScript('upgrade.sh', ['--bundle', next, '--root', root], env())
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, `store-edge ${NEXT} is what runs in ${PREFIX}: nothing to do`)
  const back = await runScript('upgrade.sh', ['--bundle', bundle.archive, '--root', root], env())
  t.equal(back.code, 1, 'an older bundle is refused')
  t.match(back.stderr, /older than the installed store-edge/)
})

t.test('a version that fails its health check is rolled back with the database as it was', async (t) => {
  const before = readdirSync(r('/var/lib/store-edge'))
  const callsBefore = systemctlCalls(systemd).length
  const res = await runScript('upgrade.sh', ['--bundle', broken, '--root', root, '--health-timeout', '8'], env())
  t.equal(res.code, 1, 'exit 1: failed, and rolled back')
  if (res.code !== 1) t.comment(`${res.stdout}\n${res.stderr}`)
  t.match(res.stdout, `schema version ${bundle.meta.schemaVersion + 1} -> ${bundle.meta.schemaVersion + 2}`, 'the failed version had migrated the database')
  t.match(res.stderr, `upgrade to ${BROKEN} failed: store-edge ${BROKEN} did not report healthy in 8 s`)
  t.match(res.stdout, `rolling back to ${NEXT}`)
  t.match(res.stdout, /restored the database from \/var\/lib\/store-edge\/backups\/pre-upgrade-/)
  t.match(res.stdout, `rolled back: ${NEXT} runs again, healthy`)
  t.equal(readlinkSync(r(`${PREFIX}/current`)), `releases/${NEXT}`, 'current is the old release again')
  t.notOk(existsSync(r(`${PREFIX}/previous`)), 'no previous link pointing at the failed release')
  t.ok(existsSync(r(`${PREFIX}/releases/${BROKEN}`)), 'the failed release stays for a look')
  t.equal(schemaOf(r('/var/lib/store-edge/store.db')), bundle.meta.schemaVersion + 1, 'the database is the one from before the upgrade, not the failed version\'s')
  const kept = readdirSync(r('/var/lib/store-edge')).filter((f) => f.startsWith('store.db.pre-restore-') && !before.includes(f))
  t.ok(kept.length > 0, 'the database the failed version had is kept beside it')
  t.equal(await signIn('a-long-password-1'), 200, 'the account is still there')
  const health = await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/health`)).json() as { version?: string }
  t.equal(health.version, NEXT, 'the old version serves again')
  const calls = systemctlCalls(systemd).slice(callsBefore)
  t.ok(calls.includes('stop store-edge-backup.timer') && calls.lastIndexOf('start store-edge-backup.timer') > calls.lastIndexOf('stop store-edge-backup.timer'), `the nightly backups go on after the rollback (${calls.join('; ')})`)
})

t.test('bad arguments and a box without store-edge get a clear answer', async (t) => {
  const none = await runScript('upgrade.sh', ['--root', root], env())
  t.equal(none.code, 2)
  t.match(none.stderr, /--bundle FILE is required/)
  const timeout = await runScript('upgrade.sh', ['--bundle', next, '--root', root, '--health-timeout', 'soon'], env())
  t.equal(timeout.code, 2)
  t.match(timeout.stderr, /--health-timeout must be 5-9999 seconds/)
  const empty = tempRoot(t, 'upgrade-empty')
  const res = await runScript('upgrade.sh', ['--bundle', next, '--root', empty])
  t.equal(res.code, 1)
  t.match(res.stderr, /store-edge is not installed in \/opt\/store-edge.*install\.sh --bundle/)
})

t.test('a relay box is upgraded the same way: its SQLite copied while stopped, the new relay healthy', async (t) => {
  const relayRoot = tempRoot(t, 'upgrade-relay')
  const dir = tempRoot(t, 'upgrade-relay-systemd')
  const rr = (p: string): string => join(relayRoot, p)
  const port = await freePort()
  const relayCtl = standInSystemctl(t, dir, {
    'cloud-relay.service': `STORE_EDGE_PREFIX=${rr(PREFIX)} CLOUD_RELAY_ENV=${rr('/etc/cloud-relay/relay.env')} RELAY_DATA_DIR=${rr('/var/lib/cloud-relay')} RELAY_HOST=127.0.0.1 ${rr('/usr/local/bin/cloud-relay')} serve`
  })
  const install = await runScript('install.sh', ['--bundle', bundle.archive, '--root', relayRoot, '--relay', '--relay-port', String(port)], { STORE_EDGE_SYSTEMCTL: relayCtl })
  t.equal(install.code, 0, install.stderr)
  const res = await runScript('upgrade.sh', ['--bundle', next, '--root', relayRoot], { STORE_EDGE_SYSTEMCTL: relayCtl })
  t.equal(res.code, 0, 'exit 0: upgraded')
  if (res.code !== 0) t.comment(`${res.stdout}\n${res.stderr}\n${readFileSync(join(dir, 'cloud-relay.service.log'), 'utf8')}`)
  t.match(res.stdout, `upgrading the cloud relay from ${bundle.meta.version} to ${NEXT}`)
  t.match(res.stdout, /stopped cloud-relay\.service/)
  t.match(res.stdout, new RegExp(`copied the relay's database to /var/lib/cloud-relay/pre-upgrade-${bundle.meta.version}-to-${NEXT}-`))
  t.equal(readlinkSync(rr(`${PREFIX}/current`)), `releases/${NEXT}`)
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`)
  t.equal(health.status, 200, 'the new relay answers healthy')
  t.notOk(existsSync(rr('/etc/systemd/system/store-edge.service')), 'the store server was not installed by the upgrade')
})
