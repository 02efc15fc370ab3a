// Task updates pushed over MQTT: a handheld authenticated as itself subscribes to
// stores/{storeId}/devices/{itself}/tasks and hears of every task offered to its signed-in
// associate (created, claimed, completed, cancelled) and nothing about tasks of another zone;
// another device's task topic is refused, and no device may publish to a task topic.

import t, { type Test } from 'tap'
import type { MqttClient } from 'mqtt'
import { connectDevice, waitFor, type TestServer } from '../helpers/server.js'
import { act, createTask, FILL, handheld, startTaskServer, type Hand } from './helpers.js'

interface Pushed { topic: string, change: string, task: { id: number, kind: string, sku: string, location: string, qty: number | null, value: number, state: string, assignee: string | null, version: number, why: Record<string, unknown> } }

const tasksTopic = (device: string): string => `stores/store-1/devices/${device}/tasks`

/** The device secret inside a handheld's Basic credentials. */
const secretOf = (hand: Hand): string => Buffer.from(hand.auth.slice('Basic '.length), 'base64').toString('utf8').split(':')[1]

/** mqtt.js reports a 0x80 grant as an error carrying the SUBACK packet: the granted QoS or 128. */
const subscribe = (client: MqttClient, filter: string): Promise<number> => new Promise((resolve) =>
  client.subscribe(filter, { qos: 1 }, (err, granted) => {
    const packet = (err as { packet?: { granted: number[] } } | null)?.packet
    resolve(packet ? packet.granted[0] : granted![0].qos)
  }))

async function listen (t: Test, server: TestServer, hand: Hand): Promise<{ client: MqttClient, got: Pushed[] }> {
  const client = await connectDevice(t, server.mqttUrl, hand.device, secretOf(hand))
  const got: Pushed[] = []
  client.on('message', (topic, payload, packet) => {
    t.equal(packet.retain, false, 'task updates are not retained')
    got.push({ topic, ...JSON.parse(payload.toString()) })
  })
  t.equal(await subscribe(client, tasksTopic(hand.device)), 1, `${hand.device} may subscribe to its own task topic at QoS 1`)
  return { client, got }
}

t.test('a handheld hears of the tasks offered to its associate: created, claimed, completed, cancelled; not of another zone', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann', { zones: ['grocery'] })
  const bob = await handheld(server, 'hh-2', 'bob', { zones: ['dairy'] })
  const annHears = await listen(t, server, ann)
  const bobHears = await listen(t, server, bob)

  const fill = (await createTask(server, FILL)).body.task // A01-1, grocery
  const dairy = (await createTask(server, { kind: 'count', sku: 'DAIRY_1_001', location: 'COOL-1', value: 1, laborMin: 3 })).body.task
  await waitFor(() => annHears.got.some((m) => m.task.id === fill.id) && bobHears.got.some((m) => m.task.id === dairy.id), 5000, 'the created tasks to be pushed')
  t.match(annHears.got.find((m) => m.task.id === fill.id), {
    topic: tasksTopic('hh-1'),
    change: 'created',
    task: { id: fill.id, kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', qty: 12, value: 2.5, state: 'open', assignee: null, version: 1, why: { rule: 'test' } }
  })
  t.same(Object.keys(annHears.got[0]).sort(), ['change', 'task', 'topic'], 'a small message: change and task')
  t.same(Object.keys(annHears.got[0].task).sort(), ['assignee', 'id', 'kind', 'location', 'qty', 'sku', 'state', 'value', 'version', 'why'])

  t.equal((await act(server, ann, [{ actionId: 'p1', taskId: fill.id, action: 'claim' }])).body.accepted, 1)
  t.equal((await act(server, ann, [{ actionId: 'p2', taskId: fill.id, action: 'complete', result: { moved: 12, laborMin: 5 } }])).body.accepted, 1)
  const count = (await createTask(server, { kind: 'count', sku: 'FOODS_1_002', location: 'A01-2', value: 1, laborMin: 3 })).body.task
  t.equal((await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${count.id}/cancel`, payload: { reason: 'shelf recounted' } })).statusCode, 200)

  const mine = (): Array<[number, string, string, string | null, number]> => annHears.got
    .filter((m) => m.task.id === fill.id || m.task.id === count.id)
    .map((m) => [m.task.id, m.change, m.task.state, m.task.assignee, m.task.version])
  await waitFor(() => mine().length >= 5, 5000, 'five updates for ann')
  t.same(mine(), [
    [fill.id, 'created', 'open', null, 1],
    [fill.id, 'claimed', 'claimed', 'ann', 2],
    [fill.id, 'completed', 'done', 'ann', 3],
    [count.id, 'created', 'open', null, 1],
    [count.id, 'cancelled', 'cancelled', null, 2]
  ], 'in the order the writes committed')
  t.notOk(annHears.got.some((m) => m.task.id === dairy.id), 'nothing about a task in another zone')
  t.ok(annHears.got.every((m) => m.topic === tasksTopic('hh-1')), 'only on its own topic')
  t.same(bobHears.got.filter((m) => m.task.id === dairy.id).map((m) => m.change), ['created'], 'the dairy associate hears of the dairy task')
  t.notOk(bobHears.got.some((m) => m.task.id === fill.id || m.task.id === count.id), 'and not of grocery tasks')
})

t.test('a claimed task is told to its holder only; a release tells the holder and the pool', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann', { zones: ['grocery'] })
  const cat = await handheld(server, 'hh-3', 'cat', { zones: ['grocery'] })
  const annHears = await listen(t, server, ann)
  const catHears = await listen(t, server, cat)
  const fill = (await createTask(server, FILL)).body.task
  await act(server, ann, [{ actionId: 'q1', taskId: fill.id, action: 'claim' }])
  await act(server, ann, [{ actionId: 'q2', taskId: fill.id, action: 'start' }])
  await act(server, ann, [{ actionId: 'q3', taskId: fill.id, action: 'release' }])
  const changes = (got: Pushed[]): string[] => got.filter((m) => m.task.id === fill.id).map((m) => m.change)
  await waitFor(() => changes(annHears.got).length >= 4 && changes(catHears.got).length >= 3, 5000, 'the updates')
  t.same(changes(annHears.got), ['created', 'claimed', 'started', 'released'])
  t.same(changes(catHears.got), ['created', 'claimed', 'released'], 'the pool hears it was taken and is back, not each step of the holder')
})

t.test("another device's task topic is refused, and no device may publish to a task topic", async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  await handheld(server, 'hh-2', 'bob')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secretOf(ann))
  t.equal(await subscribe(client, tasksTopic('hh-2')), 128, "another device's task topic: failure 0x80")
  t.equal(await subscribe(client, 'stores/store-1/devices/+/tasks'), 128, 'a wildcard over devices is refused')
  t.equal(await subscribe(client, tasksTopic('hh-1')), 1)
  t.equal(await subscribe(client, 'stores/store-1/devices/hh-1/cmd/#'), 1, 'its command downlink still is allowed')

  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
  client.publish(tasksTopic('hh-1'), JSON.stringify({ change: 'completed', task: { id: 1 } }), { qos: 1 })
  await closed
  t.pass('publishing to its own task topic closes the connection: it is the server\'s downlink')
  t.equal((server.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 0, 'nothing was stored')
})

t.test('a push that cannot be published never fails the task write', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  // The broker's publish fails: first by rejecting, then by throwing (a broker closing under it).
  const publish = server.broker.publishTasks
  let tried = 0
  server.broker.publishTasks = () => { tried++; return Promise.reject(new Error('broker down')) }
  t.teardown(() => { server.broker.publishTasks = publish })
  const made = await createTask(server, FILL)
  t.equal(made.status, 201, 'the task is created')
  server.broker.publishTasks = () => { tried++; throw new Error('broker closed') }
  const res = await act(server, ann, [{ actionId: 'r1', taskId: made.body.task.id, action: 'claim' }])
  t.equal(res.body.accepted, 1, 'the claim is applied')
  await waitFor(() => tried >= 2, 5000, 'both pushes to be tried')
  server.broker.publishTasks = publish
  const listening = await listen(t, server, ann)
  await act(server, ann, [{ actionId: 'r2', taskId: made.body.task.id, action: 'start' }])
  await waitFor(() => listening.got.length > 0, 5000, 'the next push')
  t.match(listening.got[0], { change: 'started', task: { state: 'started', version: 3 } }, 'pushing goes on once the broker publishes again')
})
