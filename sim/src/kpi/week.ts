// How even a load is across the week: an amount (labor minutes, cases received) summed per
// calendar day, each weekday's mean over the run's days of that weekday, and the peak weekday over
// the mean of the weekdays. 1 is a perfectly flat week; a store staffs for its peak, so the lower
// the better. Days are UTC calendar days (the store's local time is UTC in the simulator).

const DAY = 86_400_000 // ms

export class WeekLoad {
  /** Amount per UTC day number (ms since the epoch / DAY). */
  private readonly byDay = new Map<number, number>()
  /** UTC day numbers the run went through. */
  private readonly days = new Set<number>()

  add (t: number, amount: number): void {
    const d = Math.floor(t / DAY)
    this.byDay.set(d, (this.byDay.get(d) ?? 0) + amount)
  }

  /** A day of the run is over (any time within it): it counts toward its weekday's mean, even with nothing added. */
  dayEnded (t: number): void {
    this.days.add(Math.floor(t / DAY))
  }

  /** Mean amount per weekday (0 = Sunday), NaN for a weekday the run did not go through. */
  weekdayMeans (): number[] {
    const sum = new Array<number>(7).fill(0)
    const n = new Array<number>(7).fill(0)
    for (const d of this.days) {
      const w = new Date(d * DAY).getUTCDay()
      sum[w] += this.byDay.get(d) ?? 0
      n[w]++
    }
    return sum.map((s, w) => n[w] === 0 ? NaN : s / n[w])
  }

  peakToMean (): number { return peakToMean(this.weekdayMeans()) }
}

/** Peak over mean of the weekdays that have a value; 0 when there is none or nothing was added. */
export function peakToMean (weekdayMeans: readonly number[]): number {
  const xs = weekdayMeans.filter(Number.isFinite)
  if (xs.length === 0) return 0
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return m > 0 ? Math.max(...xs) / m : 0
}
