// ERP-bound events as a large store writes them during a day, with the payload shapes the store's
// own writers use (journal.ts toErp for receipts and adjustments, decisions/orders/approve.ts for
// orders, decisions/receiving/service.ts for discrepancies): about 55 % receipts, 40 % stock
// adjustments (cycle counts that changed the record, damage, write-offs), 4 % approved orders and
// 1 % receiving discrepancies. Deterministic for a seed, so runs compare.

import type { OutboxEntry } from '../../edge/src/store/outbox-rows.js'

/** Deterministic uniform numbers (mulberry32). */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DEPTS = ['FOODS_1', 'FOODS_2', 'FOODS_3', 'HOUSEHOLD_1', 'HOUSEHOLD_2', 'HOBBIES_1', 'HOBBIES_2']
const REASONS = ['cycle_count', 'damaged', 'expired', 'theft', 'found', 'correction']
const SUPPLIERS = ['SUP-ACME', 'SUP-NORTHWIND', 'SUP-CONTOSO', 'SUP-FABRIKAM', 'SUP-GLOBEX']

/** Makes the events of one store; `at(i)` is the i-th event's time (epoch ms). */
export class StoreDay {
  private readonly u: () => number
  private n = 0

  constructor (private readonly storeId: string, seed: number, private readonly at: (i: number) => number) {
    this.u = rng(seed)
  }

  private sku (): string {
    const u = this.u
    return `${DEPTS[Math.floor(u() * DEPTS.length)]}_${String(1 + Math.floor(u() * 800)).padStart(3, '0')}`
  }

  private uuid (): string {
    const h = (): string => Math.floor(this.u() * 0x100000000).toString(16).padStart(8, '0')
    const a = h() + h() + h() + h()
    return `${a.slice(0, 8)}-${a.slice(8, 12)}-4${a.slice(13, 16)}-a${a.slice(17, 20)}-${a.slice(20, 32)}`
  }

  next (): OutboxEntry {
    const u = this.u
    const i = this.n++
    const t = this.at(i)
    const createdAt = new Date(t).toISOString()
    const occurredAt = new Date(t - Math.floor(u() * 3000)).toISOString()
    const sku = this.sku()
    const deviceId = `hh-${String(1 + Math.floor(u() * 40)).padStart(3, '0')}`
    const eventId = this.uuid()
    const lineage = { storeId: this.storeId, deviceId, eventId, eventSeq: 1_000_000 + i * 7 }
    const r = u()
    if (r < 0.55) {
      const qty = [6, 12, 24, 48][Math.floor(u() * 4)] * (1 + Math.floor(u() * 4))
      return { eventId: `rcpt:${deviceId}:${eventId}`, type: 'receipt', sku, occurredAt, createdAt, payload: { sku, location: `DOCK-${1 + Math.floor(u() * 4)}`, qty, asn: `ASN-${String(Math.floor(t / 3_600_000) % 10_000).padStart(6, '0')}-${Math.floor(u() * 20)}`, ...lineage } }
    }
    if (r < 0.95) {
      const delta = (u() < 0.7 ? -1 : 1) * (1 + Math.floor(u() * 12))
      return { eventId: `adj:${deviceId}:${eventId}`, type: 'inventory_adjustment', sku, occurredAt, createdAt, payload: { sku, location: `S-${Math.floor(u() * 400)}`, delta, balance: Math.max(0, Math.floor(u() * 60) + delta), reason: REASONS[Math.floor(u() * REASONS.length)], ...lineage } }
    }
    if (r < 0.99) {
      const casePack = [6, 12, 24][Math.floor(u() * 3)]
      const cases = 1 + Math.floor(u() * 8)
      const unitCost = Math.round((0.5 + u() * 30) * 100) / 100
      const proposalId = `prop-${createdAt.slice(0, 10)}-${i}`
      return {
        eventId: `order:${proposalId}`,
        type: 'order',
        sku,
        occurredAt,
        createdAt,
        payload: { proposalId, sku, orderDay: createdAt.slice(0, 10), qty: cases * casePack, cases, casePack, supplier: SUPPLIERS[Math.floor(u() * SUPPLIERS.length)], unitCost, value: Math.round(cases * casePack * unitCost * 100) / 100, proposedQty: cases * casePack, approvedBy: u() < 0.8 ? 'policy' : 'manager-7', mode: u() < 0.8 ? 'auto' : 'manual' }
      }
    }
    const expected = 12 * (1 + Math.floor(u() * 10))
    const received = expected - 1 - Math.floor(u() * 6)
    const asn = `ASN-${String(Math.floor(t / 3_600_000) % 10_000).padStart(6, '0')}`
    return {
      eventId: `receiving_discrepancy:${asn}:${sku}:${i}`,
      type: 'receiving_discrepancy',
      sku,
      occurredAt,
      createdAt,
      payload: { asn, supplier: SUPPLIERS[Math.floor(u() * SUPPLIERS.length)], sku, kind: 'short', expected, received, difference: received - expected, location: 'DOCK-1', reviewTaskId: `task-${i}`, receipts: [{ deviceId, eventId }] }
    }
  }
}
