// Store-edge orders from the server's order proposals (issue 6). At order time the server makes
// (or refreshes) today's proposals; those its governance did not approve on its own wait for the
// store manager, who reviews them (StoreManager: approve most, pull far ones toward gut, reject
// rarely); then exactly the proposals approved for today go to the supplier, each once.

import { ApiError, type OrderProposal, type StoreApi } from '../drive/api.js'
import { StoreManager } from './manager.js'
import type { Now } from './policy.js'
import { iso } from './ports.js'
import type { OrderSource } from './store-edge.js'

export type ProposalsApi = Pick<StoreApi, 'runOrderProposals' | 'orderProposals' | 'decideOrderProposal'>

/** How the run's proposals were decided: by the server's governance (auto) or by the manager. */
export interface OrderDecisions {
  auto: number
  managerApproved: number
  modified: number
  rejected: number
  /** Minutes the manager spent reviewing, over the run. */
  reviewMin: number
  /** Decisions the server refused (the proposal changed state meanwhile), by code. */
  refused: Record<string, number>
}

/** Who signs the manager's decisions. */
export const MANAGER_ID = 'store-manager'

export class ServerOrders implements OrderSource {
  private readonly placed = new Set<string>()
  private readonly tally: OrderDecisions = { auto: 0, managerApproved: 0, modified: 0, rejected: 0, reviewMin: 0, refused: {} }
  private pendingReviewMin = 0

  constructor (private readonly api: ProposalsApi, private readonly manager: StoreManager) {}

  async orders (now: Now): Promise<Array<{ sku: string, cases: number }>> {
    const today = iso(now.t).slice(0, 10)
    await this.api.runOrderProposals()
    // Only today's lines are the evening's business; an older one left pending is the server's to expire.
    const pending = (await this.api.orderProposals({ state: 'pending' })).filter((p) => p.orderDay === today && p.qty > 0)
    const { decisions, minutes } = this.manager.review(now.day, pending)
    this.tally.reviewMin += minutes
    this.pendingReviewMin += minutes
    for (const d of decisions) {
      try {
        if (d.action === 'approve') await this.api.decideOrderProposal(d.id, 'approve', { by: MANAGER_ID })
        else if (d.action === 'modify') await this.api.decideOrderProposal(d.id, 'modify', { by: MANAGER_ID, reason: d.reason, qty: d.qty })
        else await this.api.decideOrderProposal(d.id, 'reject', { by: MANAGER_ID, reason: d.reason })
      } catch (err) {
        // A 409 is a proposal that changed meanwhile (expired, refreshed): the manager moves on.
        if (!(err instanceof ApiError) || err.status !== 409) throw err
        const code = err.code ?? String(err.status)
        this.tally.refused[code] = (this.tally.refused[code] ?? 0) + 1
        continue
      }
      if (d.action === 'approve') this.tally.managerApproved++
      else if (d.action === 'modify') this.tally.modified++
      else this.tally.rejected++
    }
    const out: Array<{ sku: string, cases: number }> = []
    for (const p of await this.api.orderProposals({ state: 'approved', orderDay: today })) {
      const key = String(p.id)
      if (this.placed.has(key)) continue
      this.placed.add(key)
      if (p.decision?.mode === 'auto') this.tally.auto++
      const cases = casesOf(p)
      if (cases > 0) out.push({ sku: p.sku, cases })
    }
    return out
  }

  /** Manager minutes spent since the last call (the engine counts them as labor). */
  takeReviewMin (): number {
    const m = this.pendingReviewMin
    this.pendingReviewMin = 0
    return m
  }

  decisions (): OrderDecisions {
    return { ...this.tally, refused: { ...this.tally.refused } }
  }
}

/** Whole cases of an approved proposal: the decided quantity (a manager's change) when there is one. */
export function casesOf (p: Pick<OrderProposal, 'qty' | 'casePack' | 'decision'>): number {
  const units = p.decision?.qty ?? p.qty
  if (!(p.casePack > 0)) throw new RangeError(`proposal with case pack ${p.casePack}`)
  return Math.max(0, Math.round(units / p.casePack))
}

/** The decision shares the proof reports, %: NaN when there is nothing to divide by. */
export function decisionShares (d: Pick<OrderDecisions, 'auto' | 'managerApproved' | 'modified' | 'rejected'>): { decided: number, autoApprovedPct: number, overridePctOfManager: number, overridePctOfAll: number } {
  const byManager = d.managerApproved + d.modified + d.rejected
  const decided = d.auto + byManager
  const overrides = d.modified + d.rejected
  const pct = (a: number, b: number): number => b === 0 ? NaN : 100 * a / b
  return { decided, autoApprovedPct: pct(d.auto, decided), overridePctOfManager: pct(overrides, byManager), overridePctOfAll: pct(overrides, decided) }
}
