// GET /api/v1/events: the journal in acceptance order, filtered by type, SKU, device, location and
// event time, paged with afterSeq / nextAfterSeq.

import t from 'tap'
import { basic, postEvents } from './api.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

const HOUR = 3600_000

interface Stored { seq: number, id: string, type: string, deviceId: string, sku?: string, gtin?: string, location?: string, qty?: number, occurredAt: string, receivedAt: string, storeId: string, data: Record<string, unknown>, source: Record<string, unknown> }
interface Page { events: Stored[], nextAfterSeq: number | null }

async function get (server: TestServer, query: string): Promise<Page> {
  const res = await server.app.inject({ url: `/api/v1/events${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/events${query}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Two handhelds and a POS feed, events spread over the last five hours. */
async function storeWithEvents (t: Tap): Promise<{ server: TestServer, now: number }> {
  const server = await startTestServer(t)
  const now = Date.now()
  const at = (hoursAgo: number): string => new Date(now - hoursAgo * HOUR).toISOString()
  const hh1 = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const hh2 = basic('hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  const pos = basic('pos-1', server.addDevice('pos-1', 'pos-sales-feed'))
  await postEvents(server, hh1, [
    { id: 'a', type: 'scan', gtin: '4006381333931', occurredAt: at(5) },
    { id: 'b', type: 'pick', sku: 'FOODS_1_001', qty: 4, location: 'A01-1', data: { from: 'BR-01' }, occurredAt: at(4) },
    { id: 'c', type: 'putaway', sku: 'FOODS_1_001', qty: 4, location: 'A01-1', occurredAt: at(3.5) }
  ])
  await postEvents(server, pos, [
    { id: 'p1', type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: at(3) },
    { id: 'p2', type: 'sale', sku: 'DAIRY_1_001', qty: 2, occurredAt: at(2) },
    { id: 'p3', type: 'sale', gtin: '5901234123457', qty: 1, occurredAt: at(1) }
  ])
  await postEvents(server, hh2, [{ id: 'a', type: 'cycle_count', sku: 'DAIRY_1_001', qty: 17, location: 'COOL-1', occurredAt: at(0.5) }])
  return { server, now }
}
interface Tap { teardown (fn: () => unknown): void }

const ids = (p: Page): string[] => p.events.map((e) => `${e.deviceId}/${e.id}`)

t.test('without filters: every event, in acceptance order, as canonical events with their seq', async (t) => {
  const { server } = await storeWithEvents(t)
  const page = await get(server, '')
  t.same(ids(page), ['hh-1/a', 'hh-1/b', 'hh-1/c', 'pos-1/p1', 'pos-1/p2', 'pos-1/p3', 'hh-2/a'])
  t.equal(page.nextAfterSeq, null, 'fewer than the limit: no next page')
  const seqs = page.events.map((e) => e.seq)
  t.same(seqs, [...seqs].sort((a, b) => a - b))
  t.match(page.events[1], {
    id: 'b', type: 'pick', storeId: 'store-1', deviceId: 'hh-1', sku: 'FOODS_1_001', qty: 4, location: 'A01-1',
    data: { from: 'BR-01' }, source: { transport: 'http', channel: 'POST /api/v1/events' }
  })
  t.match(page.events[0], { sku: 'FOODS_1_001', gtin: '04006381333931' }, 'a scanned GTIN is kept as 14 digits and resolved to its SKU')
})

t.test('filters by type, SKU, device and location', async (t) => {
  const { server } = await storeWithEvents(t)
  t.same(ids(await get(server, '?type=sale')), ['pos-1/p1', 'pos-1/p2', 'pos-1/p3'])
  t.same(ids(await get(server, '?sku=DAIRY_1_001')), ['pos-1/p2', 'hh-2/a'])
  t.same(ids(await get(server, '?sku=FOODS_1_002')), ['pos-1/p3'], 'an event posted by GTIN is found by its SKU')
  t.same(ids(await get(server, '?deviceId=hh-1')), ['hh-1/a', 'hh-1/b', 'hh-1/c'])
  t.same(ids(await get(server, '?type=sale&sku=FOODS_1_001')), ['pos-1/p1'], 'filters combine')
  t.same(ids(await get(server, '?location=COOL-1')), ['pos-1/p2', 'hh-2/a'], 'a sale is booked at the home shelf')
  t.same(ids(await get(server, '?deviceId=nobody')), [])
})

t.test('from and to select by event time: from inclusive, to exclusive', async (t) => {
  const { server, now } = await storeWithEvents(t)
  const at = (hoursAgo: number): string => new Date(now - hoursAgo * HOUR).toISOString()
  t.same(ids(await get(server, `?from=${at(3)}`)), ['pos-1/p1', 'pos-1/p2', 'pos-1/p3', 'hh-2/a'])
  t.same(ids(await get(server, `?to=${at(3)}`)), ['hh-1/a', 'hh-1/b', 'hh-1/c'])
  t.same(ids(await get(server, `?from=${at(4)}&to=${at(1)}`)), ['hh-1/b', 'hh-1/c', 'pos-1/p1', 'pos-1/p2'])
  // A time with a UTC offset is the same instant: p2's time, written as local time at +02:00.
  const plusTwo = new Date(now - 2 * HOUR + 2 * HOUR).toISOString().replace('Z', '+02:00')
  t.same(ids(await get(server, `?from=${encodeURIComponent(plusTwo)}&type=sale`)), ['pos-1/p2', 'pos-1/p3'])
})

t.test('pages with afterSeq and nextAfterSeq until the journal is read', async (t) => {
  const { server } = await storeWithEvents(t)
  const seen: string[] = []
  let after: number | null = 0
  let pages = 0
  while (after !== null) {
    const page = await get(server, `?limit=3&afterSeq=${after}`)
    seen.push(...ids(page))
    after = page.nextAfterSeq
    pages++
    t.ok(pages < 10, 'paging ends')
  }
  t.equal(pages, 3, '3 + 3 + 1')
  t.same(seen, ['hh-1/a', 'hh-1/b', 'hh-1/c', 'pos-1/p1', 'pos-1/p2', 'pos-1/p3', 'hh-2/a'])

  const first = await get(server, '?type=sale&limit=2')
  t.same(ids(first), ['pos-1/p1', 'pos-1/p2'])
  t.equal(first.nextAfterSeq, first.events[1].seq)
  t.same(ids(await get(server, `?type=sale&limit=2&afterSeq=${first.nextAfterSeq}`)), ['pos-1/p3'], 'paging keeps the filter')
})

t.test('bad query parameters are answered 400', async (t) => {
  const { server } = await storeWithEvents(t)
  for (const q of ['?type=teleport', '?from=yesterday', '?to=2026-13-45', '?afterSeq=-1', '?afterSeq=abc', '?limit=0', '?limit=5001', '?colour=red']) {
    const res = await server.app.inject({ url: `/api/v1/events${q}` })
    t.equal(res.statusCode, 400, q)
    t.equal(res.json().error.code, 'EDGE_ERR_VALIDATION', q)
  }
})
