// Fault scenarios on the relay's side (issue 7), run by faults-sqlite.test.ts and
// faults-postgres.test.ts, on real sockets: the ERP answering 500 for a while; the
// ERP not answering (each call hangs past the adapter's time limit); the ERP applying a call whose
// answer is lost (the retry carries the same idempotency key, the effect is once); and the same
// batches delivered twice and out of order, racing, as raw gzip POSTs like the store sends; and a
// slow ERP whose claims outlast their lease. After each: the ERP applied every event exactly once,
// each lane in seq order, and the reconciliation matches.

import type { Test } from 'tap'
import { digestOf } from '../../../edge/src/core/digest.js'
import { gzipJson, postJson } from '../../../edge/src/outbox/post.js'
import { LANE_OF } from '../../../edge/src/store/outbox-rows.js'
import type { ErpCall } from './fake-erp.js'
import { eventually, payloadOf, reconciled, startRig, STORE_ID, typeOf, type Rig, type StorageKind, type Written } from './fault-rig.js'

/** Seeded, so a failing order can be replayed. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** The three ERP faults, one after the other on one rig; each check covers everything written so far. */
export async function erpFaults (t: Test, rig: Rig): Promise<void> {
  /** The ERP's calls and applications since `from` (marks taken at a scenario's start). */
  const since = (from: { calls: number, applied: number }): { calls: ErpCall[], applied: number } => ({ calls: rig.erp.calls.slice(from.calls), applied: rig.erp.applied.length - from.applied })
  const mark = (): { calls: number, applied: number } => ({ calls: rig.erp.calls.length, applied: rig.erp.applied.length })

  await t.test('the ERP answering 500 for a while: the store drains to the relay anyway, the ERP gets everything once after', async (t) => {
    const m = mark()
    rig.erp.mode = 500
    rig.write(60)
    await eventually(() => since(m).calls.length >= 3, 10_000, 'three calls answered 500')
    await eventually(async () => (await rig.stats()).storedCount === rig.written.length, 10_000, 'the backlog at the relay')
    const during = since(m)
    t.equal(during.applied, 0, 'nothing applied while the ERP fails')
    t.same(new Set(during.calls.map((c) => c.eventId)).size, 1, 'the store\'s stream waits on one event (its oldest), in order')
    t.match(await rig.stats(), { lastError: /500/ }, 'the relay shows the ERP\'s 500 as the store\'s last error')
    rig.erp.mode = 'ok'
    await rig.delivered(t)
  })

  await t.test('the ERP not answering: each call times out at RELAY_FORWARD_TIMEOUT_MS and is retried, in order', async (t) => {
    const m = mark()
    rig.erp.mode = 'hang'
    rig.write(60)
    await eventually(() => since(m).calls.length >= 2, 10_000, 'a call and its retry')
    const [first, retry] = since(m).calls
    t.equal(retry.key, first.key, 'the retry is the same event with the same key')
    await eventually(async () => /abort|timeout|timed out/i.test((await rig.stats()).lastError ?? ''), 5000, 'the time-out recorded')
    t.equal(since(m).applied, 0, 'nothing applied while the ERP hangs')
    rig.erp.mode = 'ok'
    await rig.delivered(t)
  })

  await t.test('the ERP applied the call but its answer was lost: the retry carries the same key and the effect is once', async (t) => {
    const m = mark()
    rig.erp.mode = 'apply-then-hang'
    rig.write(60)
    await eventually(() => since(m).calls.length >= 2, 10_000, 'a call and its retry')
    const [first, retry] = since(m).calls
    t.equal(retry.key, first.key, 'the retry carries the same idempotency key')
    t.equal(retry.repeat, true, 'the ERP recognised it as one it had applied')
    t.equal(since(m).applied, 1, 'and applied it once')
    rig.erp.mode = 'ok'
    await rig.delivered(t)
    t.ok(rig.erp.calls.filter((c) => c.key === first.key).length >= 2, 'the lost-answer event was called more than once, applied once')
  })
}

/** Raw batches as the store sends them, twice, out of order and racing, to a relay of its own. */
export function batchesTwiceOutOfOrder (t: Test, storage: StorageKind): void {
  t.test('the same batches delivered twice and out of order, racing: each event applied once, each lane in order', async (t) => {
    const rig = await startRig(t, { storage, store: false })
    const url = `http://127.0.0.1:${rig.relay.port}/v1/stores/${STORE_ID}/batches`
    const N = 140
    const createdAt = new Date().toISOString()
    const events = Array.from({ length: N }, (_, k) => {
      const i = k + 1
      const type = typeOf(i)
      return { seq: i, eventId: `${type}:${i}`, type, lane: LANE_OF[type], sku: 'FOODS_1_001', payload: payloadOf(i, type), occurredAt: createdAt, createdAt }
    })
    // Batches as the sender forms them: one lane each, the lane's oldest rows first.
    const lanes = (['urgent', 'normal'] as const).map((lane) => {
      const rows = events.filter((e) => e.lane === lane)
      return Array.from({ length: Math.ceil(rows.length / 7) }, (_, b) => rows.slice(b * 7, b * 7 + 7))
    })
    // What the wire can do to them: the lanes interleaved any way (urgent overtakes normal);
    // a batch re-sent later, after newer ones, when its answer was lost; a batch re-sent with
    // the next rows in it. Within a lane, a batch's first delivery never precedes an older
    // batch's (the sender sends the next only once the one before is acknowledged).
    const rnd = random(7)
    const plan: Array<{ events: typeof events, repeat: boolean }> = []
    const next = [0, 0]
    while (next[0] < lanes[0].length || next[1] < lanes[1].length) {
      const l = next[0] >= lanes[0].length ? 1 : next[1] >= lanes[1].length ? 0 : rnd() < 0.5 ? 0 : 1
      const b = next[l]++
      const grown = b > 0 && rnd() < 0.3
      plan.push({ events: grown ? [...lanes[l][b - 1], ...lanes[l][b]] : lanes[l][b], repeat: false })
      if (rnd() < 0.5) plan.splice(plan.length + Math.floor(rnd() * 6), 0, { events: lanes[l][b], repeat: true })
    }
    const answers: Array<{ stored: number, duplicates: number, highestSeq: number, rows: number, top: number }> = []
    const statuses: number[] = []
    const send = async (batch: typeof events): Promise<void> => {
      const res = await postJson(url, rig.token, gzipJson({ storeId: STORE_ID, sentAt: new Date().toISOString(), events: batch }), 5000)
      statuses.push(res.status)
      if (res.status === 200) answers.push({ ...(JSON.parse(res.body) as { stored: number, duplicates: number, highestSeq: number }), rows: batch.length, top: batch[batch.length - 1].seq })
    }
    // Repeats are not awaited: a stale copy races the newer batches that follow it.
    const racing: Array<Promise<void>> = []
    for (const p of plan) {
      if (p.repeat) racing.push(send(p.events))
      else await send(p.events)
    }
    await Promise.all(racing)
    t.ok(plan.filter((p) => p.repeat).length >= 5, `${plan.length} deliveries of ${lanes[0].length + lanes[1].length} batches`)
    t.same(statuses.filter((s) => s !== 200), [], 'every delivery answered 200')
    t.ok(answers.every((a) => a.stored + a.duplicates === a.rows && a.highestSeq >= a.top), 'every answer accounts for its whole batch, up to its highest seq')
    t.equal(answers.reduce((s, a) => s + a.stored, 0), N, `${N} stored once`)
    t.ok(answers.reduce((s, a) => s + a.duplicates, 0) > 0, 'the rest counted as duplicates')

    // The heartbeat the store would send: what the relay acknowledged, by day written.
    const hb = await postJson(`http://127.0.0.1:${rig.relay.port}/v1/stores/${STORE_ID}/heartbeat`, rig.token, gzipJson({ acked: [{ day: createdAt.slice(0, 10), rows: N, digest: digestOf(events.map((e) => e.eventId)) }] }), 5000)
    t.equal(hb.status, 200, 'the heartbeat is taken')
    const written: Written[] = events.map((e) => ({ seq: e.seq, eventId: e.eventId, type: e.type, lane: e.lane }))
    await rig.delivered(t, written)
    await reconciled(t, rig.relay, N)
  })
}

/**
 * A slow ERP (each call well within the time limit) and a claim of more events than the lease
 * covers: a worker must not be sending a store's events when its lease runs out, or a second
 * worker takes the store and sends the same events at the same time (twice to the ERP, and an ERP
 * without an idempotency header, like ERPNext's look-up-then-create, books them twice).
 */
export function slowErpLease (t: Test, storage: StorageKind): void {
  t.test('a slow ERP and claims longer than their lease: no event is sent twice, none out of order', async (t) => {
    // A 1 s lease, 50 ms a call, up to 100 events a claim: a claim would take 1.5 s.
    const rig = await startRig(t, { storage, store: false, leaseMs: 1000 })
    rig.erp.mode = 'slow'
    rig.erp.slowMs = 50
    const N = 30
    const createdAt = new Date().toISOString()
    const events = Array.from({ length: N }, (_, k) => ({ seq: k + 1, eventId: `order:${k + 1}`, type: 'order' as const, lane: 'urgent' as const, sku: 'FOODS_1_001', payload: { qty: 1 + k % 5 }, occurredAt: createdAt, createdAt }))
    const res = await postJson(`http://127.0.0.1:${rig.relay.port}/v1/stores/${STORE_ID}/batches`, rig.token, gzipJson({ storeId: STORE_ID, events }), 5000)
    t.equal(res.status, 200, 'the batch is taken')
    await rig.delivered(t, events.map((e) => ({ seq: e.seq, eventId: e.eventId, type: e.type, lane: e.lane })))
    t.same(rig.erp.calls.filter((c) => c.repeat).map((c) => c.eventId), [], 'no call repeated: the ERP never failed, so nothing needed sending again')
  })
}
