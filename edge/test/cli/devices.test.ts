// `store-edge devices add|list|revoke`: an operator registers a device, sees it, and revokes it.

import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { openDatabase } from '../../src/store/db.js'
import { DeviceRegistry } from '../../src/store/devices.js'
import { run, storeDir, withEnv } from './run.js'

function registry (dataDir: string): { registry: DeviceRegistry, close: () => void } {
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  return { registry: new DeviceRegistry(db, () => new Date().toISOString()), close: () => db.close() }
}

t.test('devices add prints the secret once; list shows the device; revoke revokes it', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const added = await run('devices', 'add', 'hh-1', '--profile', 'handheld-scanner-app', '--name', 'Aisle 1', ...cfg)
  t.equal(added.code, 0)
  t.equal(added.lines[0], 'registered hh-1 (handheld-scanner-app)')
  const secret = /^secret: (\S+)$/.exec(added.lines[1])?.[1]
  t.ok(secret, 'the secret is printed')
  t.match(added.text, /shown once/)
  t.same(added.errors, [])

  const reg = registry(dataDir)
  t.ok(reg.registry.verify('hh-1', secret!).ok, 'the printed secret is the device credential')
  reg.close()

  const list = await run('devices', 'list', ...cfg)
  t.equal(list.code, 0)
  t.equal(list.lines.length, 1)
  t.match(list.lines[0], /^hh-1\thandheld-scanner-app\tnever_seen\t-\tAisle 1$/)
  t.notMatch(list.text, secret!, 'the list never shows the secret')

  const revoked = await run('devices', 'revoke', 'hh-1', ...cfg)
  t.equal(revoked.code, 0)
  t.same(revoked.lines, ['revoked hh-1'])
  t.match((await run('devices', 'list', ...cfg)).lines[0], /^hh-1\thandheld-scanner-app\trevoked\t/)
  const after = registry(dataDir)
  t.same(after.registry.verify('hh-1', secret!), { ok: false, reason: 'revoked' })
  after.close()
})

t.test('--json prints machine-readable output', async (t) => {
  const { cfg } = storeDir(t)
  const added = await run('devices', 'add', 'pos-1', '--profile', 'pos-sales-feed', '--json', ...cfg)
  t.equal(added.code, 0)
  const { device, secret } = JSON.parse(added.lines[0])
  t.match(device, { id: 'pos-1', profileId: 'pos-sales-feed', status: 'never_seen' })
  t.type(secret, 'string')
  const list = JSON.parse((await run('devices', 'list', '--json', ...cfg)).lines[0])
  t.match(list, [{ id: 'pos-1', status: 'never_seen' }])
})

t.test('the data dir can come from EDGE_DATA_DIR instead of a config file', async (t) => {
  const { dataDir } = storeDir(t)
  withEnv(t, { EDGE_DATA_DIR: dataDir })
  t.equal((await run('devices', 'list')).lines[0], 'no devices registered')
  t.equal((await run('devices', 'add', 'scanner-1', '--profile', 'serial-barcode-scanner')).code, 0)
  const reg = registry(dataDir)
  t.equal(reg.registry.get('scanner-1')?.profileId, 'serial-barcode-scanner')
  reg.close()
})

t.test('mistakes exit non-zero with a message, and change nothing', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const unknown = await run('devices', 'add', 'cam-1', '--profile', 'no-such-profile', ...cfg)
  t.equal(unknown.code, 1)
  t.match(unknown.errors.join('\n'), /profile "no-such-profile".*EDGE_ERR_PROFILE_UNKNOWN/)
  t.match(unknown.errors.join('\n'), /handheld-scanner-app/, 'naming the profiles there are')

  t.equal((await run('devices', 'add', 'hh-1', '--profile', 'handheld-scanner-app', ...cfg)).code, 0)
  const dup = await run('devices', 'add', 'hh-1', '--profile', 'handheld-scanner-app', ...cfg)
  t.equal(dup.code, 1)
  t.match(dup.errors.join('\n'), /already registered.*EDGE_ERR_DEVICE_EXISTS/)

  const badId = await run('devices', 'add', 'bad id', '--profile', 'handheld-scanner-app', ...cfg)
  t.equal(badId.code, 1)
  t.match(badId.errors.join('\n'), /device id "bad id" is invalid/)

  const revokeUnknown = await run('devices', 'revoke', 'nobody', ...cfg)
  t.equal(revokeUnknown.code, 1)
  t.match(revokeUnknown.errors.join('\n'), /EDGE_ERR_DEVICE_UNKNOWN/)

  const noProfile = await run('devices', 'add', 'hh-2', ...cfg)
  t.equal(noProfile.code, 2, 'a missing option is a usage error')
  t.match(noProfile.errors.join('\n'), /usage: store-edge devices add ID --profile PROFILE/)
  t.equal((await run('devices', 'revoke', ...cfg)).code, 2)
  t.equal((await run('devices', 'rename', 'hh-1', ...cfg)).code, 2)

  const reg = registry(dataDir)
  t.same(reg.registry.list().map((d) => [d.id, d.status]), [['hh-1', 'never_seen']], 'only the one good registration')
  reg.close()
})

t.test('a bad config file is a clear error naming the key', async (t) => {
  const { cfg } = storeDir(t, { httpPort: 'eighty' })
  const res = await run('devices', 'list', ...cfg)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), /config key "httpPort".*EDGE_ERR_CONFIG_INVALID/)
})
