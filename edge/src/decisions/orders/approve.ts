// A proposal goes through: its decision, the ERP-bound order in the outbox and the audit row, all
// inside the caller's transaction, so the ERP hears of exactly the orders the store approved.

import type { OutboxRows } from '../../store/outbox-rows.js'
import type { Proposal, ProposalStore } from '../../store/proposals.js'
import type { AuditSink, Versions } from './ports.js'

export interface ApproveDeps { proposals: ProposalStore, outbox: OutboxRows, audit: AuditSink }

export interface Approval {
  mode: 'auto' | 'manager'
  by: string
  reason: string | null
  /** Units ordered, whole cases. */
  qty: number
  at: string
  kind: 'proposal.auto_approved' | 'proposal.approved' | 'proposal.modified'
  versions: Versions
}

/** False when the proposal was no longer pending (nothing written then). */
export function approveInTx (d: ApproveDeps, p: Proposal, a: Approval): boolean {
  if (!d.proposals.decide(p.id, 'approved', { at: a.at, by: a.by, mode: a.mode, reason: a.reason, qty: a.qty })) return false
  d.outbox.add({
    eventId: `order:${p.id}`,
    type: 'order',
    sku: p.sku,
    occurredAt: a.at,
    payload: {
      proposalId: p.id,
      sku: p.sku,
      orderDay: p.orderDay,
      qty: a.qty,
      cases: a.qty / p.casePack,
      casePack: p.casePack,
      supplier: typeof p.reasoning.supplier === 'string' ? p.reasoning.supplier : null,
      unitCost: p.unitCost,
      value: p.unitCost === null ? null : Math.round(a.qty * p.unitCost * 100) / 100,
      proposedQty: p.qty,
      approvedBy: a.by,
      mode: a.mode
    }
  })
  d.audit.append({
    kind: a.kind,
    actor: a.by,
    subject: `proposal:${p.id}`,
    reason: a.reason,
    inputs: { sku: p.sku, orderDay: p.orderDay, proposedQty: p.qty, approvedQty: a.qty, minMaxQty: p.minMaxQty, value: p.value, confidence: p.confidence, reviewReasons: p.reviewReasons, proposalVersion: p.version },
    versions: a.versions
  })
  return true
}
