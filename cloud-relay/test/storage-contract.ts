// The contract every RelayStorage keeps, run against each implementation (storage-sqlite.test.ts,
// storage-postgres.test.ts), in the manner of aedes-persistence's abstract tests. `open` returns a
// fresh, empty storage on the given clock; the suite closes it.

import type { Test } from 'tap'
import type { Claim, RelayEventIn, RelayStorage, RelayStorageOptions } from '../src/storage/types.js'

export type OpenStorage = (opts: Required<RelayStorageOptions>) => Promise<RelayStorage>

const LEASE_MS = 30_000 // 30 s
const GRACE_MS = 24 * 60 * 60 * 1000 // 24 h

/** A clock the test moves: epoch ms. */
export function testClock (start = Date.parse('2026-03-01T08:00:00Z')): { now: () => number, advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => { t += ms } }
}

/** An outbox row as the store sends it; the event id follows the seq unless given. */
export function ev (seq: number, eventId = `e${seq}`, over: Partial<RelayEventIn> = {}): RelayEventIn {
  return {
    seq,
    eventId,
    type: 'inventory_adjustment',
    lane: 'urgent',
    sku: `SKU-${seq % 7}`,
    payload: { qty: seq, lineage: { journalSeqs: [seq * 10] } },
    occurredAt: new Date(Date.UTC(2026, 2, 1, 7, 0, seq)).toISOString(),
    createdAt: new Date(Date.UTC(2026, 2, 1, 7, 1, seq)).toISOString(),
    ...over
  }
}

async function rejectsCode (t: Test, p: Promise<unknown>, code: string, msg: string): Promise<void> {
  await t.rejects(p, { name: 'RelayStorageError', code }, msg)
}

export function storageContract (t: Test, open: OpenStorage): void {
  async function fresh (t: Test): Promise<{ s: RelayStorage, clock: ReturnType<typeof testClock> }> {
    const clock = testClock()
    const s = await open({ now: clock.now, leaseMs: LEASE_MS, tokenGraceMs: GRACE_MS })
    t.teardown(async () => { await s.close() })
    return { s, clock }
  }

  t.test('a batch sent twice is applied once; duplicates are counted and the answer is the highest stored seq', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('CA_1', 'Store CA 1')
    t.same(await s.storeBatch('CA_1', [ev(1), ev(2), ev(3)]), { inserted: 3, duplicates: 0, highestSeq: 3 })
    t.same(await s.storeBatch('CA_1', [ev(1), ev(2), ev(3)]), { inserted: 0, duplicates: 3, highestSeq: 3 })
    t.same(await s.storeBatch('CA_1', [ev(3), ev(4)]), { inserted: 1, duplicates: 1, highestSeq: 4 }, 'a half-new batch stores only the new one')
    // The store deleted e2 after the ack and wrote the same cause again under a new seq: still once.
    t.same(await s.storeBatch('CA_1', [ev(9, 'e2')]), { inserted: 0, duplicates: 1, highestSeq: 9 }, 'a re-sent event id under a new seq is a duplicate the store may delete')
    t.same(await s.storeBatch('CA_1', []), { inserted: 0, duplicates: 0, highestSeq: 9 }, 'an empty batch answers the watermark')
    const st = await s.stats('CA_1')
    t.equal(st?.storedCount, 4); t.equal(st?.highestSeq, 9); t.equal(st?.name, 'Store CA 1')
    const claim = await s.claimNext('w1', 100)
    t.same(claim?.events.map((e) => [e.seq, e.eventId]), [[1, 'e1'], [2, 'e2'], [3, 'e3'], [4, 'e4']])
    t.same(claim?.events[0].payload, ev(1).payload, 'payload comes back as sent')
    t.equal(claim?.events[0].occurredAt, ev(1).occurredAt)
  })

  t.test('batches arrive out of seq order (urgent rows overtake older normal ones) and are stored', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('TX_1')
    t.same(await s.storeBatch('TX_1', [ev(5), ev(8)]), { inserted: 2, duplicates: 0, highestSeq: 8 })
    t.same(await s.storeBatch('TX_1', [ev(2, 'e2', { lane: 'normal', type: 'receipt' }), ev(3, 'e3', { lane: 'normal', type: 'receipt' })]),
      { inserted: 2, duplicates: 0, highestSeq: 8 }, 'lower seqs after higher ones are fine; the answer stays the highest')
    const claim = await s.claimNext('w1', 10)
    t.same(claim?.events.map((e) => e.seq), [2, 3, 5, 8], 'handed out in seq order')
    t.equal(claim?.events[0].type, 'receipt'); t.equal(claim?.events[0].lane, 'normal')
  })

  t.test('a bad batch stores nothing: seqs not increasing, not positive, or a seq taken by another event', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('CA_1')
    await s.storeBatch('CA_1', [ev(1), ev(2)])
    await rejectsCode(t, s.storeBatch('CA_1', [ev(3), ev(5), ev(4)]), 'RELAY_ERR_SEQ_ORDER', 'decreasing inside the batch')
    await rejectsCode(t, s.storeBatch('CA_1', [ev(6), ev(6, 'other')]), 'RELAY_ERR_SEQ_ORDER', 'repeated seq inside the batch')
    await rejectsCode(t, s.storeBatch('CA_1', [ev(0)]), 'RELAY_ERR_SEQ_ORDER', 'seq 0')
    await rejectsCode(t, s.storeBatch('CA_1', [ev(1.5, 'x')]), 'RELAY_ERR_SEQ_ORDER', 'fractional seq')
    await rejectsCode(t, s.storeBatch('CA_1', [ev(3), ev(4), ev(2, 'not-e2'), ev(7)].sort((a, b) => a.seq - b.seq)), 'RELAY_ERR_SEQ_CONFLICT', 'seq 2 is e2 already')
    const st = await s.stats('CA_1')
    t.equal(st?.storedCount, 2, 'nothing of the refused batches was stored')
    t.equal(st?.highestSeq, 2, 'the watermark did not move')
    t.same((await s.claimNext('w1', 10))?.events.map((e) => e.eventId), ['e1', 'e2'])
    await rejectsCode(t, s.storeBatch('NOPE', [ev(1)]), 'RELAY_ERR_STORE_UNKNOWN', 'unknown store')
  })

  t.test('tokens: unknown store, wrong token, rotation with a grace period, revocation', async (t) => {
    const { s, clock } = await fresh(t)
    const { token: first } = await s.registerStore('CA_1')
    t.match(first, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url')
    await rejectsCode(t, s.registerStore('CA_1'), 'RELAY_ERR_STORE_EXISTS', 'registering twice is refused')
    t.equal(await s.authenticate('CA_1', first), 'ok')
    t.equal(await s.authenticate('CA_1', first + 'x'), 'wrong')
    t.equal(await s.authenticate('CA_1', ''), 'wrong')
    t.equal(await s.authenticate('TX_9', first), 'unknown')
    const { token: second } = await s.registerStore('CA_2')
    t.equal(await s.authenticate('CA_1', second), 'wrong', "another store's token is wrong")

    const { token: rotated } = await s.rotateToken('CA_1')
    t.not(rotated, first)
    t.equal(await s.authenticate('CA_1', rotated), 'ok', 'the new token works')
    clock.advance(GRACE_MS - 1000)
    t.equal(await s.authenticate('CA_1', first), 'ok', 'the old one still works inside the grace period')
    clock.advance(1000)
    t.equal(await s.authenticate('CA_1', first), 'wrong', 'and not after it')
    t.equal(await s.authenticate('CA_1', rotated), 'ok')

    const { token: third } = await s.rotateToken('CA_1')
    const { token: fourth } = await s.rotateToken('CA_1')
    t.equal(await s.authenticate('CA_1', third), 'ok', 'the token just rotated out is in its grace')
    t.equal(await s.authenticate('CA_1', rotated), 'wrong', 'rotating again drops the older one at once')
    t.equal(await s.authenticate('CA_1', fourth), 'ok')

    await s.storeBatch('CA_1', [ev(1)])
    await s.revokeStore('CA_1')
    t.equal(await s.authenticate('CA_1', fourth), 'revoked', 'the holder of a valid token learns it is revoked')
    t.equal(await s.authenticate('CA_1', 'guess'), 'wrong', 'a guesser learns nothing more')
    await rejectsCode(t, s.storeBatch('CA_1', [ev(2)]), 'RELAY_ERR_STORE_REVOKED', 'a revoked store cannot send')
    await rejectsCode(t, s.rotateToken('CA_1'), 'RELAY_ERR_STORE_REVOKED', 'nor get a new token')
    await rejectsCode(t, s.revokeStore('NOPE'), 'RELAY_ERR_STORE_UNKNOWN', 'revoking an unknown store')
    t.equal((await s.claimNext('w1', 10))?.storeId, 'CA_1', 'what it sent before revocation is still forwarded')
    t.ok((await s.stats('CA_1'))?.revokedAt, 'stats show the revocation')
    t.same(await s.storeIds(), ['CA_1', 'CA_2'])
  })

  t.test('claims: two workers never hold the same store; nothing to claim is null', async (t) => {
    const { s } = await fresh(t)
    t.equal(await s.claimNext('w1', 10), null, 'an empty relay has nothing to claim')
    for (const id of ['A', 'B']) { await s.registerStore(id); await s.storeBatch(id, [ev(1), ev(2)]) }
    await s.registerStore('IDLE')
    const c1 = await s.claimNext('w1', 10)
    const c2 = await s.claimNext('w2', 10)
    t.ok(c1 !== null && c2 !== null)
    t.not(c1?.storeId, c2?.storeId, 'two workers get two different stores')
    t.equal(await s.claimNext('w3', 10), null, 'a third worker gets nothing: both stores are held, the idle one has no events')
    t.equal((await s.stats(c1?.storeId ?? ''))?.leaseOwner, 'w1')
    t.same(await s.complete(c1 as Claim, ['e1', 'e2']), { forwarded: 2 })
    t.equal(await s.claimNext('w3', 10), null, 'a fully forwarded store is not claimed again')
    await s.storeBatch(c1?.storeId ?? '', [ev(3)])
    t.same((await s.claimNext('w3', 10))?.events.map((e) => e.seq), [3], 'until it sends more')
  })

  t.test("a worker frees the leases it holds but lost track of (a claim whose answer was lost), and nobody else's", async (t) => {
    const { s } = await fresh(t)
    for (const id of ['A', 'B']) { await s.registerStore(id); await s.storeBatch(id, [ev(1)]) }
    const lost = await s.claimNext('w1', 10) as Claim
    const other = await s.claimNext('w2', 10) as Claim
    t.equal(await s.claimNext('w3', 10), null, 'both stores held')
    t.equal(await s.releaseLeases('w1'), 1)
    t.equal((await s.stats(lost.storeId))?.leaseOwner, null)
    const again = await s.claimNext('w3', 10) as Claim
    t.equal(again.storeId, lost.storeId, 'the store is claimable at once, not after the lease')
    await rejectsCode(t, s.complete(lost, ['e1']), 'RELAY_ERR_CLAIM_LOST', 'the released claim cannot complete')
    t.equal(await s.releaseLeases('w9'), 0, 'a worker holding nothing frees nothing')
    t.same(await s.complete(other, ['e1']), { forwarded: 1 }, "another worker's claim is untouched")
  })

  t.test('per-store order: an event is not handed out while an earlier one is unforwarded', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('A')
    await s.storeBatch('A', [ev(4), ev(6)])
    await s.storeBatch('A', [ev(1), ev(2)])
    const c1 = await s.claimNext('w1', 2) as Claim
    t.same(c1.events.map((e) => e.seq), [1, 2], 'the lowest seqs first, limit respected')
    await rejectsCode(t, s.complete(c1, ['e2']), 'RELAY_ERR_CLAIM_ORDER', 'forwarding 2 without 1 is refused')
    await rejectsCode(t, s.complete(c1, ['e1', 'e2', 'e4']), 'RELAY_ERR_CLAIM_ORDER', 'ids not in the claim are refused')
    t.same(await s.complete(c1, ['e1']), { forwarded: 1 }, 'a prefix is fine')
    const c2 = await s.claimNext('w2', 2) as Claim
    t.same(c2.events.map((e) => e.seq), [2, 4], 'the unforwarded 2 comes again, before 4')
    await s.complete(c2, ['e2', 'e4'])
    await s.storeBatch('A', [ev(5)]) // arrives late, still ahead of 6
    const c3 = await s.claimNext('w1', 10) as Claim
    t.same(c3.events.map((e) => e.seq), [5, 6])
    await s.complete(c3, ['e5', 'e6'])
    const st = await s.stats('A')
    t.equal(st?.forwardedCount, 5); t.equal(st?.pendingCount, 0); t.equal(st?.nextUnforwarded, null); t.equal(st?.oldestUnforwardedReceivedAt, null)
  })

  t.test('a failed claim releases the store, which is retried from retryAt with the same events', async (t) => {
    const { s, clock } = await fresh(t)
    await s.registerStore('A')
    await s.storeBatch('A', [ev(1), ev(2), ev(3)])
    const c1 = await s.claimNext('w1', 10) as Claim
    await s.fail(c1, 'ERP answered 503', clock.now() + 30_000, ['e1'])
    let st = await s.stats('A')
    t.equal(st?.lastError, 'ERP answered 503'); t.equal(st?.failedAttempts, 1); t.equal(st?.retryAt, clock.now() + 30_000)
    t.equal(st?.forwardedCount, 1, 'the part forwarded before the failure counts')
    t.equal(st?.leaseOwner, null, 'released')
    t.same(st?.nextUnforwarded, { seq: 2, eventId: 'e2', occurredAt: ev(2).occurredAt, receivedAt: clock.now() })
    t.equal(await s.claimNext('w2', 10), null, 'not before retryAt')
    clock.advance(30_000)
    const c2 = await s.claimNext('w2', 10) as Claim
    t.same(c2.events.map((e) => e.seq), [2, 3], 'retried with what is left, in order')
    await s.complete(c2, ['e2', 'e3'])
    st = await s.stats('A')
    t.equal(st?.lastError, null, 'a success clears the error'); t.equal(st?.failedAttempts, 0); t.equal(st?.retryAt, null)
  })

  t.test('a lease expires when its worker dies: the store is re-claimable and the old claim is refused', async (t) => {
    const { s, clock } = await fresh(t)
    await s.registerStore('A')
    await s.storeBatch('A', [ev(1), ev(2)])
    const dead = await s.claimNext('w1', 10) as Claim
    t.equal(dead.leaseUntil, clock.now() + LEASE_MS)
    clock.advance(LEASE_MS - 1)
    t.equal(await s.claimNext('w2', 10), null, 'held until the lease runs out')
    clock.advance(1)
    t.equal((await s.stats('A'))?.leaseOwner, null, 'an expired lease has no owner')
    const taken = await s.claimNext('w2', 10) as Claim
    t.equal(taken.storeId, 'A'); t.same(taken.events.map((e) => e.seq), [1, 2])
    await rejectsCode(t, s.complete(dead, ['e1']), 'RELAY_ERR_CLAIM_LOST', 'the dead worker coming back cannot complete')
    await rejectsCode(t, s.fail(dead, 'late', clock.now()), 'RELAY_ERR_CLAIM_LOST', 'nor fail')
    t.same(await s.complete(taken, ['e1', 'e2']), { forwarded: 2 })
    await rejectsCode(t, s.complete(taken, ['e1']), 'RELAY_ERR_CLAIM_LOST', 'a claim completes once')
    t.equal((await s.stats('A'))?.forwardedCount, 2, 'each event counted forwarded once')

    await s.storeBatch('A', [ev(3)])
    const slow = await s.claimNext('w3', 10) as Claim
    clock.advance(LEASE_MS * 2)
    t.same(await s.complete(slow, ['e3']), { forwarded: 1 }, 'an expired lease nobody took over still completes')
  })

  t.test('stats of an unknown store are null; stats track the backlog', async (t) => {
    const { s, clock } = await fresh(t)
    t.equal(await s.stats('NOPE'), null)
    await s.registerStore('A')
    const registeredAt = clock.now()
    clock.advance(5000)
    await s.storeBatch('A', [ev(3)])
    clock.advance(5000)
    await s.storeBatch('A', [ev(1)])
    const st = await s.stats('A')
    t.same(st, {
      storeId: 'A', name: null, registeredAt, revokedAt: null, storedCount: 2, forwardedCount: 0, pendingCount: 2, deadCount: 0, highestSeq: 3,
      nextUnforwarded: { seq: 1, eventId: 'e1', occurredAt: ev(1).occurredAt, receivedAt: registeredAt + 10_000 },
      oldestUnforwardedReceivedAt: registeredAt + 5000, lastError: null, retryAt: null, failedAttempts: 0, leaseOwner: null,
      lastHeartbeatAt: null, lastHeartbeat: null
    })
    await s.registerStore('B', 'Second')
    await s.recordHeartbeat('B', { queue: { urgent: 0 } })
    t.same(await s.allStats(), [st, await s.stats('B')], 'all stores at once: the same figures, sorted by id')
    t.match((await s.allStats())[1], { storeId: 'B', name: 'Second', nextUnforwarded: null, oldestUnforwardedReceivedAt: null, lastHeartbeat: { queue: { urgent: 0 } } })
  })

  t.test('the latest heartbeat is kept with the relay\'s time; an unknown store has none', async (t) => {
    const { s, clock } = await fresh(t)
    await s.registerStore('A')
    await s.recordHeartbeat('A', { version: '0.1.0', queue: { urgent: 3 } })
    clock.advance(60_000)
    await s.recordHeartbeat('A', { version: '0.1.1', queue: { urgent: 0 } })
    t.match(await s.stats('A'), { lastHeartbeatAt: clock.now(), lastHeartbeat: { version: '0.1.1', queue: { urgent: 0 } } })
    await t.rejects(s.recordHeartbeat('Z', {}), { code: 'RELAY_ERR_STORE_UNKNOWN' })
  })

  t.test('an event the ERP refuses is parked: the store goes on past it, and a replay puts it first in line', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('A')
    await s.storeBatch('A', [ev(1), ev(2), ev(3)])
    const c1 = await s.claimNext('w1', 10) as Claim
    await s.deadLetter(c1, 'e2', 'ERP 422: unknown item', ['e1'])
    t.match(await s.stats('A'), { forwardedCount: 1, deadCount: 1, pendingCount: 1, leaseOwner: null, lastError: null })
    t.same((await s.deadLetters('A', 10)).map((d) => [d.eventId, d.reason]), [['e2', 'ERP 422: unknown item']])
    const c2 = await s.claimNext('w1', 10) as Claim
    t.same(c2.events.map((e) => e.eventId), ['e3'], 'the parked event is skipped')
    await s.complete(c2, ['e3'])
    t.equal(await s.claimNext('w1', 10), null, 'nothing left but the parked one')
    await t.rejects(s.deadLetter(c2, 'e9', 'x'), { code: 'RELAY_ERR_CLAIM_ORDER' })
    t.equal(await s.replay('A', null), 1)
    const c3 = await s.claimNext('w1', 10) as Claim
    t.same(c3.events.map((e) => e.eventId), ['e2'], 'replayed: back in line')
    await s.complete(c3, ['e2'])
    t.match(await s.stats('A'), { forwardedCount: 3, deadCount: 0, pendingCount: 0 })
    t.same(await s.deadLetters(null, 10), [])
    t.equal(await s.replay('A', ['e2']), 0, 'nothing parked: nothing replayed')
  })

  t.test('the event ids of a day, by the store\'s write time', async (t) => {
    const { s } = await fresh(t)
    await s.registerStore('A')
    await s.storeBatch('A', [ev(1), { ...ev(2), createdAt: '2016-03-02T00:00:00.000Z' }, { ...ev(3), createdAt: '2016-03-01T23:59:59.999Z' }])
    t.same(await s.eventIdsOfDay('A', ev(1).createdAt.slice(0, 10)), ['e1'])
    t.same(await s.eventIdsOfDay('A', '2016-03-01'), ['e3'], 'the last millisecond of a day is in it')
    t.same(await s.eventIdsOfDay('A', '2016-03-02'), ['e2'], 'midnight starts the next')
    t.same(await s.eventIdsOfDay('B', '2016-03-02'), [])
  })
}
