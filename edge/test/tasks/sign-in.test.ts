// Associates sign in on a handheld with badge and PIN; the token names them on that device only,
// until it expires on the server's clock.

import t from 'tap'
import { basic } from '../http/api.js'
import { addAssociate, advance, handheld, myTasks, signIn, startTaskServer } from './helpers.js'

t.test('a wrong PIN or an unknown badge gets 401 EDGE_ERR_ASSOCIATE_AUTH and no token', async (t) => {
  const server = await startTaskServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  t.equal((await addAssociate(server, { id: 'ann', name: 'Ann', badge: 'B-100', pin: '4321' })).status, 200)
  for (const [badge, pin] of [['B-100', '0000'], ['B-999', '4321']]) {
    const res = await signIn(server, auth, badge, pin)
    t.equal(res.status, 401, `${badge}/${pin}`)
    t.equal(res.body.error.code, 'EDGE_ERR_ASSOCIATE_AUTH')
    t.notOk((res.body as { token?: string }).token)
  }
  const ok = await signIn(server, auth, 'B-100', '4321')
  t.equal(ok.status, 200)
  t.equal(ok.body.associate.id, 'ann')
  t.match(ok.body.token, /^[A-Za-z0-9_-]{32}$/)
  t.notOk(JSON.stringify(ok.body).includes('4321'), 'the PIN is never echoed')

  const noDevice = await server.app.inject({ method: 'POST', url: '/api/v1/handheld/sign-in', payload: { badge: 'B-100', pin: '4321' } })
  t.equal(noDevice.statusCode, 401, 'the handheld itself must authenticate')
  t.equal(noDevice.json().error.code, 'EDGE_ERR_UNAUTHORIZED')
})

t.test('a PIN that is not 4-12 digits and a new associate without one are refused', async (t) => {
  const server = await startTaskServer(t)
  const short = await addAssociate(server, { id: 'bob', name: 'Bob', badge: 'B-1', pin: '12' })
  t.equal(short.status, 400)
  t.equal(short.body.error.code, 'EDGE_ERR_VALIDATION')
  const none = await addAssociate(server, { id: 'bob', name: 'Bob', badge: 'B-1' })
  t.equal(none.status, 400)
  t.equal(none.body.error.code, 'EDGE_ERR_VALIDATION')
  t.equal((await addAssociate(server, { id: 'bob', name: 'Bob', badge: 'B-1', pin: '5555' })).body.created, true)
  const update = await addAssociate(server, { id: 'bob', name: 'Robert', badge: 'B-1', zones: ['dairy'] })
  t.equal(update.status, 200, 'an update may leave the PIN as it was')
  t.equal(update.body.created, false)
  t.match(update.body.associate, { name: 'Robert', zones: ['dairy'] })
  const taken = await addAssociate(server, { id: 'cat', name: 'Cat', badge: 'B-1', pin: '5555' })
  t.equal(taken.status, 409, 'a badge belongs to one associate')
  t.equal(taken.body.error.code, 'EDGE_ERR_CONFLICT')
})

t.test('creating associates needs the admin token when one is configured', async (t) => {
  const server = await startTaskServer(t, { adminToken: 'an-admin-token-of-32-characters!' })
  const res = await addAssociate(server, { id: 'ann', name: 'Ann', badge: 'B-100', pin: '4321' })
  t.equal(res.status, 401)
  t.equal(res.body.error.code, 'EDGE_ERR_UNAUTHORIZED')
})

t.test('a token is refused when missing, on another device, or once expired', async (t) => {
  const server = await startTaskServer(t, { associateTokenTtlMin: 5 })
  const hand = await handheld(server, 'hh-1', 'ann')
  t.equal((await myTasks(server, hand)).status, 200)

  const missing = await server.app.inject({ url: '/api/v1/handheld/tasks', headers: { authorization: hand.auth } })
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().error.code, 'EDGE_ERR_TOKEN_MISSING')

  const other = basic('hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  const copied = await server.app.inject({ url: '/api/v1/handheld/tasks', headers: { authorization: other, 'x-associate-token': hand.token } })
  t.equal(copied.statusCode, 401, 'a token works only on the device it was issued on')
  t.equal(copied.json().error.code, 'EDGE_ERR_TOKEN_INVALID')

  await advance(server, 6) // minutes: past the 5-minute token life
  const expired = await myTasks(server, hand)
  t.equal(expired.status, 401)
  t.equal(expired.body.error.code, 'EDGE_ERR_TOKEN_EXPIRED')
  const again = await signIn(server, hand.auth, 'B-ann', '1234')
  t.equal(again.status, 200, 'signing in again gives a fresh token')
})
