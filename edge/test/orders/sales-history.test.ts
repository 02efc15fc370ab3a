// The demand history behind the order forecast: a year of ERP sales imported at onboarding (checked
// whole, nothing half applied), the server's own daily count from POS sale events after that, and
// a count rebuilt from the journal when a commit's listener never ran.

import t from 'tap'
import { SalesStore } from '../../src/store/sales.js'
import { basic, postEvents } from '../http/api.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { nowMs } from '../tasks/helpers.js'

async function importHistory (server: TestServer, body: unknown): Promise<{ status: number, body: any }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/sales/history', payload: body as Record<string, unknown> })
  return { status: res.statusCode, body: res.json() }
}

async function daily (server: TestServer, sku: string, from: string, to: string): Promise<{ status: number, body: any }> {
  const res = await server.app.inject({ url: `/api/v1/sales/daily?sku=${sku}&from=${from}&to=${to}` })
  return { status: res.statusCode, body: res.json() }
}

t.test('history, calendar and promotions import once, and the series reads them back by day', async (t) => {
  const server = await startTestServer(t, { clockMode: 'sim', riskModelPath: 'none', clockStart: '2016-03-01T08:00:00Z' })
  const body = {
    sales: [
      { sku: 'FOODS_1_001', day: '2016-02-27', units: 4 },
      { sku: 'FOODS_1_001', day: '2016-02-29', units: 7 },
      { sku: 'FOODS_1_002', day: '2016-02-28', units: 1 }
    ],
    days: [{ day: '2016-02-29', event: 'LeapDay', snap: true }, { day: '2016-03-06', snap: true }],
    promotions: [{ sku: 'FOODS_1_001', from: '2016-03-03', to: '2016-03-09' }]
  }
  t.same((await importHistory(server, body)).body, { sales: 3, days: 2, promotions: 1 })
  t.same((await importHistory(server, body)).body, { sales: 3, days: 2, promotions: 1 }, 'the same rows again are accepted')
  const s = await daily(server, 'FOODS_1_001', '2016-02-27', '2016-03-01')
  t.same(s.body.units, [4, 0, 7, 0], 'missing days read as zero, imported rows not doubled')
  t.same(new SalesStore(server.db).calendar('2016-02-01', '2016-03-31').get('2016-02-29'), { event: 'LeapDay', snap: true })
  t.same(new SalesStore(server.db).promotions('2016-03-05', '2016-03-05').get('FOODS_1_001'), [{ from: '2016-03-03', to: '2016-03-09' }])
})

t.test('a history with bad rows is refused whole, every problem named', async (t) => {
  const server = await startTestServer(t, { clockMode: 'sim', riskModelPath: 'none' })
  const res = await importHistory(server, {
    sales: [
      { sku: 'FOODS_1_001', day: '2016-02-27', units: 4 },
      { sku: 'NOPE', day: '2016-02-27', units: 1 },
      { sku: 'FOODS_1_001', day: '2016-02-30', units: 1 },
      { sku: 'FOODS_1_002', day: '2016-02-27', units: -3 },
      { sku: 'FOODS_1_002', day: '2016-02-28', units: 2.5 },
      { sku: 'FOODS_1_001', day: '2016-02-27', units: 5 }
    ],
    promotions: [{ sku: 'FOODS_1_001', from: '2016-03-09', to: '2016-03-03' }]
  })
  t.equal(res.status, 422)
  t.equal(res.body.error.code, 'EDGE_ERR_HISTORY_INVALID')
  for (const bit of ['sales[1].sku "NOPE"', 'sales[2].day "2016-02-30"', 'sales[3].units -3', 'sales[4].units 2.5', 'sales[5]: FOODS_1_001 on 2016-02-27 is listed twice', 'promotions[0] ends']) {
    t.match(res.body.error.message, bit)
  }
  t.same((await daily(server, 'FOODS_1_001', '2016-02-27', '2016-02-27')).body.units, [0], 'the good row was not written either')
  const schema = await importHistory(server, { sales: [{ sku: 'FOODS_1_001', day: '2016-02-27' }] })
  t.equal(schema.body.error.code, 'EDGE_ERR_VALIDATION', 'a row without units fails the schema')
  t.equal((await daily(server, 'NOPE', '2016-02-27', '2016-02-28')).body.error.code, 'EDGE_ERR_UNKNOWN_SKU')
  t.equal((await daily(server, 'FOODS_1_001', '2016-02-28', '2016-02-27')).body.error.code, 'EDGE_ERR_VALIDATION', 'from after to')
})

t.test('POS sales are counted per SKU and day, replays once, and a lost listener is caught up from the journal', async (t) => {
  const server = await startTestServer(t, { clockMode: 'sim', riskModelPath: 'none', clockStart: '2016-03-01T08:00:00Z' })
  const auth = basic('pos-1', server.addDevice('pos-1', 'handheld-scanner-app'))
  const now = await nowMs(server)
  const at = (min: number): string => new Date(now - min * 60_000).toISOString()
  const sales = [
    { id: 's1', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 2, occurredAt: at(30) },
    { id: 's2', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 1, occurredAt: at(20) },
    { id: 's3', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 3, occurredAt: at(9 * 60) }, // yesterday, 23:00
    { id: 's4', type: 'sale', sku: 'FOODS_1_002', location: 'A01-2', qty: 1, occurredAt: at(10) }
  ]
  t.equal((await postEvents(server, auth, sales)).status, 200)
  t.equal((await postEvents(server, auth, sales)).body.duplicates, 4)
  t.same((await daily(server, 'FOODS_1_001', '2016-02-29', '2016-03-01')).body.units, [3, 3])
  t.same((await daily(server, 'FOODS_1_002', '2016-03-01', '2016-03-01')).body.units, [1])

  // As if the process died between the journal's commit and the listener: the count is rebuilt.
  server.db.exec("DELETE FROM sales_daily; UPDATE sales_daily_cursor SET seq = 0")
  const store = new SalesStore(server.db)
  t.equal(store.catchUp(), 4, 'four sale events read from the journal')
  t.same(Array.from(store.series('2016-02-29', '2016-03-01').get('FOODS_1_001')!), [3, 3])
  t.equal(store.catchUp(), 0, 'nothing twice')
  t.ok(store.lastSaleAt() !== null)
})
