// Rows of order_proposals (migration 009) and the reads a proposal run needs from the rest of the
// store: what is on order (approved proposals not yet received) and what open ASNs still bring.

import type { Database } from 'better-sqlite3'

export const PROPOSAL_STATES = ['pending', 'approved', 'rejected', 'expired'] as const
export type ProposalState = typeof PROPOSAL_STATES[number]

export interface Proposal {
  id: number
  sku: string
  orderDay: string
  state: ProposalState
  qty: number
  cases: number
  casePack: number
  minMaxQty: number
  unitCost: number | null
  value: number | null
  usualQty: number | null
  deviationPct: number | null
  confidence: number
  fallback: boolean
  reviewReasons: string[]
  reasoning: Record<string, unknown>
  policy: { id: string | null, version: number | null }
  createdAt: string
  updatedAt: string
  expiresAt: string
  decision: { mode: 'auto' | 'manager', by: string, at: string, reason: string | null, qty: number } | null
  version: number
}

/** What a run writes for one SKU and day. */
export interface ProposalDraft {
  sku: string
  orderDay: string
  qty: number
  casePack: number
  minMaxQty: number
  unitCost: number | null
  value: number | null
  usualQty: number | null
  deviationPct: number | null
  confidence: number
  fallback: boolean
  reviewReasons: string[]
  reasoning: Record<string, unknown>
  policyId: string | null
  policyVersion: number | null
  expiresAt: string
}

interface Row {
  id: number
  sku: string
  order_day: string
  state: ProposalState
  qty: number
  case_pack: number
  min_max_qty: number
  unit_cost: number | null
  value: number | null
  usual_qty: number | null
  deviation_pct: number | null
  confidence: number
  fallback: number
  review_reasons: string
  reasoning: string
  policy_id: string | null
  policy_version: number | null
  created_at: string
  updated_at: string
  expires_at: string
  decided_at: string | null
  decided_by: string | null
  decision_mode: 'auto' | 'manager' | null
  decision_reason: string | null
  approved_qty: number | null
  version: number
}

function fromRow (r: Row): Proposal {
  return {
    id: r.id,
    sku: r.sku,
    orderDay: r.order_day,
    state: r.state,
    qty: r.qty,
    cases: r.qty / r.case_pack,
    casePack: r.case_pack,
    minMaxQty: r.min_max_qty,
    unitCost: r.unit_cost,
    value: r.value,
    usualQty: r.usual_qty,
    deviationPct: r.deviation_pct,
    confidence: r.confidence,
    fallback: r.fallback === 1,
    reviewReasons: JSON.parse(r.review_reasons) as string[],
    reasoning: JSON.parse(r.reasoning) as Record<string, unknown>,
    policy: { id: r.policy_id, version: r.policy_version },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
    decision: r.decision_mode === null
      ? null
      : { mode: r.decision_mode, by: r.decided_by ?? '', at: r.decided_at ?? '', reason: r.decision_reason, qty: r.approved_qty ?? 0 },
    version: r.version
  }
}

export interface ProposalKpis {
  made: number
  autoApproved: number
  managerApproved: number
  /** Approved by a manager with another quantity. */
  modified: number
  rejected: number
  expired: number
  pending: number
  /** Made on stale inputs (min-max). */
  fallback: number
  /** autoApproved / made, percent. */
  autoApprovedPct: number | null
  /** (modified + rejected) / decided by a manager, percent. */
  overridePct: number | null
}

export interface ProposalFilter {
  state?: ProposalState
  orderDay?: string
  sku?: string
  /** Id of the last row of the previous page (newest first). */
  beforeId?: number
  limit: number
}

export class ProposalStore {
  private readonly byId
  private readonly bySkuDay
  private readonly insertRow
  private readonly refreshRow
  private readonly decideRow

  constructor (private readonly db: Database) {
    this.byId = db.prepare('SELECT * FROM order_proposals WHERE id = ?')
    this.bySkuDay = db.prepare('SELECT * FROM order_proposals WHERE sku = ? AND order_day = ?')
    this.insertRow = db.prepare(`INSERT INTO order_proposals (sku, order_day, state, qty, case_pack, min_max_qty, unit_cost, value, usual_qty,
        deviation_pct, confidence, fallback, review_reasons, reasoning, policy_id, policy_version, created_at, updated_at, expires_at)
      VALUES (@sku, @orderDay, 'pending', @qty, @casePack, @minMaxQty, @unitCost, @value, @usualQty, @deviationPct, @confidence, @fallback,
        @reviewReasons, @reasoning, @policyId, @policyVersion, @now, @now, @expiresAt)`)
    this.refreshRow = db.prepare(`UPDATE order_proposals SET qty = @qty, case_pack = @casePack, min_max_qty = @minMaxQty, unit_cost = @unitCost,
        value = @value, usual_qty = @usualQty, deviation_pct = @deviationPct, confidence = @confidence, fallback = @fallback,
        review_reasons = @reviewReasons, reasoning = @reasoning, policy_id = @policyId, policy_version = @policyVersion,
        updated_at = @now, expires_at = @expiresAt, version = version + 1
      WHERE id = @id AND state = 'pending'`)
    this.decideRow = db.prepare(`UPDATE order_proposals SET state = @state, decided_at = @at, decided_by = @by, decision_mode = @mode,
        decision_reason = @reason, approved_qty = @qty, updated_at = @at, version = version + 1
      WHERE id = @id AND state = 'pending'`)
  }

  get (id: number): Proposal | undefined {
    const r = this.byId.get(id) as Row | undefined
    return r === undefined ? undefined : fromRow(r)
  }

  forSkuDay (sku: string, day: string): Proposal | undefined {
    const r = this.bySkuDay.get(sku, day) as Row | undefined
    return r === undefined ? undefined : fromRow(r)
  }

  /** A new pending proposal, or the pending one of the same SKU and day refreshed; null when that one is decided. */
  upsert (d: ProposalDraft, now: string): { proposal: Proposal, created: boolean } | null {
    const params = { ...d, fallback: d.fallback ? 1 : 0, reviewReasons: JSON.stringify(d.reviewReasons), reasoning: JSON.stringify(d.reasoning), now }
    const existing = this.forSkuDay(d.sku, d.orderDay)
    if (existing === undefined) {
      const id = Number(this.insertRow.run(params).lastInsertRowid)
      return { proposal: this.get(id)!, created: true }
    }
    if (existing.state !== 'pending') return null
    this.refreshRow.run({ ...params, id: existing.id })
    return { proposal: this.get(existing.id)!, created: false }
  }

  /** Moves a pending proposal to its decision; false when it is no longer pending. */
  decide (id: number, state: Exclude<ProposalState, 'pending'>, decision: { at: string, by: string | null, mode: 'auto' | 'manager' | null, reason: string | null, qty: number | null }): boolean {
    return this.decideRow.run({ id, state, ...decision }).changes === 1
  }

  list (f: ProposalFilter): Proposal[] {
    const where: string[] = []
    const args: unknown[] = []
    if (f.state !== undefined) { where.push('state = ?'); args.push(f.state) }
    if (f.orderDay !== undefined) { where.push('order_day = ?'); args.push(f.orderDay) }
    if (f.sku !== undefined) { where.push('sku = ?'); args.push(f.sku) }
    if (f.beforeId !== undefined) { where.push('id < ?'); args.push(f.beforeId) }
    const sql = `SELECT * FROM order_proposals ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
    return (this.db.prepare(sql).all(...args, f.limit) as Row[]).map(fromRow)
  }

  /** Pending proposals whose time ran out at `now`. */
  expiredBy (now: string): Proposal[] {
    return (this.db.prepare("SELECT * FROM order_proposals WHERE state = 'pending' AND expires_at <= ? ORDER BY id").all(now) as Row[]).map(fromRow)
  }

  counts (): Record<ProposalState, number> {
    const out: Record<ProposalState, number> = { pending: 0, approved: 0, rejected: 0, expired: 0 }
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM order_proposals GROUP BY state').all() as Array<{ state: ProposalState, n: number }>) out[r.state] = r.n
    return out
  }

  /**
   * Proposals made in [from, to) (created_at, ISO) by how they ended: the share that went through
   * on its own, and how often a manager overrode one (modified the quantity or rejected it).
   */
  decisions (from: string, to: string): ProposalKpis {
    const r = this.db.prepare(`SELECT COUNT(*) AS made,
        SUM(decision_mode = 'auto') AS auto,
        SUM(decision_mode = 'manager' AND state = 'approved' AND approved_qty = qty) AS approved,
        SUM(decision_mode = 'manager' AND state = 'approved' AND approved_qty <> qty) AS modified,
        SUM(decision_mode = 'manager' AND state = 'rejected') AS rejected,
        SUM(state = 'expired') AS expired,
        SUM(state = 'pending') AS pending,
        SUM(fallback) AS fallback
      FROM order_proposals WHERE created_at >= ? AND created_at < ?`).get(from, to) as Record<string, number | null>
    const n = (k: string): number => r[k] ?? 0
    const manager = n('approved') + n('modified') + n('rejected')
    const pct = (a: number, b: number): number | null => b === 0 ? null : Math.round(a / b * 1000) / 10
    return {
      made: n('made'),
      autoApproved: n('auto'),
      managerApproved: n('approved'),
      modified: n('modified'),
      rejected: n('rejected'),
      expired: n('expired'),
      pending: n('pending'),
      fallback: n('fallback'),
      autoApprovedPct: pct(n('auto'), n('made')),
      overridePct: pct(n('modified') + n('rejected'), manager)
    }
  }

  /** The quantities of a SKU's last `n` approved orders (units), newest first. */
  lastApproved (n: number): Map<string, number[]> {
    const rows = this.db.prepare(`SELECT sku, approved_qty FROM (
        SELECT sku, approved_qty, ROW_NUMBER() OVER (PARTITION BY sku ORDER BY order_day DESC, id DESC) AS k
        FROM order_proposals WHERE state = 'approved' AND approved_qty > 0)
      WHERE k <= ?`).raw().all(n) as Array<[string, number]>
    const out = new Map<string, number[]>()
    for (const [sku, qty] of rows) {
      const list = out.get(sku) ?? []
      list.push(qty)
      out.set(sku, list)
    }
    return out
  }

  /**
   * Units ordered and not yet received, per SKU: approved orders since `sinceDay` (older ones are
   * taken as arrived or lost), less receipts of the SKU since the first of them was approved.
   */
  onOrder (sinceDay: string): Map<string, { ordered: number, received: number, open: number, since: string }> {
    const orders = this.db.prepare(`SELECT sku, SUM(approved_qty) AS qty, MIN(decided_at) AS since FROM order_proposals
      WHERE state = 'approved' AND approved_qty > 0 AND order_day >= ? GROUP BY sku`).all(sinceDay) as Array<{ sku: string, qty: number, since: string }>
    const out = new Map<string, { ordered: number, received: number, open: number, since: string }>()
    if (orders.length === 0) return out
    const earliest = orders.reduce((m, o) => o.since < m ? o.since : m, orders[0].since)
    const receipts = this.db.prepare(`SELECT sku, occurred_at, qty FROM events WHERE type = 'receipt' AND occurred_at >= ? AND sku IS NOT NULL AND qty IS NOT NULL`)
      .raw().iterate(earliest) as IterableIterator<[string, string, number]>
    const since = new Map(orders.map((o) => [o.sku, o.since]))
    const got = new Map<string, number>()
    for (const [sku, at, qty] of receipts) {
      const s = since.get(sku)
      if (s !== undefined && at >= s) got.set(sku, (got.get(sku) ?? 0) + qty)
    }
    for (const o of orders) {
      const received = got.get(o.sku) ?? 0
      out.set(o.sku, { ordered: o.qty, received, open: Math.max(0, o.qty - received), since: o.since })
    }
    return out
  }

  /**
   * Lead times the store has seen, days from an approval to the receipt that brought (half of) it,
   * per supplier ('' = none set), for orders approved since `sinceIso`. Receipts are matched to a
   * SKU's orders first in, first out by quantity; a receipt before the SKU's first order in the
   * window is a delivery of an older one and is not counted.
   */
  leadTimes (sinceIso: string): Map<string, number[]> {
    const orders = this.db.prepare(`SELECT p.sku, p.decided_at, p.approved_qty, COALESCE(i.supplier, '') FROM order_proposals p
      LEFT JOIN items i ON i.sku = p.sku
      WHERE p.state = 'approved' AND p.approved_qty > 0 AND p.decided_at >= ? ORDER BY p.sku, p.decided_at`).raw().all(sinceIso) as Array<[string, string, number, string]>
    const out = new Map<string, number[]>()
    if (orders.length === 0) return out
    const receipts = new Map<string, Array<[string, number]>>()
    for (const [sku, at, qty] of this.db.prepare(`SELECT sku, occurred_at, qty FROM events WHERE type = 'receipt' AND occurred_at >= ? AND sku IS NOT NULL AND qty > 0 ORDER BY seq`)
      .raw().iterate(sinceIso) as IterableIterator<[string, string, number]>) {
      const list = receipts.get(sku) ?? []
      list.push([at, qty])
      receipts.set(sku, list)
    }
    let k = 0
    while (k < orders.length) {
      const sku = orders[k][0]
      let end = k
      while (end < orders.length && orders[end][0] === sku) end++
      const got = (receipts.get(sku) ?? []).filter(([at]) => at >= orders[k][1])
      let orderedBefore = 0
      let r = 0
      let received = 0
      for (let o = k; o < end; o++) {
        const [, decidedAt, qty, supplier] = orders[o]
        // This order has come once the receipts cover the orders before it and half of it.
        const need = orderedBefore + qty / 2
        while (r < got.length && received < need) received += got[r++][1]
        if (received < need) break
        const days = (Date.parse(got[r - 1][0]) - Date.parse(decidedAt)) / 86_400_000
        const list = out.get(supplier) ?? []
        list.push(days)
        out.set(supplier, list)
        orderedBefore += qty
      }
      k = end
    }
    return out
  }

  /** Units open ASNs still bring per SKU (expected less received so far). */
  inTransit (): Map<string, number> {
    const rows = this.db.prepare(`SELECT l.sku, l.qty - COALESCE((SELECT SUM(r.qty) FROM asn_receipts r WHERE r.asn_id = l.asn_id AND r.sku = l.sku), 0)
      FROM asn_lines l JOIN asns a ON a.id = l.asn_id WHERE a.state = 'open'`).raw().all() as Array<[string, number]>
    const out = new Map<string, number>()
    for (const [sku, left] of rows) if (left > 0) out.set(sku, (out.get(sku) ?? 0) + left)
    return out
  }

  /** On hand by the record per SKU and location. */
  positions (): Array<{ sku: string, location: string, onHand: number }> {
    return (this.db.prepare('SELECT sku, location, on_hand FROM positions').raw().all() as Array<[string, string, number]>)
      .map(([sku, location, onHand]) => ({ sku, location, onHand }))
  }

  /** SKUs whose record is in doubt: a live count task, or an open receiving review. */
  inDoubt (): Map<string, string> {
    const out = new Map<string, string>()
    for (const [sku, kind] of this.db.prepare(`SELECT sku, kind FROM tasks WHERE kind IN ('count', 'review') AND state IN ('open', 'claimed', 'started') AND sku IS NOT NULL`).raw().all() as Array<[string, string]>) {
      if (!out.has(sku)) out.set(sku, kind === 'count' ? 'a count of the item is open' : 'a receiving discrepancy is under review')
    }
    return out
  }

  /** When each SKU's record was last reconciled, ISO: its last count (any location) or on-hand snapshot import. */
  lastCounts (): Map<string, string> {
    return new Map(this.db.prepare(`SELECT sku, MAX(at) FROM (
        SELECT sku, occurred_at AS at FROM events WHERE type = 'cycle_count' AND sku IS NOT NULL
        UNION ALL SELECT sku, occurred_at FROM ledger WHERE event_seq IS NULL AND reason = 'snapshot')
      GROUP BY sku`).raw().all() as Array<[string, string]>)
  }
}
