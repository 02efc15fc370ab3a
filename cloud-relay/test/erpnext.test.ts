// The ERPNext mapping against a fake ERPNext that checks the documented request shape (token auth,
// POST /api/resource/{DocType}, the document's fields, docstatus 1): a store's receipt, adjustments
// both ways and an order become one Stock Entry or Material Request each, once, even when sent again;
// a discrepancy books nothing; an event ERPNext refuses is dead-lettered.

import t from 'tap'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadRelayConfig } from '../src/config.js'
import { toErpNext } from '../src/forward/erpnext.js'
import { startRelay } from '../src/main.js'

interface Doc { doctype: string, body: Record<string, any> }

async function fakeErpNext (): Promise<{ url: string, docs: Doc[], problems: string[], close (): Promise<void> }> {
  const docs: Doc[] = []
  const problems: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const m = /^\/api\/resource\/(.+)$/.exec(u.pathname)
      if (req.headers.authorization !== 'token k123:s456') { res.writeHead(401).end('{"exc_type":"AuthenticationError"}'); return }
      if (m === null) { res.writeHead(404).end('{}'); return }
      const doctype = decodeURIComponent(m[1])
      if (!['Stock Entry', 'Material Request'].includes(doctype)) problems.push(`unknown doctype ${doctype}`)
      if (req.method === 'GET') {
        // frappe list API: filters=[[field, "=", value]], fields=["name"]
        const [[field, op, value]] = JSON.parse(u.searchParams.get('filters') ?? '[[]]') as Array<[string, string, string]>
        if (op !== '=') problems.push(`filter op ${op}`)
        const hit = docs.filter((d) => d.doctype === doctype && d.body[field] === value).map((d, i) => ({ name: `${doctype}-${i}` }))
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: hit }))
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>
      if (body.doctype !== doctype) problems.push(`body doctype ${String(body.doctype)} on ${doctype}`)
      if (body.docstatus !== 1) problems.push('not submitted')
      if (!Array.isArray(body.items) || body.items.length !== 1 || typeof body.items[0].item_code !== 'string' || !(body.items[0].qty > 0)) problems.push(`items ${JSON.stringify(body.items)}`)
      if (doctype === 'Stock Entry' && !['Material Receipt', 'Material Issue'].includes(body.stock_entry_type)) problems.push(`stock_entry_type ${String(body.stock_entry_type)}`)
      if (body.items?.[0]?.item_code === 'BAD') { res.writeHead(417, { 'content-type': 'application/json' }).end('{"exc_type":"ValidationError","_server_messages":"Item BAD not found"}'); return }
      docs.push({ doctype, body })
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { name: `${doctype}-${docs.length}` } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, docs, problems, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }) }
}

const base = { storeId: 'CA_1', lane: 'urgent' as const, sku: 'FOODS_1_001', occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z', receivedAt: 0 }

t.test('the mapping: receipt and found-more are Material Receipts, found-less a Material Issue, an order a Material Request', async (t) => {
  t.match(toErpNext({ ...base, seq: 1, eventId: 'r1', type: 'receipt', payload: { sku: 'FOODS_1_001', qty: 24 } }, 'CA_1 - WH'), { doctype: 'Stock Entry', body: { stock_entry_type: 'Material Receipt', items: [{ item_code: 'FOODS_1_001', qty: 24, t_warehouse: 'CA_1 - WH' }], remarks: 'store-edge:CA_1:r1', posting_date: '2016-03-01', docstatus: 1 } })
  t.match(toErpNext({ ...base, seq: 2, eventId: 'a1', type: 'inventory_adjustment', payload: { sku: 'FOODS_1_001', delta: -3 } }, 'W'), { body: { stock_entry_type: 'Material Issue', items: [{ qty: 3, s_warehouse: 'W' }] } })
  t.match(toErpNext({ ...base, seq: 3, eventId: 'o1', type: 'order', payload: { sku: 'FOODS_1_001', qty: 36, orderDay: '2016-03-01' } }, 'W'), { doctype: 'Material Request', body: { material_request_type: 'Purchase', title: 'store-edge:CA_1:o1', items: [{ qty: 36, schedule_date: '2016-03-01', warehouse: 'W' }] } })
  t.equal(toErpNext({ ...base, seq: 4, eventId: 'd1', type: 'receiving_discrepancy', payload: {} }, 'W'), null)
  let caught: unknown = null
  try { toErpNext({ ...base, seq: 5, eventId: 'a2', type: 'inventory_adjustment', payload: { sku: 'X', delta: 0 } }, 'W') } catch (err) { caught = err }
  t.match(caught, { name: 'ErpError', retryable: false }, 'an adjustment of nothing is refused for good')
})

t.test('through the relay to a fake ERPNext: each event booked once in the documented shape; a refused one dead-lettered', async (t) => {
  const erp = await fakeErpNext()
  t.teardown(() => erp.close())
  const dir = mkdtempSync(join(tmpdir(), 'relay-erpnext-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const r = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: dir, logLevel: 'silent', forwardUrl: erp.url, erp: 'erpnext', erpApiKey: 'k123', erpApiSecret: 's456', erpWarehouse: '{storeId} - WH', forwardWorkers: 1 } }))
  t.teardown(() => r.close())
  const { token } = await r.storage.registerStore('CA_1')
  const e = (seq: number, eventId: string, type: string, payload: Record<string, unknown>): Record<string, unknown> => ({ seq, eventId, type, lane: 'urgent', sku: payload.sku ?? null, payload, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z' })
  const events = [
    e(1, 'rcpt:1', 'receipt', { sku: 'FOODS_1_001', qty: 24 }),
    e(2, 'adj:1', 'inventory_adjustment', { sku: 'FOODS_1_001', delta: 2 }),
    e(3, 'adj:2', 'inventory_adjustment', { sku: 'FOODS_1_002', delta: -5 }),
    e(4, 'order:1', 'order', { sku: 'FOODS_1_001', qty: 36, orderDay: '2016-03-01' }),
    e(5, 'disc:1', 'receiving_discrepancy', { sku: 'FOODS_1_001', kind: 'short' }),
    e(6, 'rcpt:2', 'receipt', { sku: 'BAD', qty: 1 })
  ]
  const res = await fetch(`http://127.0.0.1:${r.port}/v1/stores/CA_1/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: new Uint8Array(gzipSync(JSON.stringify({ events }))) })
  t.equal(res.status, 200)
  const until = async (cond: () => Promise<boolean>): Promise<void> => { for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((resolve) => setTimeout(resolve, 25)) }
  await until(async () => { const s = await r.storage.stats('CA_1'); return s !== null && s.pendingCount === 0 })
  t.same(erp.problems, [], 'every request had the documented shape')
  t.same(erp.docs.map((d) => [d.doctype, d.body.stock_entry_type ?? d.body.material_request_type, d.body.items[0].qty]), [
    ['Stock Entry', 'Material Receipt', 24],
    ['Stock Entry', 'Material Receipt', 2],
    ['Stock Entry', 'Material Issue', 5],
    ['Material Request', 'Purchase', 36]
  ])
  t.match(await r.storage.stats('CA_1'), { forwardedCount: 5, deadCount: 1 })
  t.match(await r.storage.deadLetters('CA_1', 10), [{ eventId: 'rcpt:2', reason: /417/ }])
  // A relay that died after ERPNext booked an event sends it again: found by its key, not booked twice.
  const { ErpNextAdapter } = await import('../src/forward/erpnext.js')
  await new ErpNextAdapter({ url: erp.url, apiKey: 'k123', apiSecret: 's456', warehouse: 'W' }).send({ ...events[0], storeId: 'CA_1', receivedAt: 0 } as any)
  t.equal(erp.docs.length, 4, 'still four documents')
})
