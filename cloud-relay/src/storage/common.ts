// What both storage implementations share: tokens (generate, hash, check), batch order, the
// prefix rule of complete/fail. Pure functions, no database.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { RelayErrors, RelayStorageError } from './errors.js'
import type { Claim, RelayEventIn } from './types.js'

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
