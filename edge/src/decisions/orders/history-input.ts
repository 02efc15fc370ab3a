// Checks a sales history and calendar import whole before any of it is written: every problem is
// named with its list and index, and one bad row refuses the lot (an import half applied would
// leave the forecast learning from a year with holes nobody can see).

import { EdgeError, Errors } from '../../core/errors.js'
import type { HistoryImport } from '../../store/sales.js'

/** Problems listed in the error at most; the count says how many there were in all. */
const SHOWN = 20

const DAY = /^\d{4}-\d\d-\d\d$/

/** A real calendar day in YYYY-MM-DD (2016-02-30 is not). */
export function isDay (s: unknown): s is string {
  if (typeof s !== 'string' || !DAY.test(s)) return false
  const ms = Date.parse(`${s}T00:00:00Z`)
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s
}

export interface HistoryLimits {
  /** Units one SKU can sell in a day at most, the server's maxQty. */
  maxQty: number
}

export function checkHistory (h: HistoryImport, known: (sku: string) => boolean, limits: HistoryLimits): void {
  const problems: string[] = []
  const seen = new Set<string>()
  h.sales?.forEach((r, i) => {
    if (!known(r.sku)) problems.push(`sales[${i}].sku "${r.sku}" is not in the item master`)
    if (!isDay(r.day)) problems.push(`sales[${i}].day "${r.day}" is not a day (YYYY-MM-DD)`)
    if (!Number.isInteger(r.units) || r.units < 0 || r.units > limits.maxQty) problems.push(`sales[${i}].units ${r.units} is not a whole number of units 0-${limits.maxQty}`)
    const key = `${r.sku}/${r.day}`
    if (seen.has(key)) problems.push(`sales[${i}]: ${r.sku} on ${r.day} is listed twice`)
    seen.add(key)
  })
  const days = new Set<string>()
  h.days?.forEach((d, i) => {
    if (!isDay(d.day)) problems.push(`days[${i}].day "${d.day}" is not a day (YYYY-MM-DD)`)
    else if (days.has(d.day)) problems.push(`days[${i}]: ${d.day} is listed twice`)
    days.add(d.day)
  })
  h.promotions?.forEach((p, i) => {
    if (!known(p.sku)) problems.push(`promotions[${i}].sku "${p.sku}" is not in the item master`)
    if (!isDay(p.from)) problems.push(`promotions[${i}].from "${p.from}" is not a day (YYYY-MM-DD)`)
    if (!isDay(p.to)) problems.push(`promotions[${i}].to "${p.to}" is not a day (YYYY-MM-DD)`)
    if (isDay(p.from) && isDay(p.to) && p.to < p.from) problems.push(`promotions[${i}] ends (${p.to}) before it starts (${p.from})`)
  })
  if (problems.length === 0) return
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : ''
  throw new EdgeError(Errors.HISTORY_INVALID, `${problems.length} problem(s), nothing imported: ${problems.slice(0, SHOWN).join('; ')}${more}`, { problems: problems.slice(0, 200), count: problems.length })
}
