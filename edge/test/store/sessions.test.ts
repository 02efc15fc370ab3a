// Panel sessions end after sessionIdleMin without a request, sessionMaxHours after sign-in whatever
// happens, at sign-out, or when the account is deactivated; on the wall clock, which the test moves.

import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { Accounts } from '../../src/store/accounts.js'
import { openDatabase } from '../../src/store/db.js'
import { Sessions } from '../../src/store/sessions.js'
import { rmrf, tempDir } from '../helpers/server.js'

const MIN = 60_000

function setup (t: Tap): { accounts: Accounts, sessions: Sessions, advance: (ms: number) => void } {
  const dir = tempDir()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  t.teardown(() => { db.close(); rmrf(dir) })
  let now = Date.parse('2026-11-27T08:00:00Z')
  const clock = (): number => now
  const accounts = new Accounts(db, clock)
  accounts.upsert({ username: 'maria', role: 'manager', password: 'shelf-walk-2026' })
  accounts.upsert({ username: 'victor', role: 'viewer', password: 'backroom-view-7' })
  return { accounts, sessions: new Sessions(db, { idleMs: 60 * MIN, maxMs: 12 * 60 * MIN }, clock), advance: (ms) => { now += ms } }
}
interface Tap { teardown (fn: () => unknown): void }

t.test('a session used within the idle time lives until its maximum, then ends', async (t) => {
  const { accounts, sessions, advance } = setup(t)
  const { token, session } = sessions.create(accounts.get('maria')!, 'Chromium')
  t.equal(session.expiresAt, '2026-11-27T20:00:00.000Z', 'twelve hours after sign-in at most')
  for (let i = 0; i < 13; i++) { advance(55 * MIN); t.ok(sessions.resolve(token), `still on after ${i + 1} x 55 min of use`) }
  advance(6 * MIN) // 12 h 1 min after sign-in: past the maximum, though used 6 minutes ago
  t.equal(sessions.resolve(token), null)
})

t.test('a session left alone for the idle time ends; sign-out ends it at once', async (t) => {
  const { accounts, sessions, advance } = setup(t)
  const a = sessions.create(accounts.get('maria')!, null)
  advance(59 * MIN)
  t.ok(sessions.resolve(a.token))
  advance(60 * MIN)
  t.equal(sessions.resolve(a.token), null, 'an hour without a request')
  const b = sessions.create(accounts.get('maria')!, null)
  sessions.end(b.token)
  t.equal(sessions.resolve(b.token), null)
  t.equal(sessions.resolve('made-up-token'), null)
})

t.test('deactivating an account or changing its role ends its sessions', async (t) => {
  const { accounts, sessions } = setup(t)
  const v = sessions.create(accounts.get('victor')!, null)
  accounts.upsert({ username: 'victor', role: 'viewer', active: false })
  t.equal(sessions.resolve(v.token), null)
  accounts.upsert({ username: 'victor', role: 'viewer', active: true })
  accounts.upsert({ username: 'ana', role: 'manager', password: 'fresh-count-2026' })
  const m = sessions.create(accounts.get('maria')!, null)
  accounts.upsert({ username: 'maria', role: 'viewer' })
  t.equal(sessions.resolve(m.token), null, 'a manager made a viewer signs in again')
})
