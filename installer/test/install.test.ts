// install.sh into a temporary root (--root): every file with its mode, the config with its
// generated secret, the units templated with the prefix, and a rerun that changes nothing and says
// so. The installed program runs through the installed command.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testBundle, type TestBundle } from './helpers/bundle.js'
import { have, runScript, snapshot, tempRoot, verifyUnits } from './helpers/run.js'

t.setTimeout(600_000) // may wait for the bundle (built once for all test files)

const PREFIX = '/opt/store-edge-test'
let bundle: TestBundle
let root: string
let first: { code: number | null, stdout: string, stderr: string }

t.before(async () => {
  bundle = await testBundle()
  root = tempRoot(t, 'install')
  first = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX, '--store-id', 'store-0042', '--http-port', '8181', '--mqtt-port', '1884'])
})

const r = (p: string): string => join(root, p)
const mode = (p: string): string => (statSync(r(p)).mode & 0o7777).toString(8).padStart(4, '0')

t.test('a first install succeeds and says what it did and where the panel and token are', async (t) => {
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, `installing store-edge ${bundle.meta.version} (linux-${process.arch}, schema ${bundle.meta.schemaVersion}`)
  t.match(first.stdout, /no users, ownership or udev reload, no systemctl/)
  t.match(first.stdout, `unpacked ${PREFIX}/releases/${bundle.meta.version}`)
  t.match(first.stdout, /created \/etc\/store-edge\/config\.json \(storeId store-0042, a generated adminToken\)/)
  t.match(first.stdout, /panel: +http:\/\/\S+:8181\/panel\//)
  t.match(first.stdout, /admin token: +adminToken in \/etc\/store-edge\/config\.json/)
  t.notMatch(first.stdout, /[0-9a-f]{64}/, 'the secret itself is not printed')
})

t.test('the program: a verified release, current pointing at it relatively', async (t) => {
  const release = `${PREFIX}/releases/${bundle.meta.version}`
  t.equal(readlinkSync(r(`${PREFIX}/current`)), `releases/${bundle.meta.version}`)
  t.equal(mode(release), '0755')
  for (const f of ['BUNDLE.json', 'SHA256SUMS', 'bin/store-edge.js', 'node/bin/node', 'installer/install.sh']) t.ok(existsSync(r(`${release}/${f}`)), f)
  t.equal(mode(`${release}/node/bin/node`), '0755')
  const verify = spawnSync('sha256sum', ['--quiet', '--strict', '-c', 'SHA256SUMS'], { cwd: r(release), encoding: 'utf8' })
  t.equal(verify.status, 0, verify.stdout)
  t.same(spawnSync('ls', ['-A', r(`${PREFIX}/releases`)], { encoding: 'utf8' }).stdout.trim().split('\n'), [bundle.meta.version], 'no leftovers of the unpacking')
})

t.test('config, data and folders: modes and a generated admin token', async (t) => {
  t.equal(mode('/etc/store-edge'), '0750')
  t.equal(mode('/etc/store-edge/config.json'), '0640')
  t.equal(mode('/var/lib/store-edge'), '0750')
  t.equal(mode('/var/lib/store-edge/backups'), '0750')
  const config = JSON.parse(readFileSync(r('/etc/store-edge/config.json'), 'utf8')) as Record<string, unknown>
  t.match(config, { storeId: 'store-0042', host: '0.0.0.0', httpPort: 8181, mqttPort: 1884, dataDir: '/var/lib/store-edge', logLevel: 'info' })
  t.match(config.adminToken, /^[0-9a-f]{64}$/, '32 random bytes as hex')
})

t.test('the units, udev rule and command, templated with the prefix', async (t) => {
  for (const [path, m] of [['/etc/systemd/system/store-edge.service', '0644'], ['/etc/systemd/system/store-edge-backup.service', '0644'],
    ['/etc/systemd/system/store-edge-backup.timer', '0644'], ['/etc/udev/rules.d/70-store-edge-serial.rules', '0644'], ['/usr/local/bin/store-edge', '0755']]) {
    t.equal(mode(path), m, path)
    t.notMatch(readFileSync(r(path), 'utf8'), /@[A-Z_]+@/, `${path}: no placeholder left`)
  }
  const unit = readFileSync(r('/etc/systemd/system/store-edge.service'), 'utf8')
  t.match(unit, `ExecStart=${PREFIX}/current/node/bin/node ${PREFIX}/current/bin/store-edge.js serve\n`)
  t.match(unit, 'Environment=EDGE_CONFIG=/etc/store-edge/config.json\n')
  t.match(unit, 'ReadWritePaths=/var/lib/store-edge\n')
  t.match(unit, 'TimeoutStopSec=15\n', 'shutdownTimeoutMs 10 s (the default) + 5 s')
  for (const line of ['Type=notify', 'NotifyAccess=all', 'WatchdogSec=30', 'Restart=on-failure', 'User=store-edge', 'Group=store-edge',
    'SupplementaryGroups=dialout', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'ProtectHome=yes',
    'CapabilityBoundingSet=', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK', 'DevicePolicy=closed',
    'DeviceAllow=char-ttyUSB rw', 'DeviceAllow=char-ttyACM rw']) {
    t.match(unit, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), line)
  }
  t.notMatch(unit, /^PrivateDevices=/m, 'PrivateDevices would hide the scanners')
  t.match(readFileSync(r('/etc/systemd/system/store-edge-backup.service'), 'utf8'), `ExecStart=${PREFIX}/current/node/bin/node ${PREFIX}/current/bin/store-edge.js backup --keep 14\n`)
  t.match(readFileSync(r('/etc/systemd/system/store-edge-backup.timer'), 'utf8'), /^Persistent=true$/m)
  t.match(readFileSync(r('/usr/local/bin/store-edge'), 'utf8'), `prefix=\${STORE_EDGE_PREFIX:-${PREFIX}}`)
  const rule = readFileSync(r('/etc/udev/rules.d/70-store-edge-serial.rules'), 'utf8')
  t.match(rule, 'ENV{ID_MM_DEVICE_IGNORE}="1"')
  t.match(rule, 'SYMLINK+="store-edge/$env{ID_VENDOR}-$env{ID_MODEL}-$env{ID_SERIAL_SHORT}"')
})

t.test('the installed command runs the installed release', async (t) => {
  const res = spawnSync(r('/usr/local/bin/store-edge'), ['--help'], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', STORE_EDGE_PREFIX: r(PREFIX), EDGE_CONFIG: r('/etc/store-edge/config.json') }
  })
  t.equal(res.status, 0, res.stderr)
  t.match(res.stdout, /^usage: store-edge <command>/)
  const missing = spawnSync(r('/usr/local/bin/store-edge'), ['--help'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', STORE_EDGE_PREFIX: r('/nowhere') } })
  t.equal(missing.status, 1)
  t.match(missing.stderr, /\/nowhere\/current is missing or incomplete/)
})

t.test('a rerun with the same bundle changes nothing and says so; the config keeps its values', async (t) => {
  const before = snapshot(root, [`opt/store-edge-test/releases/${bundle.meta.version}`])
  const again = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX, '--store-id', 'another-store', '--http-port', '9090'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, `store-edge ${bundle.meta.version} is already installed as this bundle has it: nothing changed`)
  t.match(again.stderr, /keeps storeId "store-0042" \(asked "another-store"\)/)
  t.match(again.stderr, /keeps httpPort 8181 \(asked 9090\)/)
  t.same(snapshot(root, [`opt/store-edge-test/releases/${bundle.meta.version}`]), before, 'every path, mode, size, mtime and content as it was')
})

t.test('a config the operator edited keeps every value; a key it lacks is added', async (t) => {
  const file = r('/etc/store-edge/config.json')
  const edited = { storeId: 'store-0042', httpPort: 8282, dataDir: '/var/lib/store-edge', relayUrl: 'https://relay.example:8090', adminToken: 'operator-chosen-token-0123456789' }
  writeFileSync(file, JSON.stringify(edited, null, 2))
  chmodSync(file, 0o644)
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /added host, mqttPort, logLevel to \/etc\/store-edge\/config\.json/)
  t.same(JSON.parse(readFileSync(file, 'utf8')), { ...edited, host: '0.0.0.0', mqttPort: 1883, logLevel: 'info' })
  t.equal(mode('/etc/store-edge/config.json'), '0640', 'written back 0640 (the operator left it 0644)')
})

t.test('modes changed by hand are put back', async (t) => {
  chmodSync(r('/var/lib/store-edge'), 0o755)
  chmodSync(r('/usr/local/bin/store-edge'), 0o700)
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /mode 0750 on \/var\/lib\/store-edge\n/)
  t.match(res.stdout, /mode 0755 on \/usr\/local\/bin\/store-edge\n/)
  t.match(res.stdout, /\(2 changes\)/)
  t.equal(mode('/var/lib/store-edge'), '0750')
})

t.test('a config that is not JSON is left alone and the install stops', async (t) => {
  const file = r('/etc/store-edge/config.json')
  const saved = readFileSync(file)
  appendFileSync(file, '\n{ oops')
  const broken = readFileSync(file)
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX])
  t.equal(res.code, 1)
  t.match(res.stderr, /config\.json cannot be read as JSON .*left as it is: fix it by hand/)
  t.same(readFileSync(file), broken, 'not touched')
  writeFileSync(file, saved)
})

t.test('a damaged release is noticed and unpacked again', async (t) => {
  const file = r(`${PREFIX}/releases/${bundle.meta.version}/dist/edge/src/cli/main.js`)
  appendFileSync(file, '\n// changed on the box\n')
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stderr, /files of .* differ from the bundle: .*main\.js: FAILED/)
  t.match(res.stderr, /is damaged: unpacking it again/)
  t.notMatch(readFileSync(file, 'utf8'), /changed on the box/)
  t.same(spawnSync('ls', ['-A', r(`${PREFIX}/releases`)], { encoding: 'utf8' }).stdout.trim().split('\n'), [bundle.meta.version])
})

// systemd-analyze comes with systemd (.ci/run installs it): missing, these fail under CI and are skipped elsewhere.
const noAnalyze = !have('systemd-analyze') && process.env.CI === undefined ? 'systemd-analyze is not installed (apt-get install systemd)' : false

t.test('systemd-analyze verify finds nothing to say about the installed units', { skip: noAnalyze }, async (t) => {
  const units = ['store-edge.service', 'store-edge-backup.service', 'store-edge-backup.timer']
  const res = verifyUnits(root, units)
  t.ok(res.ok, res.output)
})

t.test('...and it does catch a unit mistake: a bad value, an unknown key, a program that is not there', { skip: noAnalyze }, async (t) => {
  const unit = r('/etc/systemd/system/store-edge.service')
  const good = readFileSync(unit, 'utf8')
  t.teardown(() => writeFileSync(unit, good))
  for (const [what, broken, said] of [
    ['a bad value', good.replace('ProtectSystem=strict', 'ProtectSystem=strictest'), /Failed to parse protect system value, ignoring: strictest/],
    ['a misspelt key', good.replace('RestrictAddressFamilies=', 'RestrictAdressFamilies='), /Unknown key 'RestrictAdressFamilies'/],
    ['a program that is not there', good.replace(`${PREFIX}/current/node/bin/node`, `${PREFIX}/current/node/bin/nodejs`), /Command \S+nodejs is not executable/]
  ] as const) {
    writeFileSync(unit, broken)
    const res = verifyUnits(root, ['store-edge.service'])
    t.notOk(res.ok, `${what} is reported`)
    t.match(res.output, said, what)
  }
})

t.test('with STORE_EDGE_SYSTEMCTL, units are reloaded when they changed and enabled; --no-start starts nothing', async (t) => {
  const dir = tempRoot(t, 'systemctl')
  const log = join(dir, 'calls')
  const fake = join(dir, 'systemctl')
  // A stand-in for systemctl: records its arguments; nothing is active.
  writeFileSync(fake, `#!/bin/sh\necho "$*" >> ${log}\n[ "$1" = is-active ] && exit 3\nexit 0\n`, { mode: 0o755 })
  appendFileSync(r('/etc/systemd/system/store-edge-backup.timer'), '# edited by hand\n')
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--prefix', PREFIX, '--no-start'], { STORE_EDGE_SYSTEMCTL: fake })
  t.equal(res.code, 0, res.stderr)
  t.notMatch(res.stdout, /no systemctl/)
  t.match(res.stdout, /updated \/etc\/systemd\/system\/store-edge-backup\.timer/)
  t.match(res.stdout, /not started \(--no-start\)/)
  t.same(readFileSync(log, 'utf8').trim().split('\n'), ['daemon-reload', 'enable store-edge.service', 'enable store-edge-backup.timer'])
  const un = await runScript('uninstall.sh', ['--root', root, '--prefix', PREFIX], { STORE_EDGE_SYSTEMCTL: fake })
  t.equal(un.code, 0, un.stderr)
  t.same(readFileSync(log, 'utf8').trim().split('\n').slice(3), [
    'is-active store-edge.service', 'disable store-edge.service',
    'is-active store-edge-backup.service', 'disable store-edge-backup.service',
    'is-active store-edge-backup.timer', 'disable store-edge-backup.timer',
    'daemon-reload'
  ])
})
