// The forecasts each proposal run made (migration 011) and their error once the days they covered
// have sold: per demand class and method, the day-ahead error (what tomorrow's forecast said against
// what tomorrow sold) and the error of the week's total.

import type { Database } from 'better-sqlite3'
import { addDays } from './sales.js'

/** Days of each forecast kept, from the run's day. */
export const LOGGED_DAYS = 14
/** Forecasts older than this many days are pruned at each run. */
export const KEEP_DAYS = 120

export interface LoggedForecast { sku: string, demandClass: string, method: string, daily: readonly number[], sigmaDay: number, confidence: number }

export interface AccuracyRow {
  demandClass: string
  /** Forecasts compared (a run's forecast whose next day has passed). */
  n: number
  /** Day-ahead: mean |forecast - actual|, units; mean (forecast - actual), units (> 0 over-forecasts); sum |e| / sum actual, percent. */
  dayAhead: { mae: number, bias: number, wapePct: number | null }
  /** Next 7 days' total (forecasts whose 7 days have all passed): the same three. */
  week: { n: number, mae: number, bias: number, wapePct: number | null }
}

export class ForecastLog {
  private readonly put

  constructor (private readonly db: Database) {
    this.put = db.prepare(`INSERT INTO forecast_log (sku, made_day, demand_class, method, daily, sigma_day, confidence) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (sku, made_day) DO UPDATE SET demand_class = excluded.demand_class, method = excluded.method, daily = excluded.daily,
        sigma_day = excluded.sigma_day, confidence = excluded.confidence`)
  }

  /** Records a run's forecast of one item (the latest run of the day wins). Call inside the run's transaction. */
  record (day: string, f: LoggedForecast): void {
    const daily = f.daily.slice(0, LOGGED_DAYS).map((v) => Math.round(v * 1000) / 1000)
    this.put.run(f.sku, day, f.demandClass, f.method, JSON.stringify(daily), f.sigmaDay, f.confidence)
  }

  prune (today: string): number {
    return this.db.prepare('DELETE FROM forecast_log WHERE made_day < ?').run(addDays(today, -KEEP_DAYS)).changes
  }

  latest (sku: string): (LoggedForecast & { madeDay: string }) | undefined {
    const r = this.db.prepare('SELECT * FROM forecast_log WHERE sku = ? ORDER BY made_day DESC LIMIT 1').get(sku) as { sku: string, made_day: string, demand_class: string, method: string, daily: string, sigma_day: number, confidence: number } | undefined
    return r === undefined ? undefined : { sku: r.sku, madeDay: r.made_day, demandClass: r.demand_class, method: r.method, daily: JSON.parse(r.daily) as number[], sigmaDay: r.sigma_day, confidence: r.confidence }
  }

  /**
   * Error of the forecasts made in [fromDay, today) against the sales of the days they covered,
   * only days before `today` (complete), by demand class and over all.
   */
  accuracy (fromDay: string, today: string, sold: (sku: string, day: string) => number): AccuracyRow[] {
    const rows = this.db.prepare('SELECT sku, made_day, demand_class, daily FROM forecast_log WHERE made_day >= ? AND made_day < ?').raw().all(fromDay, today) as Array<[string, string, string, string]>
    const acc = new Map<string, { n: number, abs: number, err: number, act: number, wn: number, wabs: number, werr: number, wact: number }>()
    const bucket = (k: string): { n: number, abs: number, err: number, act: number, wn: number, wabs: number, werr: number, wact: number } => {
      let b = acc.get(k)
      if (!b) { b = { n: 0, abs: 0, err: 0, act: 0, wn: 0, wabs: 0, werr: 0, wact: 0 }; acc.set(k, b) }
      return b
    }
    for (const [sku, made, cls, text] of rows) {
      const daily = JSON.parse(text) as number[]
      const next = addDays(made, 1)
      if (next >= today || daily.length < 2) continue
      const a = sold(sku, next)
      for (const b of [bucket(cls), bucket('all')]) { b.n++; b.abs += Math.abs(daily[1] - a); b.err += daily[1] - a; b.act += a }
      if (addDays(made, 7) >= today || daily.length < 8) continue
      let f = 0
      let w = 0
      for (let k = 1; k <= 7; k++) { f += daily[k]; w += sold(sku, addDays(made, k)) }
      for (const b of [bucket(cls), bucket('all')]) { b.wn++; b.wabs += Math.abs(f - w); b.werr += f - w; b.wact += w }
    }
    const r3 = (v: number): number => Math.round(v * 1000) / 1000
    const pct = (a: number, b: number): number | null => b > 0 ? Math.round(a / b * 1000) / 10 : null
    return [...acc].sort((x, y) => x[0] === 'all' ? 1 : y[0] === 'all' ? -1 : x[0] < y[0] ? -1 : 1).map(([demandClass, b]) => ({
      demandClass,
      n: b.n,
      dayAhead: { mae: r3(b.abs / Math.max(1, b.n)), bias: r3(b.err / Math.max(1, b.n)), wapePct: pct(b.abs, b.act) },
      week: { n: b.wn, mae: r3(b.wabs / Math.max(1, b.wn)), bias: r3(b.werr / Math.max(1, b.wn)), wapePct: pct(b.wabs, b.wact) }
    }))
  }
}
