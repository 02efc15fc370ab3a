// The outbox's disk budget: a warning at 80%, telemetry dropped oldest first at the budget, and
// ERP-bound rows never dropped: the level is alarmed on the API, /health and /metrics instead.

import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { OutboxBudget } from '../../src/outbox/budget.js'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { startTestServer } from '../helpers/server.js'

const KB = 1024

t.test('ERP-bound rows are kept over the budget; telemetry goes first, oldest first', async (t) => {
  const server = await startTestServer(t)
  const rows = new OutboxRows(server.db)
  const budget = new OutboxBudget({ rows, budgetMb: 1, log: silentLog() })
  const big = 'x'.repeat(100 * KB)
  for (let i = 0; i < 7; i++) rows.add({ eventId: `order:${i}`, type: 'order', sku: null, payload: { big }, occurredAt: '2016-03-01T10:00:00.000Z' })
  t.match(budget.check(), { level: 'ok' }, '700 KB of 1 MB')
  rows.add({ eventId: 'order:7', type: 'order', sku: null, payload: { big }, occurredAt: '2016-03-01T10:00:00.000Z' })
  rows.add({ eventId: 'order:8', type: 'order', sku: null, payload: { big }, occurredAt: '2016-03-01T10:00:00.000Z' })
  t.match(budget.check(), { level: 'warn' }, 'past 80%')
  // Telemetry rows (nothing the ERP books): a lane of their own.
  const tele = server.db.prepare("INSERT INTO outbox (event_id, type, lane, sku, payload, occurred_at, created_at) VALUES (?, 'telemetry', 'telemetry', NULL, ?, '2016-03-01T10:00:00.000Z', '2016-03-01T10:00:00.000Z')")
  for (let i = 0; i < 3; i++) tele.run(`tele:${i}`, JSON.stringify({ big }))
  const full = budget.check()
  t.equal(full.droppedTelemetry, 3, 'over the budget: telemetry dropped')
  t.equal(rows.after(0, 100).filter((r) => r.type === 'order').length, 9, 'every ERP-bound row kept')
  for (let i = 9; i < 12; i++) rows.add({ eventId: `order:${i}`, type: 'order', sku: null, payload: { big }, occurredAt: '2016-03-01T10:00:00.000Z' })
  const over = budget.check()
  t.equal(over.level, 'full', 'still over with ERP-bound rows alone: alarmed, not dropped')
  t.equal(rows.after(0, 100).length, 12)
})

t.test('the level is on /api/v1/outbox, /api/v1/health and /metrics', async (t) => {
  const server = await startTestServer(t, { outboxDiskBudgetMb: 1 })
  const rows = new OutboxRows(server.db)
  const big = 'x'.repeat(300 * KB)
  for (let i = 0; i < 4; i++) rows.add({ eventId: `order:${i}`, type: 'order', sku: null, payload: { big }, occurredAt: '2016-03-01T10:00:00.000Z' })
  const box = (await server.app.inject({ url: '/api/v1/outbox' })).json()
  t.match(box.budget, { level: 'full', budgetBytes: 1024 * 1024, droppedTelemetry: 0 })
  t.equal(box.total, 4)
  t.match((await server.app.inject({ url: '/api/v1/health' })).json().outbox, { level: 'full' })
  t.match((await server.app.inject({ url: '/metrics' })).body, /edge_outbox_bytes \d{7}/)
})
