// Fault test with real processes: the store server (a child, through its real command line) is
// killed with SIGKILL while it sends a backlog of 3,000 outbox rows to the relay. After a restart
// every row reaches the relay exactly once, the store's outbox empties, and the daily
// reconciliation agrees.

import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLog } from '../../edge/src/core/log.js'
import { openDatabase } from '../../edge/src/store/db.js'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { startChild } from '../../edge/test/helpers/child.js'
import { loadRelayConfig } from '../src/config.js'
import { startRelay } from '../src/main.js'

const ROWS = 3000

t.test('SIGKILL while sending: after a restart every row is at the relay once and the outbox is empty', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kill-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const relay = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: join(dir, 'relay'), logLevel: 'silent' } }))
  t.teardown(() => relay.close())
  const { token } = await relay.storage.registerStore('store-1')

  // The backlog a day-long outage leaves, written before the server starts.
  const storeDir = join(dir, 'store')
  const db = openDatabase({ dataDir: storeDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  const rows = new OutboxRows(db)
  db.transaction(() => { for (let i = 1; i <= ROWS; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'SKU-1', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' }) })()
  db.close()

  const env = { EDGE_DATA_DIR: storeDir, EDGE_STORE_ID: 'store-1', EDGE_RELAY_URL: `http://127.0.0.1:${relay.port}`, EDGE_RELAY_TOKEN: token, EDGE_OUTBOX_BATCH_MAX: '25', EDGE_OUTBOX_BACKOFF_MIN_MS: '50', EDGE_OUTBOX_HEARTBEAT_S: '1', EDGE_API_AUTH: 'open' } // the test reads /api/v1/outbox without an account
  const first = await startChild(env)
  // Kill it in the middle of the backlog.
  for (let i = 0; i < 400; i++) {
    const s = await relay.storage.stats('store-1')
    if (s !== null && s.storedCount >= ROWS / 4) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  first.proc.kill('SIGKILL')
  await first.exited
  const mid = (await relay.storage.stats('store-1'))!
  t.ok(mid.storedCount > 0 && mid.storedCount < ROWS, `killed mid-backlog (${mid.storedCount} of ${ROWS} at the relay)`)

  const second = await startChild(env)
  t.teardown(async () => { second.proc.kill('SIGTERM'); await second.exited })
  const base = `http://127.0.0.1:${second.ports.http}`
  for (let i = 0; i < 800; i++) {
    const box = await (await fetch(`${base}/api/v1/outbox`)).json() as { total: number }
    if (box.total === 0) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.equal(((await (await fetch(`${base}/api/v1/outbox`)).json()) as { total: number }).total, 0, 'the outbox is empty')
  t.match(await relay.storage.stats('store-1'), { storedCount: ROWS, highestSeq: ROWS }, 'every row once: the relay holds 3,000 events, no more')
  // The next heartbeat carries the day's acknowledged tally; the relay agrees with it.
  let rec: { allMatch: boolean, days: Array<{ store: { rows: number }, relay: { rows: number } }> } = { allMatch: false, days: [] }
  for (let i = 0; i < 200; i++) {
    rec = await (await fetch(`http://127.0.0.1:${relay.port}/v1/stores/store-1/reconciliation`)).json() as typeof rec
    if (rec.days.length > 0 && rec.days[0].store.rows === ROWS) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(rec.days.length, 1)
  t.match(rec.days[0], { store: { rows: ROWS }, relay: { rows: ROWS } })
  t.equal(rec.allMatch, true, 'the reconciliation says nothing was lost or doubled')
})
