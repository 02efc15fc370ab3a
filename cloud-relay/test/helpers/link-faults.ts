// Fault scenarios on the store-to-relay link (issue 7), run by faults-sqlite.test.ts and
// faults-postgres.test.ts: a store server drains a backlog of ERP-bound rows through a TCP
// proxy into the relay, which forwards to a fake ERP. At the fourth batch the proxy starts holding
// the relay's answers (so the relay has a batch the store never heard about), then cuts the link,
// stalls it, or resets every connection; the store keeps writing meanwhile; then the link heals.
// After each: the outbox empties, the ERP applied every event exactly once, each lane in seq order,
// and the reconciliation matches.

import type { Test } from 'tap'
import { eventually, type Rig } from './fault-rig.js'

const BACKLOG = 100 // rows, 10 batches of 10
const FAULT_AT_BATCH = 4 // the batch whose answer is lost when the fault comes
const DURING = 20 // rows written while the link is down

/** Drains a backlog and, from its FAULT_AT_BATCH-th batch on, holds the relay's answers. */
async function midDrain (rig: Rig): Promise<void> {
  let batches = 0
  rig.proxy.onRequestBytes = (chunk) => {
    // A request's first bytes are its request line (one request at a time per connection).
    if (chunk.subarray(0, 64).toString('latin1').startsWith('POST /v1/stores/store-1/batches') && ++batches === FAULT_AT_BATCH) {
      rig.proxy.stall('down')
      rig.proxy.onRequestBytes = null
    }
  }
  rig.write(BACKLOG)
  await eventually(() => rig.proxy.mode === 'stall', 10_000, `the ${FAULT_AT_BATCH}th batch on the wire`)
  // The relay stores that batch; its answer never reaches the store.
  await eventually(async () => (await rig.stats()).storedCount > rig.store!.sender.status().sentRows, 10_000, 'a batch at the relay the store has not heard back about')
}

async function faultThenHeal (rig: Rig, fault: () => Promise<void> | void): Promise<{ lastError: string, heldAtFault: number, leftAtFault: number }> {
  await midDrain(rig)
  const heldAtFault = (await rig.stats()).storedCount - rig.store!.sender.status().sentRows
  const leftAtFault = rig.store!.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number
  await fault()
  rig.write(DURING)
  const sender = rig.store!.sender
  await eventually(() => sender.status().failures >= 2, 10_000, 'the sender to fail twice')
  const st = sender.status()
  await rig.proxy.heal()
  return { lastError: st.lastError?.message ?? '', heldAtFault, leftAtFault }
}

function midDrainSeen (t: Test, r: { heldAtFault: number, leftAtFault: number }): void {
  t.ok(r.heldAtFault > 0 && r.leftAtFault > r.heldAtFault, `mid-drain: the relay held ${r.heldAtFault} rows the store had not heard back about, ${r.leftAtFault} rows still in the outbox`)
}

/** The three link faults, one after the other on one rig; each check covers everything written so far. */
export async function linkFaults (t: Test, rig: Rig): Promise<void> {
  await t.test('the link cut mid-drain (connections dropped, new ones refused), then healed', async (t) => {
    const r = await faultThenHeal(rig, () => rig.proxy.cut())
    midDrainSeen(t, r)
    t.match(r.lastError, /ECONNREFUSED|socket hang up|ECONNRESET/, `the sender saw the link down (${r.lastError})`)
    await rig.delivered(t)
  })

  await t.test('the link stalled mid-drain (connections held open, no byte moves): each send times out, then healed', async (t) => {
    const r = await faultThenHeal(rig, () => { rig.proxy.stall('both') })
    midDrainSeen(t, r)
    t.match(r.lastError, /no answer from the relay in 300 ms/, 'a stalled send gives up at outboxSendTimeoutMs')
    await rig.delivered(t)
  })

  await t.test('every connection reset (TCP RST) mid-drain, then healed', async (t) => {
    const r = await faultThenHeal(rig, () => { rig.proxy.reset() })
    midDrainSeen(t, r)
    t.match(r.lastError, /ECONNRESET|socket hang up/, `the sender saw the resets (${r.lastError})`)
    await rig.delivered(t)
  })
}
