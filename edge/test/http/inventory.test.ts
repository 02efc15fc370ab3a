// GET /api/v1/inventory: every position in the store, in SKU then location order, a page at a time
// with an opaque cursor; filtered by location kind or SKU prefix. Read-only and open, like items.

import t from 'tap'
import { importMasterData } from '../../src/store/import/index.js'
import { inventorySql } from '../../src/store/inventory.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { basic, minutesAgo, postEvents, type ApiError } from './api.js'

interface Position { sku: string, location: string, kind: string | null, onHand: number, inTransit: number, reserved: number, updatedAt: string | null }
interface Page { positions: Position[], next: string | null }

async function page (server: TestServer, query: string): Promise<{ status: number, body: Page & ApiError }> {
  const res = await server.app.inject({ url: `/api/v1/inventory${query}` })
  return { status: res.statusCode, body: res.json() }
}

/** Every page from the first, following `next`; returns the pages' rows as "sku@location". */
async function walk (server: TestServer, query: Record<string, string>): Promise<{ rows: string[], pages: number }> {
  const rows: string[] = []
  let pages = 0
  let after: string | null = null
  do {
    const qs = new URLSearchParams({ ...query, ...(after !== null ? { after } : {}) })
    const res = await page(server, `?${qs.toString()}`)
    if (res.status !== 200) throw new Error(`page ${pages + 1}: ${res.status} ${JSON.stringify(res.body)}`)
    rows.push(...res.body.positions.map((p) => `${p.sku}@${p.location}`))
    after = res.body.next
    pages++
  } while (after !== null)
  return { rows, pages }
}

t.test('the small store: every position with its kind and buckets, ordered by SKU then location', async (t) => {
  const server = await startTestServer(t)
  const res = await page(server, '')
  t.equal(res.status, 200)
  t.equal(res.body.next, null, 'one page holds it all')
  t.same(res.body.positions.map((p) => [p.sku, p.location, p.kind, p.onHand, p.inTransit, p.reserved]), [
    ['DAIRY_1_001', 'COOL-1', 'shelf', 20, 0, 0],
    ['FOODS_1_001', 'A01-1', 'shelf', 10, 0, 0],
    ['FOODS_1_001', 'BR-01', 'backroom', 24, 0, 0],
    ['FOODS_1_002', 'A01-2', 'shelf', 8, 0, 0]
  ])
  t.type(res.body.positions[0].updatedAt, 'string')
})

t.test('a cursor carries on where the last page ended', async (t) => {
  const server = await startTestServer(t)
  const first = await page(server, '?limit=3')
  t.same(first.body.positions.map((p) => p.location), ['COOL-1', 'A01-1', 'BR-01'])
  t.type(first.body.next, 'string')
  const second = await page(server, `?limit=3&after=${first.body.next!}`)
  t.same(second.body.positions.map((p) => p.location), ['A01-2'])
  t.equal(second.body.next, null, 'the last page says so')

  const byOne = await walk(server, { limit: '1' })
  t.equal(byOne.pages, 4, 'four positions, four pages of one: no empty page at the end')
  t.same(byOne.rows, ['DAIRY_1_001@COOL-1', 'FOODS_1_001@A01-1', 'FOODS_1_001@BR-01', 'FOODS_1_002@A01-2'])
})

t.test('stock that moves between pages: a page continues after the last row it returned', async (t) => {
  const server = await startTestServer(t)
  const first = await page(server, '?limit=2') // DAIRY_1_001@COOL-1, FOODS_1_001@A01-1
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const receipt = (id: string, sku: string, location: string): Record<string, unknown> => ({ id, type: 'receipt', sku, qty: 5, location, occurredAt: minutesAgo(1) })
  const posted = await postEvents(server, auth, [receipt('r1', 'DAIRY_1_001', 'RCV'), receipt('r2', 'FOODS_1_002', 'RCV'), receipt('r3', 'FOODS_1_001', 'A01-1')])
  t.equal(posted.body.accepted, 3)
  const rest = await page(server, `?after=${first.body.next!}`)
  t.same(rest.body.positions.map((p) => `${p.sku}@${p.location}`), ['FOODS_1_001@BR-01', 'FOODS_1_002@A01-2', 'FOODS_1_002@RCV'],
    'a position created after the cursor is on the page; one before it (DAIRY_1_001@RCV) is not, and nothing repeats')
  t.match(rest.body.positions[2], { kind: 'receiving', onHand: 5 })
})

t.test('filtered by location kind and by SKU prefix', async (t) => {
  const server = await startTestServer(t)
  const rows = async (query: string): Promise<string[]> => (await page(server, query)).body.positions.map((p) => `${p.sku}@${p.location}`)
  t.same(await rows('?kind=shelf'), ['DAIRY_1_001@COOL-1', 'FOODS_1_001@A01-1', 'FOODS_1_002@A01-2'])
  t.same(await rows('?kind=backroom'), ['FOODS_1_001@BR-01'])
  t.same(await page(server, '?kind=receiving'), { status: 200, body: { positions: [], next: null } }, 'no stock at receiving: an empty last page')
  t.same(await rows('?sku=FOODS_1'), ['FOODS_1_001@A01-1', 'FOODS_1_001@BR-01', 'FOODS_1_002@A01-2'])
  t.same(await rows('?sku=FOODS_1_002'), ['FOODS_1_002@A01-2'], 'a whole SKU is a prefix of itself')
  t.same(await rows('?sku=FOODS_1_00&kind=shelf'), ['FOODS_1_001@A01-1', 'FOODS_1_002@A01-2'], 'both filters at once')
  t.same(await rows('?sku=HOBBIES'), [])
  const byOne = await walk(server, { kind: 'shelf', sku: 'FOODS', limit: '1' })
  t.same(byOne.rows, ['FOODS_1_001@A01-1', 'FOODS_1_002@A01-2'], 'filters hold across pages')
})

t.test('a cursor this server did not hand out is refused with EDGE_ERR_BAD_CURSOR', async (t) => {
  const server = await startTestServer(t)
  const b64 = (s: string): string => Buffer.from(s).toString('base64url')
  for (const [why, after] of [
    ['not base64url', 'FOODS_1_001@A01-1!'],
    ['base64url of no JSON', b64('FOODS_1_001\tA01-1')],
    ['a JSON object', b64('{"sku":"FOODS_1_001","location":"A01-1"}')],
    ['one key part', b64('["FOODS_1_001"]')],
    ['numbers', b64('[1,2]')]
  ] as const) {
    const res = await page(server, `?after=${encodeURIComponent(after)}`)
    t.equal(res.status, 400, why)
    t.equal(res.body.error.code, 'EDGE_ERR_BAD_CURSOR', why)
  }
  const handedOut = (await page(server, '?limit=1')).body.next!
  t.equal((await page(server, `?after=${handedOut}`)).status, 200, 'the cursor it did hand out works')
})

t.test('bad paging and filter values are validation errors', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  for (const query of ['?limit=0', '?limit=10001', '?limit=ten', '?kind=freezer', '?sku=has%20space', '?after=', '?page=2']) {
    const res = await page(server, query)
    t.equal(res.status, 400, query)
    t.equal(res.body.error.code, 'EDGE_ERR_VALIDATION', query)
  }
})

t.test('a store of 12,500 positions: pages of 10,000 and of the default 1,000 give every row once, in order', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const locations = ['A01-1', 'A01-2', 'BR-01', 'BR-02', 'RCV'].map((id) => ({ id, kind: id.startsWith('A') ? 'shelf' : id === 'RCV' ? 'receiving' : 'backroom' }))
  const skus = Array.from({ length: 2500 }, (_, i) => `FOODS_${1 + (i % 3)}_${String(i).padStart(4, '0')}`)
  const items = skus.map((sku) => ({ sku, description: `item ${sku}` }))
  const onHand = skus.flatMap((sku) => locations.map((l) => ({ sku, location: l.id, qty: 3 })))
  importMasterData(server.db, { format: 'json', text: JSON.stringify({ locations, items, onHand }) }, new Date().toISOString())
  const all = server.db.prepare('SELECT sku || \'@\' || location AS k FROM positions ORDER BY sku, location').pluck().all() as string[]
  t.equal(all.length, 12_500)

  const big = await walk(server, { limit: '10000' })
  t.equal(big.pages, 2)
  t.same(big.rows, all, 'every position once, ordered by SKU then location')
  const byDefault = await walk(server, {})
  t.equal(byDefault.pages, 13, 'the default page is 1,000 rows')
  t.same(byDefault.rows, all)
  const backroom = await walk(server, { kind: 'backroom', sku: 'FOODS_2', limit: '300' })
  t.equal(backroom.rows.length, 2 * 833)
  t.ok(backroom.rows.every((r) => r.startsWith('FOODS_2_') && r.includes('@BR-')))
})

t.test('each page reads positions in primary key order, seeking to the cursor or prefix: never a sort', async (t) => {
  const server = await startTestServer(t)
  const after = { sku: 'FOODS_1_001', location: 'A01-1' }
  for (const q of [{ limit: 1000 }, { after, limit: 1000 }, { after, kind: 'shelf', limit: 1000 }, { after, skuPrefix: 'FOODS', limit: 1000 }, { skuPrefix: 'FOODS', kind: 'backroom', limit: 1000 }]) {
    const { sql, args } = inventorySql(q)
    const plan = (server.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail)
    const positions = plan.find((d) => / p\b/.test(d))!
    t.match(positions, q.after || q.skuPrefix ? /^SEARCH p USING PRIMARY KEY/ : /^SCAN p$/, JSON.stringify(q))
    t.notOk(plan.some((d) => /TEMP B-TREE/.test(d)), `no sort for ${JSON.stringify(q)}: the LIMIT stops the read`)
  }
})
