// install.sh --relay: the cloud relay from the same bundle, with its own user, settings file (a
// generated admin token), data dir and unit; the cloud-relay command registers a store; uninstall
// keeps its settings and data.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testBundle, type TestBundle } from './helpers/bundle.js'
import { freePort, have, INSTALLER, runScript, snapshot, standInSystemctl, systemctlCalls, tempRoot, verifyUnits } from './helpers/run.js'

t.setTimeout(600_000) // may wait for the bundle (built once for all test files)

let bundle: TestBundle
let root: string
let first: { code: number | null, stdout: string, stderr: string }

t.before(async () => {
  bundle = await testBundle()
  root = tempRoot(t, 'relay')
  first = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--relay', '--relay-port', '8443'])
})

const r = (p: string): string => join(root, p)

const mode = (p: string): string => (statSync(r(p)).mode & 0o7777).toString(8).padStart(4, '0')

t.test('--relay installs the relay and not the store server', async (t) => {
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, `installing the cloud relay ${bundle.meta.version}`)
  t.match(first.stdout, /health: +http:\/\/\S+:8443\/v1\/health/)
  t.match(first.stdout, /admin token: +RELAY_ADMIN_TOKEN in \/etc\/cloud-relay\/relay\.env/)
  t.match(first.stdout, /sudo cloud-relay stores add STORE_ID/)
  for (const p of ['/etc/systemd/system/store-edge.service', '/etc/store-edge', '/var/lib/store-edge', '/usr/local/bin/store-edge']) t.notOk(existsSync(r(p)), `no ${p}`)
  t.equal(mode('/etc/cloud-relay'), '0750')
  t.equal(mode('/etc/cloud-relay/relay.env'), '0640')
  t.equal(mode('/var/lib/cloud-relay'), '0750')
  t.equal(mode('/usr/local/bin/cloud-relay'), '0755')
  const env = readFileSync(r('/etc/cloud-relay/relay.env'), 'utf8')
  t.match(env, /^RELAY_HTTP_PORT=8443$/m)
  t.match(env, /^RELAY_DATA_DIR=\/var\/lib\/cloud-relay$/m)
  t.match(env, /^RELAY_ADMIN_TOKEN=[0-9a-f]{64}$/m)
  const unit = readFileSync(r('/etc/systemd/system/cloud-relay.service'), 'utf8')
  t.match(unit, 'ExecStart=/opt/store-edge/current/node/bin/node /opt/store-edge/current/bin/cloud-relay.js serve\n')
  t.match(unit, 'EnvironmentFile=/etc/cloud-relay/relay.env\n')
  t.match(unit, /^User=cloud-relay$/m)
  t.match(unit, /^ReadWritePaths=\/var\/lib\/cloud-relay$/m)
})

t.test('systemd-analyze verify finds nothing to say about the relay unit', { skip: !have('systemd-analyze') && process.env.CI === undefined ? 'systemd-analyze is not installed (apt-get install systemd)' : false }, async (t) => {
  const res = verifyUnits(root, ['cloud-relay.service'])
  t.ok(res.ok, res.output)
})

t.test('a rerun changes nothing, and keeps the settings file whatever port is asked', async (t) => {
  const before = snapshot(root, [`opt/store-edge/releases/${bundle.meta.version}`])
  const again = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--relay', '--relay-port', '9000'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /the cloud relay \S+ is already installed as this bundle has it: nothing changed/)
  t.match(again.stderr, /relay\.env keeps RELAY_HTTP_PORT=8443 \(asked 9000\)/)
  t.same(snapshot(root, [`opt/store-edge/releases/${bundle.meta.version}`]), before)
})

t.test('the cloud-relay command registers a store with the installed relay', async (t) => {
  const res = spawnSync(r('/usr/local/bin/cloud-relay'), ['stores', 'add', 'store-0042', 'Store 42'], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', STORE_EDGE_PREFIX: r('/opt/store-edge'), CLOUD_RELAY_ENV: r('/etc/cloud-relay/relay.env'), RELAY_DATA_DIR: r('/var/lib/cloud-relay') }
  })
  t.equal(res.status, 0, res.stderr)
  t.match(res.stdout, /^store store-0042 registered; its token \(shown once, set it as the store's EDGE_RELAY_TOKEN\):\n\S{16,}\n$/)
  t.ok(existsSync(r('/var/lib/cloud-relay/relay.db')), 'in the relay\'s SQLite database in its data dir')
})

t.test('with a stand-in systemctl the install starts the relay and waits for its health', async (t) => {
  const dir = tempRoot(t, 'relay-systemctl')
  const port = await freePort()
  const env = r('/etc/cloud-relay/relay.env')
  writeFileSync(env, readFileSync(env, 'utf8').replace(/^RELAY_HTTP_PORT=.*$/m, `RELAY_HTTP_PORT=${port}`))
  // systemctl for a box without systemd: start runs the installed command in the background.
  const ctl = standInSystemctl(t, dir, {
    'cloud-relay.service': `STORE_EDGE_PREFIX=${r('/opt/store-edge')} CLOUD_RELAY_ENV=${env} RELAY_DATA_DIR=${r('/var/lib/cloud-relay')} RELAY_HOST=127.0.0.1 ${r('/usr/local/bin/cloud-relay')} serve`
  })
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--relay'], { STORE_EDGE_SYSTEMCTL: ctl })
  t.equal(res.code, 0, `${res.stderr}\n${existsSync(join(dir, 'cloud-relay.service.log')) ? readFileSync(join(dir, 'cloud-relay.service.log'), 'utf8') : ''}`)
  t.match(res.stdout, /started cloud-relay\.service/)
  t.match(res.stdout, /waiting for the relay to report healthy/)
  t.same(systemctlCalls(dir), ['enable cloud-relay.service', 'is-active cloud-relay.service', 'start cloud-relay.service'])
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`)
  t.equal(health.status, 200)
  const un = await runScript('uninstall.sh', ['--root', root], { STORE_EDGE_SYSTEMCTL: ctl })
  t.equal(un.code, 0, un.stderr)
  t.match(un.stdout, /stopped cloud-relay\.service/)
  t.notOk(existsSync(join(dir, 'cloud-relay.service.pid')), 'the relay was stopped')
})

t.test('the health wait gives up with the reason when nothing answers', async (t) => {
  const port = await freePort()
  const res = spawnSync(process.execPath, [join(INSTALLER, 'lib', 'wait-http.mjs'), `http://127.0.0.1:${port}/v1/health`, '2'], { encoding: 'utf8' })
  t.equal(res.status, 1)
  t.match(res.stderr, `http://127.0.0.1:${port}/v1/health: not healthy after 2 s: connect ECONNREFUSED`)
})

t.test('uninstall removes the relay and keeps its settings and data', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root])
  t.equal(res.code, 0, res.stderr)
  for (const p of ['/etc/systemd/system/cloud-relay.service', '/usr/local/bin/cloud-relay', '/opt/store-edge']) t.notOk(existsSync(r(p)), `${p} removed`)
  t.match(res.stdout, /kept the data and config: \/var\/lib\/cloud-relay \/etc\/cloud-relay/)
  t.ok(existsSync(r('/var/lib/cloud-relay/relay.db')))
  t.ok(existsSync(r('/etc/cloud-relay/relay.env')))
})
