// The daily reconciliation of one store: for each UTC day the store reports in its heartbeat (the
// rows the relay acknowledged, by the day the store wrote them: a count and a digest of their event
// ids), the relay counts and digests the events it holds for that day. Equal counts and digests
// prove the relay holds exactly what the store sent: nothing lost, nothing doubled.

import { digestOf } from '../../edge/src/core/digest.js'
import type { RelayStorage } from './storage/types.js'

export interface DayReconciliation {
  day: string
  store: { rows: number, digest: string }
  relay: { rows: number, digest: string }
  match: boolean
}

/** The days a heartbeat reports, checked; [] when the store has not reported any. */
export async function reconcile (storage: RelayStorage, storeId: string, reported: unknown): Promise<DayReconciliation[]> {
  if (!Array.isArray(reported)) return []
  const out: DayReconciliation[] = []
  for (const r of reported as Array<{ day?: unknown, rows?: unknown, digest?: unknown }>) {
    if (typeof r.day !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(r.day) || typeof r.rows !== 'number' || typeof r.digest !== 'string') continue
    const ids = await storage.eventIdsOfDay(storeId, r.day)
    const relay = { rows: ids.length, digest: digestOf(ids) }
    out.push({ day: r.day, store: { rows: r.rows, digest: r.digest }, relay, match: relay.rows === r.rows && relay.digest === r.digest })
  }
  return out
}
