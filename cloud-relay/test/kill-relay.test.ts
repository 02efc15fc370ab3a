// Fault test with real processes: the relay (a child, through its real command line) is killed
// with kill -9 while a store sends it a backlog of 3,000 rows. The store keeps what was not
// acknowledged; once the relay is back on the same database every row is there exactly once.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { startTestServer, waitFor } from '../../edge/test/helpers/server.js'
import { SqliteRelayStorage } from '../src/storage/sqlite.js'
import { startRelayChild } from './relay-child.js'

const ROWS = 3000

t.test('kill -9 of the relay mid-backlog: nothing lost, nothing doubled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kill-relay-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'relay.db')
  const setup = new SqliteRelayStorage({ file })
  const { token } = await setup.registerStore('store-1')
  await setup.close()

  const first = await startRelayChild({ RELAY_DATA_DIR: dir })
  const port = first.port
  const store = await startTestServer(t, { relayUrl: `http://127.0.0.1:${port}`, relayToken: token, outboxBatchMax: 25, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 200 })
  const rows = new OutboxRows(store.db)
  store.db.transaction(() => { for (let i = 1; i <= ROWS; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'SKU-1', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' }) })()
  await waitFor(() => rows.after(0, ROWS).length < ROWS * 3 / 4, 20_000)
  first.proc.kill('SIGKILL')
  await first.exited
  const left = rows.after(0, ROWS).length
  t.ok(left > 0 && left < ROWS, `killed mid-backlog (${ROWS - left} acknowledged)`)
  await waitFor(() => store.sender.status().failures >= 1, 10_000)

  const second = await startRelayChild({ RELAY_DATA_DIR: dir, RELAY_HTTP_PORT: String(port) })
  t.teardown(async () => { second.proc.kill('SIGTERM'); await second.exited })
  await waitFor(() => rows.after(0, ROWS).length === 0, 30_000)
  t.pass('the store sent the rest once the relay was back')
  const check = new SqliteRelayStorage({ file })
  t.teardown(() => check.close())
  t.match(await check.stats('store-1'), { storedCount: ROWS, highestSeq: ROWS }, 'every row once')
})
