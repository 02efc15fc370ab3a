// Store-edge work once the server scores shelf risk (#4): on top of the fills and counts read off
// the record (RecordTasks), a shelf the server expects to run empty within its horizon gets a fill
// before it does, if the record shows backroom stock, ranked by the chance of emptiness times the
// revenue at stake. Every task line says which score asked for it.

import type { Layout, SimSku } from '../layout.js'
import type { Now } from './policy.js'
import { revenueRisk } from './record-sources.js'
import type { StoreView } from './server-view.js'
import type { TaskLine, TaskSource } from './store-edge.js'

interface RiskRow { sku: string, location: string, score: number, scorer: string, version: string }

/** Shelves at or above this probability of running empty within the horizon get a fill. */
export const RISK_FILL_AT = 0.3

export class RiskTasks implements TaskSource {
  private readonly bySku = new Map<string, SimSku>()

  constructor (layout: Layout, private readonly view: StoreView, private readonly base: TaskSource, private readonly baseUrl: string, private readonly fillAt = RISK_FILL_AT) {
    for (const s of layout.skus) this.bySku.set(s.sku, s)
  }

  async next (now: Now): Promise<TaskLine[]> {
    const lines = await this.base.next(now)
    const res = await fetch(`${this.baseUrl}/api/v1/risk?limit=1000&minScore=${this.fillAt}`)
    if (!res.ok) throw new Error(`GET /api/v1/risk: ${res.status} ${await res.text()}`)
    const { scores } = await res.json() as { scores: RiskRow[] }
    const risk = new Map(scores.map((r) => [r.sku, r]))
    const out: TaskLine[] = []
    const seen = new Set<string>()
    for (const line of lines) {
      const r = risk.get(line.sku)
      seen.add(`${line.kind}:${line.sku}`)
      out.push(r ? { ...line, priority: line.priority * (1 + r.score) } : line)
    }
    for (const r of scores) {
      const s = this.bySku.get(r.sku)
      if (!s || r.location !== s.shelfLocation || seen.has(`fill:${r.sku}`)) continue
      const rec = this.view.record(r.sku)
      if (!rec || rec.backroom <= 0) continue
      const shelf = rec.shelf + rec.inTransit
      // Revenue at stake even on a full-looking shelf: the score says it will not stay full.
      const stake = Math.max(revenueRisk(s, shelf), s.unitPrice * s.meanDaily * 0.25)
      out.push({ kind: 'fill', sku: r.sku, priority: r.score * stake, reason: `shelf risk ${r.score.toFixed(2)} (${r.scorer} ${r.version})` })
    }
    return out
  }
}
