import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { openDatabase } from '../../src/store/db.js'
import { DeviceRegistry } from '../../src/store/devices.js'
import { startTestServer, tempDir, rmrf, waitFor } from '../helpers/server.js'
import { ptyDir, startPty } from './pty.js'

function registerScanner (dataDir: string, id: string, profile: string): void {
  const now = (): string => new Date().toISOString()
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  new DeviceRegistry(db, now).add(id, profile)
  db.close()
}

t.test('a serial scanner on a real pty: codes become scan events, garbage becomes counts, not crashes', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  registerScanner(dataDir, 'dock-scanner', 'serial-barcode-scanner')
  const dir = ptyDir(t)
  const pty = await startPty(t, dir)
  const server = await startTestServer(t, { serialPorts: [{ path: pty.devPath, deviceId: 'dock-scanner', location: 'RCV' }] }, { dataDir })
  await waitFor(() => server.serial[0].health().state === 'open', 5000, 'the port to open')

  const events = (): Array<{ event_id: string, type: string, sku: string, gtin: string, location: string }> =>
    server.db.prepare('SELECT event_id, type, sku, gtin, location FROM events ORDER BY seq').all() as never
  const dead = (): Array<{ reason: string }> => server.db.prepare('SELECT reason FROM dead_letters ORDER BY id').all() as never

  pty.write('4006381333931\r\n')
  pty.write('590123')
  await new Promise((r) => setTimeout(r, 50))
  pty.write('4123457\r\n') // a code split over two writes
  pty.write('\x00\x07\xff\xfe\r\n') // line noise
  pty.write('4006381333932\r\n') // bad check digit
  pty.write('96385074\r\n') // GTIN-8
  pty.write('4006381333931\r\n') // the same code again is a second scan
  await waitFor(() => events().length === 4 && dead().length === 1, 5000, 'four scans and one dead letter')
  t.match(events(), [
    { type: 'scan', sku: 'FOODS_1_001', gtin: '04006381333931', location: 'RCV' },
    { type: 'scan', sku: 'FOODS_1_002', gtin: '05901234123457' },
    { type: 'scan', sku: 'FOODS_1_002', gtin: '00000096385074' },
    { type: 'scan', sku: 'FOODS_1_001' }
  ])
  t.equal(new Set(events().map((e) => e.event_id)).size, 4, 'each read has its own id')
  t.same(dead().map((d) => d.reason), ['EDGE_ERR_BAD_CHECK_DIGIT'])

  const health = (await server.app.inject({ url: '/api/v1/health' })).json()
  t.match(health.serial, [{ path: pty.devPath, state: 'open', framesBad: 1 }])
  t.equal((await server.app.inject({ url: '/api/v1/devices/dock-scanner' })).json().status, 'online')

  // Unplugged: the server keeps serving and shows it.
  await pty.kill()
  await waitFor(() => server.serial[0].health().state === 'retrying', 5000, 'the reader to notice')
  t.equal((await server.app.inject({ url: '/api/v1/health' })).statusCode, 200)
})

t.test('a serial port naming an unregistered device stops start-up naming the key', async (t) => {
  await t.rejects(startTestServer(t, { serialPorts: [{ path: '/dev/ttyUSB9', deviceId: 'nobody' }] }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /serialPorts\[0\]\.deviceId/ })
})
