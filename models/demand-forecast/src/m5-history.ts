// An M5 store-item series cut at a day, as the store server would hand it to forecast(): units up to
// the cut, flags for every day (event = event_name_1 non-empty, snap = SNAP day; M5 has no promo flag).

import type { DaySeries } from '../../../sim/src/demand/m5.js'
import type { DayFlags, DemandHistory } from '../../../edge/src/decisions/orders/forecast/index.js'

const EVENT: DayFlags = { event: true }
const SNAP: DayFlags = { snap: true }
const BOTH: DayFlags = { event: true, snap: true }

export function historyOf (s: DaySeries, end: number, from = 0): DemandHistory {
  const startDay = new Date(Date.parse(`${s.startDate}T00:00:00Z`) + from * 86400000).toISOString().slice(0, 10)
  return {
    startDay,
    units: s.units.subarray(from, end),
    flags: (i) => {
      const d = from + i
      if (d >= s.units.length) return undefined
      const e = s.event[d] !== ''; const sn = s.snap[d] === 1
      return e ? (sn ? BOTH : EVENT) : sn ? SNAP : undefined
    }
  }
}
