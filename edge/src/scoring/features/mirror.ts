// Moves the record mirror exactly as the journal moves the positions table: the same pure rules
// (store/effects.ts), the same order of additions, and a position row for every location the rules
// read or changed. So the mirror equals the table, number for number.

import { effectsOf, type Bucket, type Change } from '../../store/effects.js'
import type { SkuState } from './state.js'
import type { FeatureEvent, KindOf } from './types.js'

export interface Moved {
  changes: Change[]
  /** A shelf location got its first position row (the scored keys change). */
  newShelf: boolean
}

const NONE: Moved = { changes: [], newShelf: false }

export function moveStock (s: SkuState, e: FeatureEvent, kindOf: KindOf): Moved {
  if (e.location === null) return NONE
  const read: string[] = []
  const movement = { type: e.type, location: e.location, qty: e.qty ?? undefined, from: e.from ?? undefined }
  const changes = effectsOf(movement, (location: string, bucket: Bucket) => {
    read.push(location)
    const l = s.loc(location)
    if (!l) return 0
    // Reservations are not mirrored: no feature reads them, and a release changes only them.
    return bucket === 'on_hand' ? l.onHand : bucket === 'in_transit' ? l.inTransit : 0
  })
  if (changes.length === 0) return NONE
  let newShelf = false
  const touch = (location: string): void => {
    const l = s.locOrNew(location, kindOf(location))
    if (!l.positioned) {
      l.positioned = true
      if (l.kind === 'shelf') newShelf = true
    }
  }
  for (const location of read) touch(location)
  for (const c of changes) {
    touch(c.location)
    const l = s.loc(c.location)!
    if (c.bucket === 'on_hand') l.onHand += c.delta
    else if (c.bucket === 'in_transit') l.inTransit += c.delta
  }
  return { changes, newShelf }
}
