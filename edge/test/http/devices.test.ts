// The device registry over HTTP: register (the secret is shown once), list with status, revoke,
// and the admin token on operator routes. Also the loaded device profiles.

import t from 'tap'
import { readdirSync } from 'node:fs'
import { SHIPPED_PROFILES_DIR } from '../../src/profiles/loader.js'
import { basic, minutesAgo, postEvents } from './api.js'
import { startTestServer } from '../helpers/server.js'

const ADMIN_TOKEN = 'an-admin-token-of-32-characters!'

t.test('registering a device returns its secret once, with 201', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { id: 'hh-1', profileId: 'handheld-scanner-app', name: 'Aisle 1 handheld' } })
  t.equal(res.statusCode, 201)
  const { device, secret } = res.json()
  t.match(device, { id: 'hh-1', profileId: 'handheld-scanner-app', name: 'Aisle 1 handheld', status: 'never_seen', revokedAt: null, lastSeenAt: null })
  t.type(secret, 'string')
  t.ok(secret.length >= 32, 'a long random secret')

  const one = await server.app.inject({ url: '/api/v1/devices/hh-1' })
  t.equal(one.statusCode, 200)
  t.match(one.json(), { id: 'hh-1', status: 'never_seen' })
  t.notOk('secret' in one.json(), 'reading the device never shows the secret again')
  const list = await server.app.inject({ url: '/api/v1/devices' })
  t.notMatch(list.body, secret, 'nor does the list')
  t.notMatch(list.body, /secret|hash|salt/i)
  t.ok(server.registry.verify('hh-1', secret).ok, 'the secret works as the device credential')
})

t.test('registration refuses duplicates, unknown profiles, bad ids and unknown fields', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const register = (payload: Record<string, unknown>) => server.app.inject({ method: 'POST', url: '/api/v1/devices', payload })
  t.equal((await register({ id: 'pos-1', profileId: 'pos-sales-feed' })).statusCode, 201)

  const dup = await register({ id: 'pos-1', profileId: 'pos-sales-feed' })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().error.code, 'EDGE_ERR_DEVICE_EXISTS')

  const unknown = await register({ id: 'cam-1', profileId: 'no-such-profile' })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().error.code, 'EDGE_ERR_PROFILE_UNKNOWN')
  t.match(unknown.json().error.message, /no-such-profile/)

  for (const id of ['has space', 'slash/inside', '-leading-dash', 'plus+sign', '#', 'x'.repeat(65)]) {
    const bad = await register({ id, profileId: 'pos-sales-feed' })
    t.equal(bad.statusCode, 400, `id ${JSON.stringify(id)} is refused`)
    t.equal(bad.json().error.code, 'EDGE_ERR_VALIDATION')
  }

  const extra = await register({ id: 'pos-2', profileId: 'pos-sales-feed', secret: 'my-own-secret' })
  t.equal(extra.statusCode, 400)
  t.equal(extra.json().error.code, 'EDGE_ERR_VALIDATION')
  t.match(extra.json().error.message, /additional properties/i)

  const missing = await register({ id: 'pos-3' })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error.code, 'EDGE_ERR_VALIDATION')

  t.same(server.registry.list().map((d) => d.id), ['pos-1'], 'nothing but the first registration was stored')
})

t.test('the list shows each device with its status and filters by status', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  server.addDevice('hh-2', 'handheld-scanner-app')
  server.addDevice('pos-1', 'pos-sales-feed')
  await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/pos-1' })
  // A device that posts is online.
  t.equal((await postEvents(server, basic('hh-1', secret), [{ id: 'e1', type: 'scan', gtin: '4006381333931', occurredAt: minutesAgo(1) }])).body.accepted, 1)

  const res = await server.app.inject({ url: '/api/v1/devices' })
  t.equal(res.statusCode, 200)
  t.same(res.json().devices.map((d: { id: string, status: string }) => [d.id, d.status]), [['hh-1', 'online'], ['hh-2', 'never_seen'], ['pos-1', 'revoked']])
  const revoked = await server.app.inject({ url: '/api/v1/devices?status=revoked' })
  t.same(revoked.json().devices.map((d: { id: string }) => d.id), ['pos-1'])
  const bad = await server.app.inject({ url: '/api/v1/devices?status=asleep' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.code, 'EDGE_ERR_VALIDATION')
  const unknown = await server.app.inject({ url: '/api/v1/devices/nobody' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'EDGE_ERR_DEVICE_UNKNOWN')
})

t.test('revoking a device stops its secret from working', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const auth = basic('hh-1', secret)
  const sale = (id: string) => ({ id, type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: minutesAgo(1) })
  t.equal((await postEvents(server, auth, [sale('before')])).status, 200)

  const res = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/hh-1' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: 'hh-1', status: 'revoked', revokedAt: /^\d{4}-\d\d-\d\dT/ })

  const after = await postEvents(server, auth, [sale('after')])
  t.equal(after.status, 403)
  t.equal(after.body.error.code, 'EDGE_ERR_DEVICE_REVOKED')
  t.equal((await server.app.inject({ url: '/api/v1/events?deviceId=hh-1' })).json().events.length, 1, 'only the event from before the revocation is in the journal')
  t.equal((await server.app.inject({ url: '/api/v1/devices/hh-1' })).json().status, 'revoked')

  const unknown = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/nobody' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'EDGE_ERR_DEVICE_UNKNOWN')
})

t.test('with an admin token, operator routes need it as a Bearer token', async (t) => {
  const server = await startTestServer(t, { adminToken: ADMIN_TOKEN })
  const register = { method: 'POST' as const, url: '/api/v1/devices', payload: { id: 'hh-1', profileId: 'handheld-scanner-app' } }

  for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from('admin:' + ADMIN_TOKEN).toString('base64')}`, `Bearer ${ADMIN_TOKEN}x`]) {
    const res = await server.app.inject({ ...register, headers: authorization ? { authorization } : {} })
    t.equal(res.statusCode, 401, `POST /api/v1/devices with ${authorization ?? 'no Authorization'}`)
    t.equal(res.json().error.code, 'EDGE_ERR_UNAUTHORIZED')
  }
  t.equal(server.registry.list().length, 0, 'nothing was registered')

  const ok = await server.app.inject({ ...register, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(ok.statusCode, 201)
  const { secret } = ok.json()

  const revokeNoToken = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/hh-1' })
  t.equal(revokeNoToken.statusCode, 401)
  t.equal(revokeNoToken.json().error.code, 'EDGE_ERR_UNAUTHORIZED')
  const importNoToken = await server.app.inject({ method: 'POST', url: '/api/v1/items/import', payload: { locations: [{ id: 'X1', kind: 'shelf' }] } })
  t.equal(importNoToken.statusCode, 401)
  t.equal(importNoToken.json().error.code, 'EDGE_ERR_UNAUTHORIZED')

  // A device posts with its own credentials; the admin token is not needed (nor accepted) there.
  const posted = await postEvents(server, basic('hh-1', secret), [{ id: 'e1', type: 'scan', sku: 'FOODS_1_001', occurredAt: minutesAgo(1) }])
  t.equal(posted.status, 200)
  const asAdmin = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { events: [{ id: 'e2', type: 'scan', sku: 'FOODS_1_001' }] } })
  t.equal(asAdmin.statusCode, 401)

  const revoked = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/hh-1', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(revoked.statusCode, 200)
})

t.test('the device profiles the server loaded are listed and readable one by one', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const shipped = readdirSync(SHIPPED_PROFILES_DIR).filter((f) => f.endsWith('.json') && f !== 'profile.schema.json').map((f) => f.replace(/\.json$/, '')).sort()
  const res = await server.app.inject({ url: '/api/v1/device-profiles' })
  t.equal(res.statusCode, 200)
  const profiles = res.json().profiles as Array<{ id: string, transport: string, identity: { vendor: string }, streams: Array<{ name: string }> }>
  t.same(profiles.map((p) => p.id), shipped, 'every shipped profile file, by id')
  for (const id of ['handheld-scanner-app', 'pos-sales-feed', 'serial-barcode-scanner']) t.ok(profiles.some((p) => p.id === id), `${id} is shipped`)
  const serial = profiles.find((p) => p.id === 'serial-barcode-scanner')!
  t.equal(serial.transport, 'serial')
  t.type(serial.identity.vendor, 'string')
  t.ok(serial.streams.length > 0)

  const one = await server.app.inject({ url: '/api/v1/device-profiles/handheld-scanner-app' })
  t.equal(one.statusCode, 200)
  const profile = one.json()
  t.equal(profile.id, 'handheld-scanner-app')
  t.equal(profile.transport, 'mqtt')
  t.ok(profile.streams.some((s: { name: string, schema?: unknown, events?: unknown }) => s.name === 'scan' && s.schema && s.events), 'the full stream definitions, schema and mapping')
  t.ok(Array.isArray(profile.fixtures), 'and its fixtures')
  t.notOk('file' in profile, 'not the server-side file path')

  const unknown = await server.app.inject({ url: '/api/v1/device-profiles/no-such-profile' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'EDGE_ERR_NOT_FOUND')
})
