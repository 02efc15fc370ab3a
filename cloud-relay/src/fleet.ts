// The fleet view: every store with its last heartbeat, what it reported (versions, queue, devices,
// disk), the relay's lag (the age of its oldest event not yet forwarded) and alerts: a store gone
// quiet, a backlog, forwarding errors, a revoked store.

import type { RelayConfig } from './config.js'
import type { RelayStorage, StoreStats } from './storage/types.js'

export interface FleetStore {
  storeId: string
  name: string | null
  lastHeartbeatAt: string | null
  /** Seconds since the last heartbeat (null before the first). */
  heartbeatAgeS: number | null
  /** What the store last reported of itself. */
  reported: Record<string, unknown> | null
  storedCount: number
  forwardedCount: number
  pendingCount: number
  highestSeq: number
  /** Seconds the oldest event not yet forwarded has waited at the relay (0 when none). */
  lagS: number
  lastError: string | null
  alerts: string[]
}

export function fleetEntry (s: StoreStats, nowMs: number, config: Pick<RelayConfig, 'staleAfterS' | 'backlogAlertS'>): FleetStore {
  const heartbeatAgeS = s.lastHeartbeatAt === null ? null : Math.round((nowMs - s.lastHeartbeatAt) / 1000)
  const lagS = s.oldestUnforwardedReceivedAt === null ? 0 : Math.round((nowMs - s.oldestUnforwardedReceivedAt) / 1000)
  const alerts: string[] = []
  if (s.revokedAt !== null) alerts.push('revoked')
  if (heartbeatAgeS === null) alerts.push('never_heard')
  else if (heartbeatAgeS > config.staleAfterS) alerts.push('stale')
  if (lagS > config.backlogAlertS) alerts.push('backlog')
  if (s.lastError !== null) alerts.push('forward_errors')
  return {
    storeId: s.storeId,
    name: s.name,
    lastHeartbeatAt: s.lastHeartbeatAt === null ? null : new Date(s.lastHeartbeatAt).toISOString(),
    heartbeatAgeS,
    reported: s.lastHeartbeat,
    storedCount: s.storedCount,
    forwardedCount: s.forwardedCount,
    pendingCount: s.pendingCount,
    highestSeq: s.highestSeq,
    lagS,
    lastError: s.lastError,
    alerts
  }
}

export async function fleet (storage: RelayStorage, nowMs: number, config: Pick<RelayConfig, 'staleAfterS' | 'backlogAlertS'>): Promise<FleetStore[]> {
  return (await storage.allStats()).map((s) => fleetEntry(s, nowMs, config))
}
