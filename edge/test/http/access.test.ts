// The panel and the API are protected by default (apiAuth 'sessions'): nothing under /api without a
// signed-in account, the admin token, or (handheld and event routes) device credentials; health and
// metrics stay open for monitoring. Managers change things, viewers only read.

import t from 'tap'
import { Accounts } from '../../src/store/accounts.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

const MANAGER = { username: 'maria', password: 'shelf-walk-2026' }
const VIEWER = { username: 'victor', password: 'backroom-view-7' }
const ADMIN_TOKEN = 'integration-token-0123456789'

async function server (t: Tap): Promise<TestServer> {
  const s = await startTestServer(t, { apiAuth: 'sessions', adminToken: ADMIN_TOKEN })
  const accounts = new Accounts(s.db)
  accounts.upsert({ ...MANAGER, displayName: 'Maria Lopez', role: 'manager' })
  accounts.upsert({ ...VIEWER, role: 'viewer' })
  return s
}
type Tap = Parameters<typeof startTestServer>[0]

async function signIn (s: TestServer, who: { username: string, password: string }): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: who })
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`)
  const set = String(res.headers['set-cookie'])
  return set.split(';')[0] // se_session=...
}

t.test('without credentials the API answers 401 EDGE_ERR_SIGN_IN_REQUIRED; health, metrics and docs stay open', async (t) => {
  const s = await server(t)
  for (const url of ['/api/v1/risk', '/api/v1/tasks', '/api/v1/order-proposals', '/api/v1/devices', '/api/v1/outbox', '/api/v1/nowhere']) {
    const res = await s.app.inject({ url })
    t.equal(res.statusCode, 401, url)
    t.equal(res.json().error.code, 'EDGE_ERR_SIGN_IN_REQUIRED', url)
  }
  t.equal((await s.app.inject({ url: '/api/v1/health' })).statusCode, 200)
  t.equal((await s.app.inject({ url: '/metrics' })).statusCode, 200)
  t.equal((await s.app.inject({ url: '/docs/json' })).statusCode, 200)
})

t.test('a manager signs in with a cookie that is HttpOnly and SameSite=Strict, reads and changes; sign-out ends it', async (t) => {
  const s = await server(t)
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'Maria', password: MANAGER.password } })
  t.equal(res.statusCode, 200, 'the user name is not case-sensitive')
  t.match(res.json().session, { username: 'maria', displayName: 'Maria Lopez', role: 'manager' })
  t.match(String(res.headers['set-cookie']), /^se_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/)
  const cookie = String(res.headers['set-cookie']).split(';')[0]
  t.match((await s.app.inject({ url: '/api/v1/session', headers: { cookie } })).json(), { session: { username: 'maria' } })
  t.equal((await s.app.inject({ url: '/api/v1/tasks', headers: { cookie } })).statusCode, 200)
  const made = await s.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { cookie }, payload: { kind: 'count', sku: 'FOODS_1_001', location: 'SHELF-A1', reason: 'manager asked' } })
  t.not(made.statusCode, 401, 'a manager may create a task')
  t.not(made.statusCode, 403)
  const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } })
  t.same(out.json(), { signedOut: true })
  t.match(String(out.headers['set-cookie']), /se_session=; .*Max-Age=0/)
  t.equal((await s.app.inject({ url: '/api/v1/tasks', headers: { cookie } })).statusCode, 401, 'the old cookie no longer works')
})

t.test('a viewer reads but may not change anything: 403 EDGE_ERR_ROLE_FORBIDDEN', async (t) => {
  const s = await server(t)
  const cookie = await signIn(s, VIEWER)
  t.equal((await s.app.inject({ url: '/api/v1/order-proposals', headers: { cookie } })).statusCode, 200)
  for (const [method, url] of [['POST', '/api/v1/order-proposals/run'], ['POST', '/api/v1/tasks'], ['POST', '/api/v1/devices'], ['GET', '/api/v1/accounts']] as const) {
    const res = await s.app.inject({ method, url, headers: { cookie }, payload: {} })
    t.equal(res.statusCode, 403, `${method} ${url}`)
    t.equal(res.json().error.code, 'EDGE_ERR_ROLE_FORBIDDEN')
  }
})

t.test('wrong passwords: the same answer for an unknown user; five in a row lock the account for minutes', async (t) => {
  const s = await server(t)
  const bad = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'whatever-it-is' } })
  t.equal(bad.statusCode, 401)
  t.equal(bad.json().error.code, 'EDGE_ERR_SIGN_IN_FAILED')
  t.notOk(bad.headers['set-cookie'], 'no cookie')
  for (let i = 0; i < 5; i++) {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'maria', password: `guess-number-${i}` } })
    t.equal(res.json().error.code, 'EDGE_ERR_SIGN_IN_FAILED')
  }
  const locked = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: MANAGER })
  t.equal(locked.statusCode, 429, 'locked, even with the right password')
  t.equal(locked.json().error.code, 'EDGE_ERR_ACCOUNT_LOCKED')
  t.equal((await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'maria' } })).statusCode, 400, 'a malformed sign-in is a 400')
})

t.test('the admin token acts as a manager for integrations; a wrong one is refused', async (t) => {
  const s = await server(t)
  t.equal((await s.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode, 200)
  const wrong = await s.app.inject({ url: '/api/v1/tasks', headers: { authorization: 'Bearer not-the-token-at-all-00' } })
  t.equal(wrong.statusCode, 401)
})

t.test('handhelds keep their device credentials: events and handheld routes need no panel session', async (t) => {
  const s = await server(t)
  const secret = s.addDevice('hh-1', 'generic-handheld')
  const basic = `Basic ${Buffer.from(`hh-1:${secret}`).toString('base64')}`
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: basic }, payload: { events: [{ id: 'e1', type: 'count', sku: 'FOODS_1_001', location: 'SHELF-A1', qty: 3, occurredAt: new Date().toISOString() }] } })
  t.not(res.statusCode, 401, `device-authenticated (${res.statusCode})`)
  t.equal((await s.app.inject({ method: 'POST', url: '/api/v1/events', payload: { events: [] } })).json().error.code, 'EDGE_ERR_UNAUTHORIZED', 'without device credentials the route itself refuses')
})

t.test('a change carrying another site\'s Origin is refused, even with the manager\'s cookie', async (t) => {
  const s = await server(t)
  const cookie = await signIn(s, MANAGER)
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/order-proposals/run', headers: { cookie, origin: 'http://evil.example' }, payload: {} })
  t.equal(res.statusCode, 403)
  t.equal(res.json().error.code, 'EDGE_ERR_FORBIDDEN')
})

t.test('accounts: weak passwords are refused, the last manager stays, a new password ends the sessions', async (t) => {
  const s = await server(t)
  const cookie = await signIn(s, MANAGER)
  const weak = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie }, payload: { username: 'sam', role: 'viewer', password: 'aaaaaaaaaaaa' } })
  t.equal(weak.statusCode, 422)
  t.equal(weak.json().error.code, 'EDGE_ERR_PASSWORD_WEAK')
  const demote = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie }, payload: { username: 'maria', role: 'viewer' } })
  t.equal(demote.statusCode, 409)
  t.equal(demote.json().error.code, 'EDGE_ERR_LAST_MANAGER')
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/v1/accounts/maria', headers: { cookie } })).statusCode, 409)
  const viewerCookie = await signIn(s, VIEWER)
  const changed = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie }, payload: { username: 'victor', role: 'viewer', password: 'a-new-long-secret-9' } })
  t.equal(changed.statusCode, 200)
  t.equal((await s.app.inject({ url: '/api/v1/tasks', headers: { cookie: viewerCookie } })).statusCode, 401, 'the viewer signs in again')
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/v1/accounts/nobody', headers: { cookie } })).json().error.code, 'EDGE_ERR_ACCOUNT_UNKNOWN')
})
