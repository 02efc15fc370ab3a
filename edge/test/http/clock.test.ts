// The server clock over HTTP. In clockMode "sim" the store simulator sets it with PUT /api/v1/clock
// and the server lives on that time: events are stamped and judged by it, devices go offline when
// it passes their grace, health reports it. In system mode it cannot be set.

import t from 'tap'
import { connectDevice, publish, startTestServer, topic, type TestServer } from '../helpers/server.js'
import { delay } from '../helpers/wait-for.js'
import { basic, postEvents, type ApiError } from './api.js'

const START = '2016-04-25T08:00:00.000Z'
const START_MS = Date.parse(START)
const ADMIN_TOKEN = 'an-admin-token-of-32-characters!'
const at = (ms: number): string => new Date(ms).toISOString()

function startSim (t: Tap, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer(t, { clockMode: 'sim', clockStart: START, ...overrides })
}
type Tap = Parameters<typeof startTestServer>[0]

async function setClock (server: TestServer, now: string, authorization?: string): Promise<{ status: number, body: { mode: string, now: string, ran: number } & ApiError }> {
  const res = await server.app.inject({ method: 'PUT', url: '/api/v1/clock', headers: authorization ? { authorization } : {}, payload: { now } })
  return { status: res.statusCode, body: res.json() }
}

async function readClock (server: TestServer): Promise<{ mode: string, now: string }> {
  return (await server.app.inject({ url: '/api/v1/clock' })).json()
}

t.test('by default the clock is system time, which cannot be set', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const before = Date.now()
  const clock = await readClock(server)
  t.equal(clock.mode, 'system')
  t.ok(Date.parse(clock.now) >= before && Date.parse(clock.now) <= Date.now(), 'now is the system time')
  t.match(clock.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601 UTC with milliseconds')
  const put = await setClock(server, '2030-01-01T00:00:00Z')
  t.equal(put.status, 409)
  t.equal(put.body.error.code, 'EDGE_ERR_CLOCK_NOT_SIMULATED')
  t.equal((await server.app.inject({ url: '/api/v1/health' })).json().clock.mode, 'system', 'health reports the mode')
})

t.test('in sim mode the clock starts at clockStart and moves only when set', async (t) => {
  const server = await startSim(t)
  t.same(await readClock(server), { mode: 'sim', now: START })
  await delay(50)
  t.same(await readClock(server), { mode: 'sim', now: START }, 'real time passing does not move it')

  const put = await setClock(server, '2016-04-25T10:00:00+01:00')
  t.equal(put.status, 200)
  t.same(put.body, { mode: 'sim', now: '2016-04-25T09:00:00.000Z', ran: put.body.ran }, 'the answer is the new time in UTC')
  t.same(await readClock(server), { mode: 'sim', now: '2016-04-25T09:00:00.000Z' })

  const health = (await server.app.inject({ url: '/api/v1/health' })).json()
  t.same(health.clock, { mode: 'sim', now: '2016-04-25T09:00:00.000Z' })
  t.equal(health.uptimeS, 3600, 'uptime is counted on the simulated clock')
})

t.test('the simulation clock never goes back; setting the time it reads runs nothing', async (t) => {
  const server = await startSim(t)
  t.equal((await setClock(server, '2016-04-25T12:00:00Z')).status, 200)
  const back = await setClock(server, '2016-04-25T11:59:59.999Z')
  t.equal(back.status, 409)
  t.equal(back.body.error.code, 'EDGE_ERR_CLOCK_BACKWARDS')
  t.match(back.body.error.message, /2016-04-25T12:00:00\.000Z/, 'the message says what the clock reads')
  t.equal((await readClock(server)).now, '2016-04-25T12:00:00.000Z', 'and it still reads that')
  const same = await setClock(server, '2016-04-25T12:00:00Z')
  t.same(same, { status: 200, body: { mode: 'sim', now: '2016-04-25T12:00:00.000Z', ran: 0 } })
})

t.test('a 7-hour overnight jump runs the presence sweep once', async (t) => {
  const server = await startSim(t) // sweeps every 50 ms of simulated time (test setting)
  const night = await setClock(server, at(START_MS + 7 * 3600_000))
  // The presence sweep once, the shelf-risk slow tier (riskSlowCron, every 5 minutes) once, the
  // stale task-claim sweep (every minute) once, the phantom detector (phantomEveryMin 30) once,
  // the ASN auto-close (every minute) once, the put-away refresh (every 15 minutes) once and the
  // order-proposal expiry (every 5 minutes) once and the outbox budget check (every minute) once;
  // the day's proposal run (21:00) is not crossed.
  t.same(night.body, { mode: 'sim', now: '2016-04-25T15:00:00.000Z', ran: 8 }, 'not 504,000 sweeps, 84 rescorings, 420 claim sweeps, 14 phantom passes, 420 ASN checks, 28 put-away refreshes, 84 expiry sweeps and 420 outbox budget checks')
  t.equal((await setClock(server, at(START_MS + 7 * 3600_000 + 120))).body.ran, 1, '120 ms later: due once more (at +100 ms)')
})

t.test('clock changes sent at once are applied one after the other', async (t) => {
  const server = await startSim(t)
  const times = Array.from({ length: 10 }, (_, i) => at(START_MS + (i + 1) * 1000))
  const answers = await Promise.all(times.map((now) => setClock(server, now)))
  t.same(answers.map((a) => a.status), Array(10).fill(200))
  t.same(answers.map((a) => a.body.now), times)
  t.same(answers.map((a) => a.body.ran), Array(10).fill(1), 'each second ran its own sweep, none twice')
  t.equal((await readClock(server)).now, times[9])
})

t.test('a bad body is a validation error', async (t) => {
  const server = await startSim(t)
  for (const [why, payload] of [
    ['no time', {}],
    ['not a time', { now: 'tomorrow' }],
    ['no zone', { now: '2016-04-25T09:00:00' }],
    ['no such day', { now: '2016-02-30T09:00:00Z' }],
    ['epoch milliseconds', { now: START_MS + 1000 }],
    ['an unknown field', { now: '2016-04-25T09:00:00Z', speed: 60 }]
  ] as const) {
    const res = await server.app.inject({ method: 'PUT', url: '/api/v1/clock', payload })
    t.equal(res.statusCode, 400, why)
    t.equal(res.json().error.code, 'EDGE_ERR_VALIDATION', why)
  }
  t.equal((await readClock(server)).now, START, 'the clock did not move')
})

t.test('setting the clock needs the admin token when one is configured; reading it does not', async (t) => {
  const server = await startSim(t, { adminToken: ADMIN_TOKEN })
  for (const [why, authorization] of [['no token', undefined], ['a wrong token', `Bearer ${ADMIN_TOKEN}x`], ['Basic credentials', basic('admin', ADMIN_TOKEN)]] as const) {
    const res = await setClock(server, '2016-04-25T09:00:00Z', authorization)
    t.equal(res.status, 401, why)
    t.equal(res.body.error.code, 'EDGE_ERR_UNAUTHORIZED', why)
  }
  t.equal((await readClock(server)).now, START, 'anyone may read the clock, and it did not move')
  t.equal((await setClock(server, '2016-04-25T09:00:00Z', `Bearer ${ADMIN_TOKEN}`)).status, 200)
  t.equal((await readClock(server)).now, '2016-04-25T09:00:00.000Z')
})

t.test('events are stamped with the simulated time and judged against it', async (t) => {
  const server = await startSim(t) // maxEventAgeS 7 days, maxEventFutureS 300 s
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const sale = (id: string, occurredAt: string): Record<string, unknown> => ({ id, type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt })
  const first = await postEvents(server, auth, [
    sale('a-minute-ago', '2016-04-25T07:59:00Z'),
    sale('real-today', new Date().toISOString()), // years ahead of the simulation
    sale('eight-days-ago', '2016-04-17T07:59:00Z'),
    sale('in-four-minutes', '2016-04-25T08:04:00Z')
  ])
  t.same(first.body.results.map((r) => r.error?.code ?? r.status), ['accepted', 'EDGE_ERR_BAD_TIME', 'EDGE_ERR_BAD_TIME', 'accepted'])
  const journal = (await server.app.inject({ url: '/api/v1/events' })).json().events as Array<{ id: string, receivedAt: string }>
  t.same(journal.map((e) => [e.id, e.receivedAt]), [['a-minute-ago', START], ['in-four-minutes', START]], 'receivedAt is the simulated now')

  await setClock(server, '2016-05-03T08:00:00Z')
  const later = await postEvents(server, auth, [sale('a-week-and-a-minute-ago', '2016-04-26T07:59:00Z'), sale('in-the-morning', '2016-05-03T07:30:00Z')])
  t.same(later.body.results.map((r) => r.error?.code ?? r.status), ['EDGE_ERR_BAD_TIME', 'accepted'], 'the accepted window moved with the clock')
  t.equal((await server.app.inject({ url: '/api/v1/events?afterSeq=2' })).json().events[0].receivedAt, '2016-05-03T08:00:00.000Z')
  const dead = (await server.app.inject({ url: '/api/v1/dead-letters' })).json().deadLetters as Array<{ receivedAt: string }>
  t.same(dead.map((d) => d.receivedAt), [START, START, '2016-05-03T08:00:00.000Z'], 'dead letters too')
})

t.test('master data imported over HTTP is stamped with the simulated time', async (t) => {
  const server = await startSim(t, {})
  await setClock(server, '2016-04-26T06:00:00Z')
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/items/import', payload: { locations: [{ id: 'A02-1', kind: 'shelf' }] } })
  t.equal(res.statusCode, 200)
  t.same(server.db.prepare("SELECT updated_at FROM locations WHERE id = 'A02-1'").get(), { updated_at: '2016-04-26T06:00:00.000Z' })
})

t.test('a device that stops heartbeating goes offline when the simulated clock passes its grace', async (t) => {
  const server = await startSim(t)
  const secret = server.addDevice('cam-1', 'shelf-camera-gap')
  const client = await connectDevice(t, server.mqttUrl, 'cam-1', secret)
  const status = (): string => server.registry.get('cam-1')!.status // as committed to the database
  await publish(client, topic('cam-1', 'heartbeat'), '')
  await setClock(server, at(START_MS + 1000))
  t.equal(status(), 'online', 'the sweep after its heartbeat wrote it online')
  t.equal(server.registry.get('cam-1')!.lastSeenAt, START, 'seen at the simulated time')

  // The camera profile beats every 300 s; offline after 2.5 x 300 s = 750 s of silence.
  await delay(200)
  t.equal(status(), 'online', 'real time passing changes nothing')
  const within = await setClock(server, at(START_MS + 749_000))
  t.ok(within.body.ran >= 1, 'the sweeps ran')
  t.equal(status(), 'online', 'still within the grace period at 749 s')
  await setClock(server, at(START_MS + 751_000))
  t.equal(status(), 'offline', 'offline at 751 s, as soon as the PUT answered')
  t.equal((await server.app.inject({ url: '/api/v1/devices/cam-1' })).json().status, 'offline')
  t.equal(server.registry.get('cam-1')!.lastSeenAt, START, 'last seen stays the last heartbeat')

  await publish(client, topic('cam-1', 'heartbeat'), '')
  await setClock(server, at(START_MS + 752_000))
  t.equal(status(), 'online', 'back on its next heartbeat')
  t.equal(server.registry.get('cam-1')!.lastSeenAt, at(START_MS + 751_000))
})
