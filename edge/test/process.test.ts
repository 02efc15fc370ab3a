import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { silentLog } from '../src/core/log.js'
import { openDatabase } from '../src/store/db.js'
import { DeviceRegistry } from '../src/store/devices.js'
import { importMasterData } from '../src/store/import/index.js'
import { startChild } from './helpers/child.js'
import { FIXTURES, connectDevice, publish, rmrf, tempDir, topic, waitFor } from './helpers/server.js'

/** A data dir with the small store and `n` handhelds; returns their secrets. */
function prepare (dataDir: string, n: number): Record<string, string> {
  const now = (): string => new Date().toISOString()
  const db = openDatabase({ dataDir, synchronous: 'FULL', log: silentLog(), now })
  importMasterData(db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, now())
  const reg = new DeviceRegistry(db, now)
  const secrets: Record<string, string> = {}
  for (let i = 0; i < n; i++) secrets[`hh-${i}`] = reg.add(`hh-${i}`, 'handheld-scanner-app').secret
  db.close()
  return secrets
}

function readBack (dataDir: string): { ids: string[], onHand: number, ledgerSum: number } {
  const db = openDatabase({ dataDir, synchronous: 'FULL', log: silentLog(), now: () => new Date().toISOString() })
  const ids = (db.prepare("SELECT device_id || '/' || event_id AS k FROM events").all() as Array<{ k: string }>).map((r) => r.k)
  const onHand = (db.prepare("SELECT on_hand FROM positions WHERE sku = 'FOODS_1_001' AND location = 'A01-1'").get() as { on_hand: number }).on_hand
  const ledgerSum = (db.prepare("SELECT SUM(delta) AS s FROM ledger WHERE sku = 'FOODS_1_001' AND location = 'A01-1' AND bucket = 'on_hand'").get() as { s: number }).s
  db.close()
  return { ids, onHand, ledgerSum }
}

t.test('SIGKILL while devices publish: every acknowledged event is there after restart, none twice', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const secrets = prepare(dataDir, 5)
  const child = await startChild({ EDGE_DATA_DIR: dataDir })
  t.teardown(() => { child.proc.kill('SIGKILL') })
  const url = `mqtt://127.0.0.1:${child.ports.mqtt}`

  const acked = new Set<string>()
  const sent: Array<{ deviceId: string, payload: string }> = []
  let stop = false
  const clients = await Promise.all(Object.entries(secrets).map(async ([id, secret]) => {
    const c = await connectDevice(t, url, id, secret)
    c.on('error', () => {})
    let k = 0
    // Each device keeps 20 counts in flight; each count moves the shelf position up or down.
    const next = (): void => {
      if (stop || !c.connected) return
      const msgId = `${id}-${k++}`
      const payload = JSON.stringify({ msgId, ts: Date.now(), sku: 'FOODS_1_001', location: 'A01-1', counted: k % 50 })
      sent.push({ deviceId: id, payload })
      c.publish(topic(id, 'count'), payload, { qos: 1 }, (err) => {
        if (err) return
        acked.add(`${id}/${msgId}`)
        setImmediate(next)
      })
    }
    for (let w = 0; w < 20; w++) next()
    return c
  }))
  await waitFor(() => acked.size > 2000, 20000, '2,000 acknowledgements')
  child.proc.kill('SIGKILL')
  const exit = await child.exited
  stop = true
  t.equal(exit.signal, 'SIGKILL')
  for (const c of clients) c.end(true)

  const back = readBack(dataDir)
  const stored = new Set(back.ids)
  const missing = [...acked].filter((k) => !stored.has(k))
  t.same(missing, [], `all ${acked.size} acknowledged events survived the kill (${stored.size} stored)`)
  t.equal(back.ids.length, stored.size, 'no event is stored twice')
  t.equal(back.onHand, back.ledgerSum, 'the position equals the sum of its ledger: journal, ledger and position committed together')

  // The devices come back and resend what they never heard an answer for: applied once.
  const again = await startChild({ EDGE_DATA_DIR: dataDir })
  t.teardown(() => { again.proc.kill('SIGKILL') })
  const c = await connectDevice(t, `mqtt://127.0.0.1:${again.ports.mqtt}`, 'hh-0', secrets['hh-0'])
  const mine = sent.filter((s) => s.deviceId === 'hh-0').slice(-50)
  for (const s of mine) await publish(c, topic('hh-0', 'count'), s.payload)
  c.end(true)
  again.proc.kill('SIGTERM')
  t.equal((await again.exited).code, 0)
  const after = readBack(dataDir)
  t.equal(after.ids.length, new Set(after.ids).size, 'still none twice')
  const ids0 = new Set(mine.map((s) => `hh-0/${JSON.parse(s.payload).msgId}`))
  t.equal(after.ids.filter((k) => ids0.has(k)).length, ids0.size, 'the resent ones are all there, once')
  t.equal(after.onHand, after.ledgerSum)
})

t.test('SIGTERM drains: in-flight messages are committed and acknowledged, then the process exits 0', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const secrets = prepare(dataDir, 1)
  const child = await startChild({ EDGE_DATA_DIR: dataDir })
  t.teardown(() => { child.proc.kill('SIGKILL') })
  const c = mqtt.connect(`mqtt://127.0.0.1:${child.ports.mqtt}`, { clientId: 'hh-0', username: 'hh-0', password: secrets['hh-0'], reconnectPeriod: 0 })
  c.on('error', () => {})
  await new Promise((r) => c.once('connect', r))
  const acked: string[] = []
  for (let i = 0; i < 300; i++) {
    c.publish(topic('hh-0', 'scan'), JSON.stringify({ msgId: `s${i}`, ts: Date.now(), gtin: '4006381333931' }), { qos: 1 }, (err) => { if (!err) acked.push(`hh-0/s${i}`) })
  }
  await waitFor(() => acked.length > 10, 10000, 'first acknowledgements')
  child.proc.kill('SIGTERM')
  const exit = await child.exited
  c.end(true)
  t.equal(exit.code, 0, 'a clean exit')
  t.ok(child.lines.some((l) => l.includes('"shut down"')), 'the shutdown is logged')
  const stored = new Set(readBack(dataDir).ids)
  t.ok(acked.every((k) => stored.has(k)), `all ${acked.length} acknowledged are stored`)
})

t.test('a broken config stops start-up with a message naming the key', async (t) => {
  await t.rejects(startChild({ EDGE_DATA_DIR: tempDir(), EDGE_MQTT_PORT: 'eighteen' }), /"mqttPort".*EDGE_MQTT_PORT/)
})
