// A store server in its own process with handhelds publishing counts as fast as it acknowledges
// them: the backup's "live database under write load".

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { silentLog } from '../../src/core/log.js'
import { openDatabase } from '../../src/store/db.js'
import { DeviceRegistry } from '../../src/store/devices.js'
import { importMasterData } from '../../src/store/import/index.js'
import { startChild, type ChildServer } from '../helpers/child.js'
import { FIXTURES, connectDevice, topic } from '../helpers/server.js'

interface Tap { teardown (fn: () => unknown): void }

export interface LiveStore {
  child: ChildServer
  /** "deviceId/eventId" of every count the server acknowledged so far. */
  acked: Set<string>
  /** Stops publishing (the server keeps running). */
  stop (): void
}

/** The small store's master data and `devices` handhelds in dataDir; then the server, then the load. */
export async function liveStore (t: Tap, dataDir: string, devices = 3): Promise<LiveStore> {
  const now = (): string => new Date().toISOString()
  const db = openDatabase({ dataDir, synchronous: 'FULL', log: silentLog(), now })
  importMasterData(db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, now())
  const registry = new DeviceRegistry(db, now)
  const secrets = Array.from({ length: devices }, (_, i) => [`hh-${i}`, registry.add(`hh-${i}`, 'handheld-scanner-app').secret])
  db.close()

  const child = await startChild({ EDGE_DATA_DIR: dataDir })
  t.teardown(() => { child.proc.kill('SIGKILL') })
  const acked = new Set<string>()
  let stopped = false
  const clients: MqttClient[] = await Promise.all(secrets.map(async ([id, secret]) => {
    const c = await connectDevice(t, `mqtt://127.0.0.1:${child.ports.mqtt}`, id, secret)
    c.on('error', () => {})
    let k = 0
    const next = (): void => {
      if (stopped || !c.connected) return
      const msgId = `${id}-${k++}`
      c.publish(topic(id, 'count'), JSON.stringify({ msgId, ts: Date.now(), sku: 'FOODS_1_001', location: 'A01-1', counted: k % 40 }), { qos: 1 }, (err) => {
        if (err) return
        acked.add(`${id}/${msgId}`)
        setImmediate(next)
      })
    }
    for (let w = 0; w < 10; w++) next() // ten counts in flight per device
    return c
  }))
  return { child, acked, stop: () => { stopped = true; for (const c of clients) c.end(true) } }
}
