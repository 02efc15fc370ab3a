// What both storage implementations share: tokens (generate, hash, check), batch order, the
// prefix rule of complete/fail. Pure functions, no database.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { RelayErrors, RelayStorageError } from './errors.js'
import type { Claim, RelayEventIn, StoreStats } from './types.js'

/** A fresh store token: 32 random bytes, base64url (43 characters). */
export function newToken (): string {
  return randomBytes(32).toString('base64url')
}

/**
 * `salt:sha256(salt + token)` in hex. A plain salted sha256 is enough: the token is 256 random
 * bits, so there is nothing to brute-force that a slow hash (scrypt) would protect.
 */
export function hashToken (token: string): string {
  const salt = randomBytes(16).toString('hex')
  return `${salt}:${createHash('sha256').update(salt).update(token).digest('hex')}`
}

export function tokenMatches (token: string, stored: string | null): boolean {
  if (stored === null) return false
  const [salt, hex] = stored.split(':')
  if (salt === undefined || hex === undefined) return false
  const want = Buffer.from(hex, 'hex')
  const got = createHash('sha256').update(salt).update(token).digest()
  return want.length === got.length && timingSafeEqual(want, got)
}

/** Seqs are positive integers, strictly increasing within the batch; throws RELAY_ERR_SEQ_ORDER. */
export function checkBatchOrder (events: readonly RelayEventIn[]): void {
  let prev = 0
  for (const [i, e] of events.entries()) {
    if (!Number.isSafeInteger(e.seq) || e.seq <= 0) {
      throw new RelayStorageError(RelayErrors.SEQ_ORDER, `event ${i} (${e.eventId}): seq ${String(e.seq)} is not a positive integer`)
    }
    if (e.seq <= prev) {
      throw new RelayStorageError(RelayErrors.SEQ_ORDER, `event ${i} (${e.eventId}): seq ${e.seq} does not follow ${prev}`)
    }
    prev = e.seq
  }
}

/** The claim's first n events are exactly `ids`; returns their seqs. Throws RELAY_ERR_CLAIM_ORDER. */
export function forwardedPrefix (claim: Claim, ids: readonly string[]): number[] {
  if (ids.length > claim.events.length) {
    throw new RelayStorageError(RelayErrors.CLAIM_ORDER, `${ids.length} forwarded ids but the claim holds ${claim.events.length} events`)
  }
  return ids.map((id, i) => {
    const e = claim.events[i]
    if (e.eventId !== id) {
      throw new RelayStorageError(RelayErrors.CLAIM_ORDER, `forwarded id ${i} is ${id}, the claim's event ${i} is ${e.eventId} (seq ${e.seq})`)
    }
    return e.seq
  })
}

/** The UTC day after `day` (YYYY-MM-DD): the exclusive end of a day's range of ISO times. */
export function nextDay (day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/**
 * Each store's row with its next unforwarded event and the oldest unforwarded receipt, in one
 * statement both databases run (the fleet view reads hundreds of stores at once, so no query per
 * store). `where` filters relay_stores `s` (empty for all). Both lookups use the partial index
 * relay_events_unforwarded.
 */
export function statsSql (where: string): string {
  return `SELECT s.*, n.seq AS next_seq, n.event_id AS next_event_id, n.occurred_at AS next_occurred_at, n.received_at AS next_received_at,
    (SELECT MIN(o.received_at) FROM relay_events o WHERE o.store_id = s.store_id AND o.forwarded_at IS NULL AND o.dead_at IS NULL) AS oldest_unforwarded
  FROM relay_stores s
  LEFT JOIN relay_events n ON n.store_id = s.store_id
    AND n.seq = (SELECT MIN(m.seq) FROM relay_events m WHERE m.store_id = s.store_id AND m.forwarded_at IS NULL AND m.dead_at IS NULL)
  ${where}
  ORDER BY s.store_id`
}

/** A row of statsSql as StoreStats (numbers arrive as numbers from SQLite, as strings for BIGINT from pg). */
export function statsFromRow (r: Record<string, any>, nowMs: number): StoreStats {
  const num = (v: unknown): number => Number(v)
  const numOrNull = (v: unknown): number | null => v === null || v === undefined ? null : Number(v)
  const leaseUntil = numOrNull(r.lease_until)
  return {
    storeId: r.store_id,
    name: r.name ?? null,
    registeredAt: num(r.registered_at),
    revokedAt: numOrNull(r.revoked_at),
    storedCount: num(r.stored_count),
    forwardedCount: num(r.forwarded_count),
    pendingCount: num(r.stored_count) - num(r.forwarded_count) - num(r.dead_count),
    deadCount: num(r.dead_count),
    highestSeq: num(r.highest_seq),
    nextUnforwarded: r.next_seq === null || r.next_seq === undefined ? null : { seq: num(r.next_seq), eventId: r.next_event_id, occurredAt: r.next_occurred_at, receivedAt: num(r.next_received_at) },
    oldestUnforwardedReceivedAt: numOrNull(r.oldest_unforwarded),
    lastError: r.last_error ?? null,
    retryAt: numOrNull(r.retry_at),
    failedAttempts: num(r.failed_attempts),
    leaseOwner: leaseUntil !== null && leaseUntil > nowMs ? r.lease_owner : null,
    lastHeartbeatAt: numOrNull(r.last_heartbeat_at),
    lastHeartbeat: r.last_heartbeat === null || r.last_heartbeat === undefined ? null : JSON.parse(r.last_heartbeat as string) as Record<string, unknown>
  }
}
