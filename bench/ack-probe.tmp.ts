import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../edge/src/store/db.js'
import { silentLog } from '../edge/src/core/log.js'
import { OutboxRows } from '../edge/src/store/outbox-rows.js'

const N = Number(process.argv[2] ?? 300_000)
const cache = Number(process.argv[3] ?? 0)
const dir = mkdtempSync(join(tmpdir(), 'ackp-'))
const db = openDatabase({ dataDir: dir, synchronous: 'FULL', log: silentLog(), now: () => new Date().toISOString() })
if (cache) db.pragma(`cache_size = -${cache * 1024}`)
const rows = new OutboxRows(db)
const payload = { sku: 'FOODS_1_001', location: 'DOCK-1', qty: 12, asn: 'ASN-000123-4', storeId: 'CA_1', deviceId: 'hh-07', eventId: randomUUID(), eventSeq: 1234567 }
let t = performance.now()
db.transaction(() => { for (let i = 0; i < N; i++) rows.add({ eventId: `rcpt:hh-07:${randomUUID()}`, type: 'receipt', sku: 'FOODS_1_001', payload, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z' }) })()
console.log('fill', ((performance.now() - t) / N * 1000).toFixed(1), 'us/row')
let sel = 0; let ack = 0; let done = 0
while (done < N) {
  t = performance.now()
  const b = rows.nextOfLane('normal', 500)
  sel += performance.now() - t
  t = performance.now()
  rows.acknowledge(b)
  ack += performance.now() - t
  done += b.length
}
console.log('select', (sel / N * 1000).toFixed(1), 'us/row; ack', (ack / N * 1000).toFixed(1), 'us/row; cache MB', cache)
db.close(); rmSync(dir, { recursive: true, force: true })
{
  const { idTerm } = await import('../edge/src/core/digest.js')
  const ids = Array.from({ length: 100000 }, () => `rcpt:hh-07:${randomUUID()}`)
  const t0 = performance.now()
  for (const id of ids) idTerm(id)
  console.log('idTerm', ((performance.now() - t0) / ids.length * 1000).toFixed(2), 'us/id')
}
{
  const dir2 = mkdtempSync(join(tmpdir(), 'ackp-'))
  const db2 = openDatabase({ dataDir: dir2, synchronous: 'FULL', log: silentLog(), now: () => new Date().toISOString() })
  const r2 = new OutboxRows(db2)
  db2.transaction(() => { for (let i = 0; i < N; i++) r2.add({ eventId: `rcpt:hh-07:${randomUUID()}`, type: 'receipt', sku: 'FOODS_1_001', payload, occurredAt: '2016-03-01T10:00:00.000Z', createdAt: '2016-03-01T10:00:00.000Z' }) })()
  const del = db2.prepare("DELETE FROM outbox WHERE lane = 'normal' AND seq BETWEEN ? AND ?")
  let tt = 0; let n = 0
  while (n < N) {
    const b = r2.nextOfLane('normal', 500)
    const t1 = performance.now()
    db2.transaction(() => del.run(b[0].seq, b[b.length - 1].seq))()
    tt += performance.now() - t1
    n += b.length
  }
  console.log('range delete only', (tt / N * 1000).toFixed(1), 'us/row')
  db2.close(); rmSync(dir2, { recursive: true, force: true })
}
