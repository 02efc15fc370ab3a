// Day flags packed one byte a day, so the fit reads them without calling back per use.

import type { DayFlags } from './types.js'

export const EVENT = 1
export const PROMO = 2
export const SNAP = 4
export const KINDS = [['event', EVENT], ['promo', PROMO], ['snap', SNAP]] as const

export function packFlags (flags: ((i: number) => DayFlags | undefined) | undefined, days: number): Uint8Array {
  const out = new Uint8Array(days)
  if (flags === undefined) return out
  for (let i = 0; i < days; i++) {
    const f = flags(i)
    if (f === undefined) continue
    out[i] = (f.event === true ? EVENT : 0) | (f.promo === true ? PROMO : 0) | (f.snap === true ? SNAP : 0)
  }
  return out
}
