import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SqliteRelayStorage } from '../src/storage/sqlite.js'
import { ev, storageContract, testClock } from './storage-contract.js'

const dir = mkdtempSync(join(tmpdir(), 'relay-storage-'))
t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
let n = 0

storageContract(t, async (opts) => new SqliteRelayStorage({ ...opts, file: join(dir, `relay-${++n}.db`) }))

t.test('the file keeps what was stored across a reopen, and migrating again is a no-op', async (t) => {
  const file = join(dir, 'reopen.db')
  const clock = testClock()
  const a = new SqliteRelayStorage({ file, now: clock.now })
  const { token } = await a.registerStore('A')
  await a.storeBatch('A', [ev(1), ev(2)])
  await a.close()
  const b = new SqliteRelayStorage({ file, now: clock.now })
  t.teardown(async () => { await b.close() })
  t.equal(await b.authenticate('A', token), 'ok')
  t.same(await b.storeBatch('A', [ev(2), ev(3)]), { inserted: 1, duplicates: 1, highestSeq: 3 })
})
