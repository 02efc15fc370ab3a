// Cron expressions for scheduled work, read the way node-cron reads them (it runs them on system
// time) and turned into next-run times here, because the simulated scheduler needs "when is it due
// after t" for a t that is simulated, and node-cron only answers that for the real now.
//
// The subset: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, each
// a number, a range, a list or a step (*/5, 1-5, 0,30). Times are UTC (the store's local time, as
// in scoring/spec.ts). All fields must match, as node-cron matches them (not Vixie cron's "day of
// month OR day of week" when both are restricted). node-cron's L, W and # day tokens are refused:
// nothing here needs them and the simulated scheduler could not honour them.

import { parse, validateDetailed } from 'node-cron'

export interface CronSchedule {
  readonly expr: string
  /** The first run strictly after `afterMs` (epoch milliseconds), on a whole second. */
  next (afterMs: number): number
}

const DAY_MS = 86_400_000
// A valid expression matches within 28 years (Feb 29 on a given weekday); past that it never does.
const MAX_DAYS = 366 * 28

/** Why `expr` is not a usable cron expression, or undefined when it is. */
export function cronProblem (expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/)
  if (fields.length !== 5 && fields.length !== 6) return `cron expression ${JSON.stringify(expr)} must have 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first`
  const v = validateDetailed(expr)
  if (!v.valid) return `cron expression ${JSON.stringify(expr)}: ${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`
  const p = parse(expr)
  if ([...p.dayOfMonth, ...p.dayOfWeek].some((x) => typeof x !== 'number')) return `cron expression ${JSON.stringify(expr)}: L, W and # day tokens are not supported`
  if (nextMatch(sets(p), Date.UTC(2000, 0, 1)) === null) return `cron expression ${JSON.stringify(expr)} never matches a date`
  return undefined
}

interface Sets {
  second: number[]
  minute: number[]
  hour: number[]
  dayOfMonth: Set<number>
  month: Set<number>
  dayOfWeek: Set<number>
}

function sets (p: ReturnType<typeof parse>): Sets {
  const asc = (xs: Array<number | string>): number[] => [...new Set(xs as number[])].sort((a, b) => a - b)
  return {
    second: asc(p.second),
    minute: asc(p.minute),
    hour: asc(p.hour),
    dayOfMonth: new Set(p.dayOfMonth as number[]),
    month: new Set(p.month),
    // node-cron reads 7 as Sunday too
    dayOfWeek: new Set((p.dayOfWeek as number[]).map((d) => d % 7))
  }
}

/** Throws RangeError naming the problem when `expr` is not usable (see cronProblem). */
export function compileCron (expr: string): CronSchedule {
  const problem = cronProblem(expr)
  if (problem !== undefined) throw new RangeError(problem)
  const s = sets(parse(expr))
  return {
    expr,
    next: (afterMs) => nextMatch(s, afterMs)!
  }
}

function nextMatch (s: Sets, afterMs: number): number | null {
  const startMs = Math.floor(afterMs / 1000) * 1000 + 1000
  const dayStart = Math.floor(startMs / DAY_MS) * DAY_MS
  for (let d = 0; d < MAX_DAYS; d++) {
    const dayMs = dayStart + d * DAY_MS
    const date = new Date(dayMs)
    if (!s.month.has(date.getUTCMonth() + 1) || !s.dayOfMonth.has(date.getUTCDate()) || !s.dayOfWeek.has(date.getUTCDay())) continue
    // Seconds into this day the run must come at or after (0 on any later day).
    const from = d === 0 ? (startMs - dayMs) / 1000 : 0
    for (const h of s.hour) {
      if (h * 3600 + 3599 < from) continue
      for (const m of s.minute) {
        if (h * 3600 + m * 60 + 59 < from) continue
        for (const sec of s.second) {
          const t = h * 3600 + m * 60 + sec
          if (t >= from) return dayMs + t * 1000
        }
      }
    }
  }
  return null
}
