// An order-independent digest of a set of event ids, for reconciling what a store sent with what
// the relay holds: the sum of the first 8 bytes of each id's sha256, mod 2^64, as 16 hex digits.
// A sum (not XOR) so an id counted twice changes it; the same ids in any order give the same digest.

import { createHash } from 'node:crypto'

const MOD = 1n << 64n

export function idTerm (eventId: string): bigint {
  return createHash('sha256').update(eventId, 'utf8').digest().readBigUInt64BE(0)
}

export function addDigest (digest: string, terms: Iterable<bigint>): string {
  let d = BigInt(`0x${digest}`)
  for (const t of terms) d = (d + t) % MOD
  return d.toString(16).padStart(16, '0')
}

export const EMPTY_DIGEST = '0000000000000000'

export function digestOf (eventIds: Iterable<string>): string {
  const terms: bigint[] = []
  for (const id of eventIds) terms.push(idTerm(id))
  return addDigest(EMPTY_DIGEST, terms)
}
