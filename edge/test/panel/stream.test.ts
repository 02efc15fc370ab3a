// GET /api/v1/stream: the panel's live updates as server-sent events over a real socket. A panel
// signed in with its session cookie hears a small notice when something changes (a task, scores,
// devices), bursts arrive as one notice, a quiet stream carries heartbeat comments, a stream ends
// when its session does (sign-out, the account removed or changed, expiry), and shutting the
// server down ends open streams instead of waiting for them.
//
// One server in sessions mode serves the tests in order (starting one is most of a test's time);
// each test opens its own streams, and the last of them closes it. Its times are short: changes
// gathered for 50 ms (250, risk 1,000 in production) and polled every 50 ms, heartbeats every 40
// ms, session checks every 100 ms. Sessions beyond the two sign-ins are made by the session store
// itself: every sign-in is ~60 ms of scrypt.

import { createHash } from 'node:crypto'
import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { Accounts } from '../../src/store/accounts.js'
import { openDatabase } from '../../src/store/db.js'
import { Sessions } from '../../src/store/sessions.js'
import { openStream, type SseStream } from '../helpers/sse.js'
import { delay } from '../helpers/wait-for.js'
import { orderServer, proposalsOf, runProposals, setPolicies } from '../orders/orders-helpers.js'
import { connectDevice, publish, startTestServer, topic, waitFor, type TestServer } from '../helpers/server.js'

type Tap = Parameters<typeof startTestServer>[0]
const MANAGER = { username: 'maria', password: 'shelf-walk-2026' }
const VIEWER = { username: 'victor', password: 'backroom-view-7' }
const ADMIN = 'an-admin-token-of-32-characters!'
const CHECK_MS = 100 // the session check's period on this server

let s: TestServer
/** Session cookies of the manager and the viewer, signed in once. */
let manager: string
let viewer: string

t.before(async () => {
  s = await startTestServer(t, { apiAuth: 'sessions', adminToken: ADMIN }, { changePollMs: 50, changeWindowMs: 50, streamHeartbeatMs: 40, streamCheckMs: CHECK_MS })
  const accounts = new Accounts(s.db)
  accounts.upsert({ ...MANAGER, role: 'manager' })
  accounts.upsert({ ...VIEWER, role: 'viewer' })
  manager = await signIn(MANAGER)
  viewer = await signIn(VIEWER)
})

async function signIn (who: { username: string, password: string }): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: who })
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`)
  return String(res.headers['set-cookie']).split(';')[0]
}

/** A new session of an account, as a sign-in makes it: its cookie, and the token's hash the sessions table keys it by. */
function sessionOf (username: string): { cookie: string, hash: Buffer } {
  const { token } = new Sessions(s.db, { idleMs: 60 * 60_000, maxMs: 12 * 3_600_000 }).create(new Accounts(s.db).get(username)!, null)
  return { cookie: `se_session=${token}`, hash: createHash('sha256').update(token, 'utf8').digest() }
}

/** A new account of its own for a test: a session cookie of it. */
function newAccount (username: string, role: 'manager' | 'viewer' = 'viewer'): string {
  new Accounts(s.db).upsert({ username, password: 'quiet-aisle-42', role })
  return sessionOf(username).cookie
}

/** A stream opened with these headers, once the server said it is connected. */
async function stream (t: Tap, headers: Record<string, string>): Promise<SseStream> {
  const st = await openStream(s.url('/api/v1/stream'), headers)
  t.teardown(() => st.close())
  await waitFor(() => st.comments.includes('connected'), 5000, 'the stream to open')
  return st
}

const notices = (st: SseStream, topic: string): Array<{ topic: string, count: number, items: Array<Record<string, unknown>> }> =>
  st.events.filter((e) => e.event === topic).map((e) => JSON.parse(e.data))

/** The reason of the stream's last event, `ended`, or null. */
const endReason = (st: SseStream): string | null => {
  const e = st.events.find((x) => x.event === 'ended')
  return e === undefined ? null : (JSON.parse(e.data) as { reason: string }).reason
}

/** `p`, or `fallback` once `ms` passed; the timer goes with it (a live timer would hold the process open that long). */
async function within<T> (p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p, new Promise<T>((resolve) => { timer = setTimeout(() => resolve(fallback), ms) })]).finally(() => clearTimeout(timer))
}

t.test('a viewer\'s stream hears of a task a manager creates through the API; without a cookie 401', async (t) => {
  const anonymous = await openStream(s.url('/api/v1/stream'))
  t.equal(anonymous.status, 401, 'no session cookie, no stream')
  anonymous.close()

  const st = await stream(t, { cookie: viewer })
  t.equal(st.status, 200)
  t.match(st.headers['content-type'], /^text\/event-stream/)

  const made = await s.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { cookie: manager }, payload: { kind: 'count', sku: 'FOODS_1_001', location: 'A01-1' } })
  t.equal(made.statusCode, 201)
  const id = made.json().task.id as number
  await waitFor(() => notices(st, 'tasks').length > 0, 5000, 'a tasks notice')
  const [notice] = notices(st, 'tasks')
  t.equal(notice.topic, 'tasks')
  t.match(notice.items, [{ id, change: 'created', kind: 'count', state: 'open', who: null, sku: 'FOODS_1_001', location: 'A01-1' }])
  t.ok(st.events[0].id, 'events carry an id')

  const cancelled = await s.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/cancel`, headers: { cookie: manager }, payload: { reason: 'counted yesterday' } })
  t.equal(cancelled.statusCode, 200)
  await waitFor(() => notices(st, 'tasks').length > 1, 5000, 'a second tasks notice')
  t.match(notices(st, 'tasks')[1].items, [{ id, change: 'cancelled', state: 'cancelled' }])
})

t.test('a burst of task changes is one notice; a full scoring pass is one risk notice', async (t) => {
  const st = await stream(t, { cookie: viewer })
  for (const location of ['A01-1', 'A01-2', 'COOL-1']) {
    for (const sku of ['FOODS_1_001', 'FOODS_1_002']) s.tasks.store.create({ kind: 'review', sku, location })
  }
  await waitFor(() => notices(st, 'tasks').length > 0, 5000, 'a tasks notice')
  const [burst] = notices(st, 'tasks')
  t.equal(burst.count, 6, 'six creations, one notice')
  t.equal(burst.items.length, 6)

  const before = notices(st, 'risk').length
  await s.risk.rescoreAll()
  await waitFor(() => notices(st, 'risk').length > before, 5000, 'a risk notice')
  const risk = notices(st, 'risk').slice(before)
  t.equal(risk.length, 1, 'one notice for the pass')
  t.match(risk[0].items[0], { tier: 'slow' })
  t.ok((risk[0].items[0].rescored as number) > 0, 'it says how many shelves were rescored')
})

t.test('devices: a registration over the API and a device going online reach the stream', async (t) => {
  const st = await stream(t, { cookie: manager })
  await delay(150) // the poll's first look records the fingerprints
  const reg = await s.app.inject({ method: 'POST', url: '/api/v1/devices', headers: { cookie: manager }, payload: { id: 'hh-9', profileId: 'handheld-scanner-app' } })
  t.equal(reg.statusCode, 201)
  await waitFor(() => notices(st, 'devices').some((n) => n.items.some((i) => i.change === 'registry')), 5000, 'a devices notice for the registration')
  t.notOk(notices(st, 'devices').some((n) => n.items.some((i) => i.deviceId === 'hh-9')), 'not online before it sends anything')
  const device = await connectDevice(t, s.mqttUrl, 'hh-9', reg.json().secret as string)
  await publish(device, topic('hh-9', 'heartbeat'), 'up')
  await waitFor(() => notices(st, 'devices').some((n) => n.items.some((i) => i.deviceId === 'hh-9')), 5000, 'hh-9 online')
  t.match(notices(st, 'devices').flatMap((n) => n.items).find((i) => i.deviceId === 'hh-9'), { change: 'online', reason: null })
})

t.test('outbox: rows written for headquarters change the outbox fingerprint, and the stream hears of it', async (t) => {
  const st = await stream(t, { cookie: viewer })
  await delay(150) // the poll's first look records the fingerprints
  t.equal(notices(st, 'outbox').length, 0, 'nothing changed yet')
  const secret = s.addDevice('hh-1', 'handheld-scanner-app')
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: 'Basic ' + Buffer.from(`hh-1:${secret}`).toString('base64') }, payload: { events: [{ id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 4, occurredAt: new Date().toISOString() }] } })
  t.equal(res.statusCode, 200)
  await waitFor(() => notices(st, 'outbox').length > 0, 5000, 'an outbox notice')
  t.match(notices(st, 'outbox')[0].items[0], { sender: 'off', budget: 'ok' })
  t.ok((notices(st, 'outbox')[0].items[0].total as number) > 0, 'a count adjustment waits for the relay')
})

t.test('a quiet stream carries heartbeat comments', async (t) => {
  const st = await stream(t, { cookie: viewer })
  await waitFor(() => st.comments.filter((c) => c === 'heartbeat').length >= 2, 5000, 'two heartbeats')
  t.pass('heartbeats arrive')
})

t.test('signing out ends the session\'s streams at once; another session\'s and the admin token\'s stay', async (t) => {
  const leaving = newAccount('sol')
  const staying = sessionOf('sol').cookie
  const tabs = [await stream(t, { cookie: leaving }), await stream(t, { cookie: leaving })]
  const other = await stream(t, { cookie: staying })
  const admin = await stream(t, { authorization: `Bearer ${ADMIN}` })

  const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: leaving } })
  t.equal(out.statusCode, 200)
  await within(Promise.all(tabs.map((st) => st.ended)), 5000, undefined)
  t.ok(tabs.every((st) => st.done), 'both tabs of the signed-out session ended')
  // 'signed_out' comes only from the sign-out itself; the periodic check would say 'session_ended'.
  t.same(tabs.map(endReason), ['signed_out', 'signed_out'], 'ended by the sign-out, and the last event says so')
  t.equal((await openStream(s.url('/api/v1/stream'), { cookie: leaving })).status, 401, 'the browser\'s reconnect is refused')

  await delay(3 * CHECK_MS)
  t.notOk(other.done, 'the same account\'s other session keeps its stream')
  t.notOk(admin.done, 'the admin token\'s stream belongs to no session')
})

t.test('an account removed, or given another role, over the API: its streams end with the change; a change that keeps its sessions keeps them', async (t) => {
  const removed = await stream(t, { cookie: newAccount('sam') })
  const demoted = await stream(t, { cookie: newAccount('rita', 'manager') })
  const renamed = await stream(t, { cookie: newAccount('rene') })

  const del = await s.app.inject({ method: 'DELETE', url: '/api/v1/accounts/sam', headers: { cookie: manager } })
  t.equal(del.statusCode, 200)
  await within(removed.ended, 5000, undefined)
  t.ok(removed.done, 'the removed account\'s stream ended')
  // 'account_changed' comes only from the account routes; the periodic check would say 'session_ended'.
  t.equal(endReason(removed), 'account_changed', 'ended by the removal itself')

  const role = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie: manager }, payload: { username: 'rita', role: 'viewer' } })
  t.equal(role.statusCode, 200)
  await within(demoted.ended, 5000, undefined)
  t.ok(demoted.done, 'a manager made a viewer: the stream ended')
  t.equal(endReason(demoted), 'account_changed')

  const name = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie: manager }, payload: { username: 'rene', role: 'viewer', displayName: 'René' } })
  t.equal(name.statusCode, 200)
  await delay(3 * CHECK_MS)
  t.notOk(renamed.done, 'a new display name ends no session, nor its stream')
})

t.test('an account removed from the shell, or a session past its age or idle: the stream ends at the next check', async (t) => {
  const fromShell = await stream(t, { cookie: newAccount('tom') })
  const oldSession = sessionOf('victor')
  const old = await stream(t, { cookie: oldSession.cookie })
  const idleSession = sessionOf('victor')
  const idle = await stream(t, { cookie: idleSession.cookie })

  // `store-edge accounts remove` is another process on the same database: nothing in the server hears it.
  const shell = openDatabase({ dataDir: s.dataDir, synchronous: 'FULL', log: silentLog(), now: () => new Date().toISOString() })
  new Accounts(shell).remove('tom')
  shell.close()
  await within(fromShell.ended, 5000, undefined)
  t.ok(fromShell.done, 'the removed account\'s stream ended')
  t.equal(endReason(fromShell), 'session_ended')

  // sessionMaxHours after sign-in: the session's end is now.
  s.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(Date.now() - 1, oldSession.hash)
  await within(old.ended, 5000, undefined)
  t.ok(old.done, 'the session past its max age ended its stream')
  t.equal(endReason(old), 'session_ended')

  // sessionIdleMin (60) without a request or an open stream: the server was suspended that long, say.
  s.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(Date.now() - 61 * 60_000, idleSession.hash)
  await within(idle.ended, 5000, undefined)
  t.ok(idle.done, 'the idle session ended its stream')
})

t.test('an open stream counts as activity: its session does not idle out while a panel watches', async (t) => {
  const watching = sessionOf('victor')
  const st = await stream(t, { cookie: watching.cookie })
  // Forty minutes since the last request, within the hour of sessionIdleMin: the stream's check refreshes it.
  const then = Date.now() - 40 * 60_000
  s.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(then, watching.hash)
  const lastSeen = (): number => (s.db.prepare('SELECT last_seen_at AS at FROM sessions WHERE token_hash = ?').get(watching.hash) as { at: number }).at
  await waitFor(() => lastSeen() > then, 5000, 'the check to refresh the session')
  t.ok(lastSeen() >= Date.now() - 5000, 'used just now')
  t.notOk(st.done, 'the stream goes on')
})

t.test('closing the server ends open streams and does not wait for them', async (t) => {
  // The last test on this server: it closes it (the teardown's close is then a no-op).
  const streams = [await stream(t, { cookie: viewer }), await stream(t, { cookie: viewer }), await stream(t, { authorization: `Bearer ${ADMIN}` })]
  const started = Date.now()
  // A close that waits on the streams never ends: give it a bound so the test fails instead of hanging.
  const outcome = await within(s.close().then(() => 'closed'), 20_000, 'still closing')
  t.equal(outcome, 'closed', `closed in ${Date.now() - started} ms`)
  await Promise.all(streams.map((st) => st.ended))
  t.same(streams.map(endReason), ['shutdown', 'shutdown', 'shutdown'], 'every stream ended, saying why')
})

t.test('proposals: a run that makes them and a manager\'s decision reach the stream', async (t) => {
  const orders = await orderServer(t) // apiAuth 'open': the LAN is trusted, no cookie needed
  await setPolicies(orders, 'defaults:\n  autoApprove:\n    maxValue: 1\n')
  const st = await openStream(orders.url('/api/v1/stream'))
  t.teardown(() => st.close())
  t.equal(st.status, 200)
  await waitFor(() => st.comments.includes('connected'), 5000, 'the stream to open')
  await runProposals(orders)
  await waitFor(() => notices(st, 'proposals').length > 0, 5000, 'a proposals notice')
  t.match(notices(st, 'proposals')[0].items, [{ change: 'made', created: 3 }])
  const [p] = await proposalsOf(orders, 'state=pending')
  const approved = await orders.app.inject({ method: 'POST', url: `/api/v1/order-proposals/${p.id}/approve`, payload: { by: 'mgr-ann', version: p.version } })
  t.equal(approved.statusCode, 200)
  await waitFor(() => notices(st, 'proposals').length > 1, 5000, 'a second proposals notice')
  t.match(notices(st, 'proposals')[1].items, [{ change: 'decided', id: p.id, sku: p.sku, state: 'approved', by: 'mgr-ann' }])
})
