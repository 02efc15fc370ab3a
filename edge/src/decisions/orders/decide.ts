// A manager's decision on a pending proposal: approve as proposed, modify the quantity (an override,
// with the reason), or reject (with the reason). Each is checked whole before anything is written:
// a proposal decided already, expired, changed since it was read, or a quantity that is not whole
// cases gets a stable error and nothing changes.

import { EdgeError, Errors } from '../../core/errors.js'
import type { Proposal } from '../../store/proposals.js'
import type { Database } from '../../store/db.js'
import { approveInTx, type ApproveDeps } from './approve.js'
import type { Versions } from './ports.js'

export interface DecideDeps extends ApproveDeps {
  db: Database
  now: () => string
  maxQty: number
  versions: () => Versions
}

export interface DecisionInput {
  /** Who decides (the signed-in manager). */
  by: string
  reason?: string
  /** The version read; a proposal refreshed since answers EDGE_ERR_PROPOSAL_CONFLICT. */
  version?: number
}

/** A manager's quantity above this multiple of the proposal, min-max and one case is taken as a typo. */
export const ABSURD_FACTOR = 20

export type Action = 'approve' | 'modify' | 'reject'

/** The pending proposal an action may be taken on, or the error why not (an overdue one is expired on the way). */
function pendingOf (d: DecideDeps, id: number, input: DecisionInput, now: string): Proposal {
  const p = d.proposals.get(id)
  if (p === undefined) throw new EdgeError(Errors.PROPOSAL_UNKNOWN, `no order proposal ${id}`)
  if (p.state === 'expired') throw new EdgeError(Errors.PROPOSAL_EXPIRED, `order proposal ${id} expired ${p.decision?.at ?? p.updatedAt}: run the proposals again for a fresh one`, { expiresAt: p.expiresAt })
  if (p.state !== 'pending') {
    throw new EdgeError(Errors.PROPOSAL_DECIDED, `order proposal ${id} was already ${p.state} by ${p.decision?.by ?? 'unknown'} at ${p.decision?.at ?? p.updatedAt}`, { state: p.state, decision: p.decision })
  }
  if (p.expiresAt <= now) {
    expireInTx(d, p, now)
    throw new EdgeError(Errors.PROPOSAL_EXPIRED, `order proposal ${id} expired at ${p.expiresAt}: run the proposals again for a fresh one`, { expiresAt: p.expiresAt })
  }
  if (input.version !== undefined && input.version !== p.version) {
    throw new EdgeError(Errors.PROPOSAL_CONFLICT, `order proposal ${id} is at version ${p.version}, not ${input.version}: read it again`, { version: p.version })
  }
  return p
}

function expireInTx (d: DecideDeps, p: Proposal, now: string): void {
  d.db.transaction(() => {
    if (!d.proposals.decide(p.id, 'expired', { at: now, by: 'system', mode: null, reason: 'not decided before it expired', qty: null })) return
    d.audit.append({ kind: 'proposal.expired', actor: 'system', subject: `proposal:${p.id}`, reason: `not decided by ${p.expiresAt}`, inputs: { sku: p.sku, orderDay: p.orderDay, qty: p.qty }, versions: d.versions() })
  }).immediate()
}

/** Expires every pending proposal past its time; returns how many. */
export function expireDue (d: DecideDeps): number {
  const now = d.now()
  let n = 0
  for (const p of d.proposals.expiredBy(now)) { expireInTx(d, p, now); n++ }
  return n
}

export function decide (d: DecideDeps, id: number, action: Action, input: DecisionInput & { qty?: number }): Proposal {
  const now = d.now()
  const by = input.by.trim()
  if (by === '') throw new EdgeError(Errors.VALIDATION, 'say who decides: "by"')
  const reason = input.reason?.trim() ?? ''
  if ((action === 'reject' || action === 'modify') && reason === '') throw new EdgeError(Errors.VALIDATION, `a ${action === 'reject' ? 'rejection' : 'change of quantity'} needs a reason`)
  const p = pendingOf(d, id, input, now)
  let qty = p.qty
  if (action === 'modify') {
    qty = checkQty(input.qty, p, d.maxQty)
  }
  const versions = { ...d.versions(), policy: p.policy.id === null ? null : `${p.policy.id}@v${p.policy.version ?? 0}` }
  d.db.transaction(() => {
    if (action === 'reject') {
      if (!d.proposals.decide(p.id, 'rejected', { at: now, by, mode: 'manager', reason, qty: 0 })) throw new EdgeError(Errors.PROPOSAL_DECIDED, `order proposal ${id} was decided meanwhile`)
      d.audit.append({ kind: 'proposal.rejected', actor: by, subject: `proposal:${p.id}`, reason, inputs: { sku: p.sku, orderDay: p.orderDay, proposedQty: p.qty, minMaxQty: p.minMaxQty, reviewReasons: p.reviewReasons, proposalVersion: p.version }, versions })
      return
    }
    const ok = approveInTx(d, p, { mode: 'manager', by, reason: reason === '' ? null : reason, qty, at: now, kind: action === 'modify' ? 'proposal.modified' : 'proposal.approved', versions })
    if (!ok) throw new EdgeError(Errors.PROPOSAL_DECIDED, `order proposal ${id} was decided meanwhile`)
  }).immediate()
  return d.proposals.get(p.id)!
}

/** A manager's quantity: whole units, whole cases, above zero (zero is a rejection) and not absurd. */
function checkQty (qty: number | undefined, p: Proposal, maxQty: number): number {
  if (qty === undefined) throw new EdgeError(Errors.ORDER_QTY, 'a modification needs the new qty (units)')
  if (!Number.isInteger(qty) || qty <= 0) throw new EdgeError(Errors.ORDER_QTY, `qty ${qty} must be a whole number of units above zero (to order nothing, reject the proposal)`, { qty })
  if (qty % p.casePack !== 0) throw new EdgeError(Errors.ORDER_QTY, `qty ${qty} is not whole cases of ${p.casePack}: ${Math.floor(qty / p.casePack) * p.casePack} or ${Math.ceil(qty / p.casePack) * p.casePack}`, { qty, casePack: p.casePack })
  if (qty > maxQty) throw new EdgeError(Errors.ORDER_QTY, `qty ${qty} is over the store's limit of ${maxQty} units`, { qty, maxQty })
  // A slip of the keypad (an extra zero or two), not a judgement call: far beyond both the proposal and min-max.
  const bound = ABSURD_FACTOR * Math.max(p.qty, p.minMaxQty, p.casePack)
  if (qty > bound) throw new EdgeError(Errors.ORDER_QTY, `qty ${qty} is more than ${ABSURD_FACTOR}x the proposal (${p.qty}) and min-max (${p.minMaxQty}): if it is meant, order it through the ERP`, { qty, bound })
  return qty
}
