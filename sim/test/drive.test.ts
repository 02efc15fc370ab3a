// The simulator's connection to a real store server: a `store-edge serve` child on free ports with
// a simulated clock, driven only as the store's devices and handhelds drive it (MQTT and HTTP).

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { networkInterfaces } from 'node:os'
import t from 'tap'
import { ApiError, StoreApi, type DeviceCredentials } from '../src/drive/api.js'
import { Handheld } from '../src/drive/handheld.js'
import { MqttDevice } from '../src/drive/mqtt-device.js'
import { startStoreServer } from '../src/drive/server.js'
import { lanAddresses } from '../src/demo/lan.js'

const STORE = 'sim-store-1'
const T0 = Date.parse('2026-03-02T08:00:00Z') // the server clock's start
// Event time, seconds after T0: the server takes events up to 300 s ahead of its clock.
const at = (s: number): string => new Date(T0 + s * 1000).toISOString()

// EDGE_LOG_LEVEL as a simulation run passes it: the level kept, while the child still says its ports.
const server = await startStoreServer({ storeId: STORE, clockStartMs: T0, env: { EDGE_LOG_LEVEL: 'warn' } })
t.teardown(() => server.stop())
const api = new StoreApi(server)

await api.importMasterData({
  locations: [
    { id: 'A1-1', kind: 'shelf' },
    { id: 'A1-2', kind: 'shelf' },
    { id: 'BR-1', kind: 'backroom' },
    { id: 'RCV', kind: 'receiving' }
  ],
  items: [
    { sku: 'SKU-A', description: 'Oat biscuits', home_location: 'A1-1', shelf_capacity: 24, case_pack: 12 },
    { sku: 'SKU-B', description: 'Tomato soup', home_location: 'A1-2', shelf_capacity: 12, case_pack: 6 }
  ],
  onHand: [
    { sku: 'SKU-A', location: 'A1-1', qty: 20 },
    { sku: 'SKU-A', location: 'BR-1', qty: 48 },
    { sku: 'SKU-B', location: 'A1-2', qty: 10 }
  ]
})
const posCreds = await api.registerDevice('pos-01', 'pos-sales-feed')
const handheldCreds = await api.registerDevice('hh-01', 'handheld-scanner-app')
const cameraCreds = await api.registerDevice('cam-01', 'shelf-camera-gap')

const connect = async (creds: DeviceCredentials, bufferWhileOffline = true): Promise<MqttDevice> => {
  const d = await MqttDevice.connect({ port: server.mqttPort, storeId: STORE, creds, bufferWhileOffline })
  t.teardown(() => d.close())
  return d
}
const pos = await connect(posCreds)
let txn = 0
const basket = (sku: string, qty: number, second: number): object =>
  ({ txnId: `L01-${++txn}`, ts: at(second), lane: '01', lines: [{ lineNo: 1, sku, qty, price: 2.49 }] })

t.test('a basket published by a POS lane takes its units off the shelf', async (t) => {
  t.equal(await pos.publish('basket', basket('SKU-A', 3, 10)), true, 'acknowledged after the commit')
  const a = (await api.inventory()).get('SKU-A')!
  t.equal(a.shelf, 17)
  t.equal(a.backroom, 48)
  t.equal(a.byLocation.get('A1-1'), 17)
})

t.test('a handheld offline keeps its events and they apply once when it is back', async (t) => {
  const hh = new Handheld(api, handheldCreds)
  const fill = [
    { id: 'hh-01-0001', type: 'pick', occurredAt: at(20), sku: 'SKU-A', location: 'A1-1', qty: 6, data: { from: 'BR-1' } },
    { id: 'hh-01-0002', type: 'putaway', occurredAt: at(30), sku: 'SKU-A', location: 'A1-1', qty: 6 }
  ]
  await hh.setOnline(false)
  await hh.post(fill)
  t.match(hh.stats(), { queued: 2, waiting: 2, posted: 0 })
  t.match((await api.inventory()).get('SKU-A'), { shelf: 17, backroom: 48 }, 'nothing reached the server')

  await hh.setOnline(true)
  t.match(hh.stats(), { posted: 2, waiting: 0, duplicates: 0, rejected: 0 })
  t.match((await api.inventory()).get('SKU-A'), { shelf: 23, backroom: 42, inTransit: 0 }, 'picked and put away once')

  const again = await api.postEvents(handheldCreds, fill)
  t.match(again, { accepted: 0, duplicates: 2, rejected: 0 }, 'the same ids again are duplicates')
  t.match((await api.inventory()).get('SKU-A'), { shelf: 23, backroom: 42 }, 'and change nothing')
})

t.test('task actions from an offline handheld wait behind its events and apply once, in the order done', async (t) => {
  // An item of its own: the tests after this one read SKU-A and SKU-T.
  await api.importMasterData({ items: [{ sku: 'SKU-T', description: 'Green tea', home_location: 'A1-2', shelf_capacity: 12, case_pack: 6 }] })
  await api.addAssociate({ id: 'ana', name: 'Ana', badge: 'B-ana', pin: '2468' })
  const { token } = await api.signIn(handheldCreds, 'B-ana', '2468')
  const made = await fetch(`${server.baseUrl}/api/v1/tasks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'count', sku: 'SKU-T', location: 'A1-2' })
  })
  const { task } = await made.json() as { task: { id: number } }
  t.ok((await api.openTasks(50)).some((x) => x.id === task.id), 'the count is on the open list')
  const hh = new Handheld(api, handheldCreds)
  const answers: object[] = []
  const send = async (actions: object[]): Promise<void> => { answers.push(...await api.postActions(handheldCreds, token, actions)) }
  const actions = [
    { actionId: 'ana-1', taskId: task.id, action: 'claim', at: at(40) },
    { actionId: 'ana-2', taskId: task.id, action: 'complete', at: at(50), result: { found: 5 } }
  ]
  await hh.setOnline(false)
  // The associate scanned the bin first (an event), then counted the shelf (the task).
  await hh.post([{ id: 'hh-01-0100', type: 'cycle_count', occurredAt: at(35), sku: 'SKU-T', location: 'BR-1', qty: 7 }])
  await hh.act({ actions, send })
  t.same(answers, [], 'nothing sent while offline')
  t.match(hh.stats(), { waiting: 2 })
  await hh.setOnline(true)
  t.match(answers, [{ status: 'accepted' }, { status: 'accepted' }])
  t.match((await api.inventory()).get('SKU-T')?.byLocation, new Map([['A1-2', 5], ['BR-1', 7]]), 'the event and the count both applied')
  const replay = await api.postActions(handheldCreds, token, actions)
  t.same(replay.map((r) => r.status), ['duplicate', 'duplicate'], 'the same actions again apply nothing')
})


t.test('a handheld event the server refuses is reported with its code', async (t) => {
  const hh = new Handheld(api, handheldCreds)
  await hh.post([{ id: 'hh-01-0003', type: 'receipt', occurredAt: at(40), sku: 'SKU-NONE', location: 'RCV', qty: 12 }])
  t.match(hh.stats(), { posted: 1, rejected: 1, rejections: [{ id: 'hh-01-0003', code: 'EDGE_ERR_UNKNOWN_SKU' }] })
})

t.test('a POS lane with a buffer replays its offline baskets once on reconnect', async (t) => {
  await pos.setOnline(false)
  t.equal(pos.online, false)
  const offline = [basket('SKU-B', 2, 50), basket('SKU-B', 1, 60)]
  for (const b of offline) t.equal(await pos.publish('basket', b), true, 'kept in the buffer')
  t.match(pos.stats(), { buffered: 2, waiting: 2 })
  t.equal((await api.inventory()).get('SKU-B')!.shelf, 10, 'nothing reached the server')

  await pos.setOnline(true)
  await pos.settle()
  t.match(pos.stats(), { replayed: 2, waiting: 0, dropped: 0 })
  t.equal((await api.inventory()).get('SKU-B')!.shelf, 7)

  // A lane that re-sends a basket (its PUBACK was lost) changes nothing: txnId:lineNo is the id.
  t.equal(await pos.publish('basket', offline[0]), true)
  t.equal((await api.inventory()).get('SKU-B')!.shelf, 7, 'applied once')
})

t.test('a device without a buffer loses what it makes offline', async (t) => {
  const lane2 = await connect(await api.registerDevice('pos-02', 'pos-sales-feed'), false)
  await lane2.setOnline(false)
  t.equal(await lane2.publish('basket', basket('SKU-B', 1, 70)), false)
  await lane2.setOnline(true)
  await lane2.settle()
  t.match(lane2.stats(), { dropped: 1, buffered: 0, published: 0 })
  t.equal((await api.inventory()).get('SKU-B')!.shelf, 7)
})

t.test('a shelf camera gap is accepted as an event, not a dead letter', async (t) => {
  const camera = await connect(cameraCreds)
  const gap = { detId: 'cam-01-0001', ts: at(80), bay: 'A1-2', facing: 1, gapRatio: 0.8, confidence: 0.9, candidates: ['SKU-B'] }
  t.equal(await camera.publish('gap', gap), true)
  camera.heartbeat()
  t.same(await api.deadLetters({ deviceId: 'cam-01' }), [])
})

t.test('the server clock moves only when told, and never back', async (t) => {
  t.same(await api.clock(), { mode: 'sim', now: T0 })
  const warned = server.logSummary().warn
  await api.setClock(T0 + 10 * 60_000)
  t.same(await api.clock(), { mode: 'sim', now: T0 + 10 * 60_000 })
  // The presence sweeps due on the way ran: the two POS lanes (heartbeat 30 s, grace 2.5 x) sent
  // nothing for ten simulated minutes and are offline, a warning each; the camera (300 s) is not yet.
  await waitFor(() => server.logSummary().warn >= warned + 2, 'two heartbeat_missed warnings')
  t.equal(server.logSummary().warn, warned + 2)
  const err = await api.setClock(T0).catch((e: unknown) => e)
  t.ok(err instanceof ApiError)
  t.match(err, { status: 409, code: 'EDGE_ERR_CLOCK_BACKWARDS', message: /PUT \/api\/v1\/clock: 409 EDGE_ERR_CLOCK_BACKWARDS/ })
})

t.test('the server\'s warnings are counted', async (t) => {
  const before = server.logSummary().warn
  const wrong = MqttDevice.connect({ port: server.mqttPort, storeId: STORE, creds: { id: 'pos-01', secret: 'not-the-secret' }, bufferWhileOffline: true })
  await t.rejects(wrong, /pos-01: MQTT connect .* failed/)
  await waitFor(() => server.logSummary().warn > before, 'the refusal warning')
  t.match(server.logSummary(), { error: 0, firstErrors: [] })
})

const lan = lanAddresses(networkInterfaces())[0]
t.test('the server listens on this machine only unless told otherwise', { skip: lan === undefined ? 'this machine has no IPv4 address but loopback' : false }, async (t) => {
  t.equal(server.host, '127.0.0.1')
  for (const [what, port] of [['HTTP', new URL(server.baseUrl).port], ['MQTT', server.mqttPort]] as const) {
    t.equal(await reaches('127.0.0.1', Number(port)), 'connected', `${what} on loopback`)
    t.equal(await reaches(lan.address, Number(port)), 'ECONNREFUSED', `${what} not on ${lan.iface} (${lan.address})`)
  }
})

t.test('a server that cannot start says why', async (t) => {
  await t.rejects(startStoreServer({ storeId: 'bad store id', clockStartMs: T0 }), /exited .* before listening; stderr: .*storeId/)
})

t.test('a server whose simulator is killed stops too, and its temp data dir goes', async (t) => {
  // A simulator in its own process, killed with SIGKILL (as a test timeout or the OOM killer would).
  const script = `const { startStoreServer } = await import(${JSON.stringify(new URL('../src/drive/server.ts', import.meta.url).pathname)})
    const s = await startStoreServer({ storeId: 'orphan', clockStartMs: ${T0} })
    console.log(JSON.stringify({ pid: s.pid, dataDir: s.dataDir }))`
  const sim = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await once(sim.stdout!, 'data') as [Buffer]
  const orphan = JSON.parse(line.toString()) as { pid: number, dataDir: string }
  t.ok(alive(orphan.pid) && existsSync(orphan.dataDir), 'running')
  sim.kill('SIGKILL')
  await waitFor(() => !alive(orphan.pid) && !existsSync(orphan.dataDir), 'the orphaned server to stop', 15_000)
  t.pass('stopped and cleaned up')
})

t.test('stop ends the server and removes its temp data dir', async (t) => {
  await pos.close()
  await server.stop()
  t.not(server.exitStatus(), null)
  t.equal(existsSync(server.dataDir), false)
})

function reaches (host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, host)
    s.once('connect', () => { s.destroy(); resolve('connected') })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0: only asks whether the process exists
    return true
  } catch {
    return false
  }
}

async function waitFor (cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10)) // milliseconds between looks
  }
}
