// A fake ERP webhook on a real socket (the one part that cannot run here), behaving like a real ERP
// with idempotency keys: a call whose Idempotency-Key it has applied before is answered 200 and not
// applied again. It records every call, so a test can see repeats, and what it applied, in order.
// Modes, switched by the test:
// - ok: applies and answers 200;
// - 500: applies nothing, answers 500;
// - hang: applies nothing, never answers (the relay's call times out);
// - apply-then-hang: applies, then never answers (the ERP did it but the relay never hears);
// - slow: applies and answers 200 after slowMs (a busy ERP, within the relay's time limit).

import { createServer, type ServerResponse } from 'node:http'

export type ErpMode = 'ok' | 500 | 'hang' | 'apply-then-hang' | 'slow'

export interface ErpCall { key: string, storeId: string, eventId: string, seq: number, mode: ErpMode, repeat: boolean }
export interface Applied { key: string, storeId: string, eventId: string, seq: number, type: string }

export interface FakeErp {
  url: string
  mode: ErpMode
  /** Milliseconds a call takes in mode slow. */
  slowMs: number
  /** Every call, in arrival order. */
  readonly calls: ErpCall[]
  /** What the ERP applied (each key once), in the order it applied it. */
  readonly applied: Applied[]
  close (): Promise<void>
}

export async function startFakeErp (): Promise<FakeErp> {
  const applied: Applied[] = []
  const calls: ErpCall[] = []
  const keys = new Set<string>()
  const held = new Set<ServerResponse>()
  const erp: FakeErp = { url: '', mode: 'ok', slowMs: 100, calls, applied, close: async () => {} }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { storeId: string, eventId: string, seq: number, type: string }
      const key = String(req.headers['idempotency-key'])
      const mode = erp.mode
      calls.push({ key, storeId: body.storeId, eventId: body.eventId, seq: body.seq, mode, repeat: keys.has(key) })
      if (mode === 500) { res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"ERP unavailable"}'); return }
      if (mode !== 'hang' && !keys.has(key)) {
        keys.add(key)
        applied.push({ key, storeId: body.storeId, eventId: body.eventId, seq: body.seq, type: body.type })
      }
      if (mode === 'hang' || mode === 'apply-then-hang') {
        held.add(res)
        res.on('close', () => held.delete(res))
        return
      }
      const answer = (): void => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}') }
      if (mode === 'slow') {
        held.add(res)
        res.on('close', () => held.delete(res))
        setTimeout(answer, erp.slowMs)
      } else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  erp.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/erp/events`
  erp.close = () => new Promise((resolve) => {
    for (const r of held) r.destroy()
    server.closeAllConnections()
    server.close(() => resolve())
  })
  return erp
}
