// uninstall.sh: the program, units, udev rule and command go; the store's data and config stay
// (and it says where) unless --purge, which wants a confirmation. Safe to run twice.

import t from 'tap'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testBundle, type TestBundle } from './helpers/bundle.js'
import { runScript, tempRoot } from './helpers/run.js'

t.setTimeout(600_000) // may wait for the bundle (built once for all test files)

let bundle: TestBundle
let root: string
let token: string

const r = (p: string): string => join(root, p)
const PROGRAM = ['/opt/store-edge', '/etc/systemd/system/store-edge.service', '/etc/systemd/system/store-edge-backup.service',
  '/etc/systemd/system/store-edge-backup.timer', '/etc/udev/rules.d/70-store-edge-serial.rules', '/usr/local/bin/store-edge']

t.before(async () => {
  bundle = await testBundle()
  root = tempRoot(t, 'uninstall')
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root])
  if (res.code !== 0) throw new Error(`install failed: ${res.stderr}`)
  token = (JSON.parse(readFileSync(r('/etc/store-edge/config.json'), 'utf8')) as { adminToken: string }).adminToken
  // What a store accumulates: its database and a backup.
  writeFileSync(r('/var/lib/store-edge/edge.db'), 'the store\'s database')
  writeFileSync(r('/var/lib/store-edge/backups/store-edge-store-1-20260101T030000Z.db'), 'a backup')
  // Someone else's command of the same name as the relay's.
  mkdirSync(r('/usr/local/bin'), { recursive: true })
  writeFileSync(r('/usr/local/bin/cloud-relay'), '#!/bin/sh\necho not ours\n', { mode: 0o755 })
})

t.test('uninstall removes the program and keeps the data and config, saying where', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root])
  t.equal(res.code, 0, res.stderr)
  for (const p of PROGRAM) t.notOk(existsSync(r(p)), `${p} removed`)
  t.match(res.stdout, /removed \/opt\/store-edge\n/)
  t.match(res.stdout, /kept the data and config: \/var\/lib\/store-edge \/etc\/store-edge/)
  t.match(res.stdout, /uninstall\.sh --purge deletes them/)
  t.equal(readFileSync(r('/var/lib/store-edge/edge.db'), 'utf8'), 'the store\'s database')
  t.ok(existsSync(r('/var/lib/store-edge/backups/store-edge-store-1-20260101T030000Z.db')), 'the backup stays')
  t.ok(existsSync(r('/etc/store-edge/config.json')), 'the config stays')
  t.match(res.stderr, /\/usr\/local\/bin\/cloud-relay was not installed by store-edge: left as it is/)
  t.equal(readFileSync(r('/usr/local/bin/cloud-relay'), 'utf8'), '#!/bin/sh\necho not ours\n')
})

t.test('a second uninstall has nothing to remove', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /store-edge is not installed here: nothing to remove/)
})

t.test('a reinstall picks up the kept config and data', async (t) => {
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root, '--store-id', 'ignored'])
  t.equal(res.code, 0, res.stderr)
  const config = JSON.parse(readFileSync(r('/etc/store-edge/config.json'), 'utf8')) as { adminToken: string }
  t.equal(config.adminToken, token, 'the same admin token')
  t.notMatch(res.stdout, /created \/etc\/store-edge\/config\.json/)
  t.equal(readFileSync(r('/var/lib/store-edge/edge.db'), 'utf8'), 'the store\'s database')
})

t.test('--purge without a terminal wants --yes and removes nothing', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root, '--purge'])
  t.equal(res.code, 2)
  t.match(res.stderr, /--purge deletes the store's database, backups and config \(\/var\/lib\/store-edge \/etc\/store-edge\): add --yes to confirm/)
  t.ok(existsSync(r('/opt/store-edge/current')), 'the program is still there')
  t.ok(existsSync(r('/var/lib/store-edge/edge.db')), 'the data is still there')
})

t.test('--yes without --purge is a usage error', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root, '--yes'])
  t.equal(res.code, 2)
  t.match(res.stderr, /--yes only confirms --purge/)
})

t.test('--purge --yes removes the data and config too', async (t) => {
  const res = await runScript('uninstall.sh', ['--root', root, '--purge', '--yes'])
  t.equal(res.code, 0, res.stderr)
  for (const p of [...PROGRAM, '/var/lib/store-edge', '/etc/store-edge']) t.notOk(existsSync(r(p)), `${p} removed`)
  t.match(res.stdout, /deleted \/var\/lib\/store-edge\n/)
  t.match(res.stdout, /deleted \/etc\/store-edge\n/)
  const again = await runScript('uninstall.sh', ['--root', root, '--purge', '--yes'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /nothing to remove/)
})
