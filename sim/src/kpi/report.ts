// The side-by-side report: both policies run on the same seeds, every KPI averaged per policy and
// differenced seed by seed (store-edge - traditional) with a 95% CI, and a verdict read off the CI in
// the direction that KPI counts as good. The verdict claims a difference only when the CI excludes 0.

import { KPI_META, type KpiKey } from './kpis.js'
import type { KpiRecorder, Kpis } from './recorder.js'
import { mean, pairedDifference, type PairedDifference } from './stats.js'

export type Policy = 'traditional' | 'store-edge'

export interface RunResult { policy: Policy, seed: number, kpis: Kpis, series?: ReturnType<KpiRecorder['series']>, wallMs?: number, /** The server's own task KPIs (/api/v1/kpis), for a store-edge run on its task list. */ serverKpis?: unknown }

export interface ComparisonRow {
  kpi: string
  label: string
  unit: string
  better: 'higher' | 'lower' | 'none'
  /** Mean over seeds; null without runs of that policy. */
  traditional: number | null
  storeEdge: number | null
  /** Mean of store-edge - traditional over paired seeds; null without pairs. */
  diff: number | null
  ci95: [number, number] | null
  /** Seeds run under both policies. */
  n: number
  verdict: string
}

export interface Report { generatedAt: string, config: Record<string, unknown>, runs: RunResult[], comparison: ComparisonRow[] }

/**
 * Pairs runs by seed. With pairs, the policy means are over the paired seeds only, so the difference
 * shown is the difference of the means shown; with one policy only, each mean is over its own runs.
 */
export function buildReport (runs: RunResult[], config: Record<string, unknown>, generatedAt: string): Report {
  const trad = bySeed(runs, 'traditional')
  const edge = bySeed(runs, 'store-edge')
  const paired = [...trad.keys()].filter((s) => edge.has(s)).sort((a, b) => a - b)
  const tradRuns = paired.length > 0 ? paired.map((s) => trad.get(s) as RunResult) : [...trad.values()]
  const edgeRuns = paired.length > 0 ? paired.map((s) => edge.get(s) as RunResult) : [...edge.values()]
  const comparison = (Object.keys(KPI_META) as KpiKey[]).map((kpi): ComparisonRow => {
    const { label, unit, better } = KPI_META[kpi]
    const a = tradRuns.map((r) => r.kpis[kpi])
    const b = edgeRuns.map((r) => r.kpis[kpi])
    const d = paired.length > 0 ? pairedDifference(a, b) : null
    return {
      kpi,
      label,
      unit,
      better,
      traditional: a.length > 0 ? mean(a) : null,
      storeEdge: b.length > 0 ? mean(b) : null,
      diff: d?.mean ?? null,
      ci95: d?.ci95 ?? null,
      n: paired.length,
      verdict: verdict(better, d)
    }
  })
  return { generatedAt, config, runs, comparison }
}

function bySeed (runs: readonly RunResult[], policy: Policy): Map<number, RunResult> {
  const out = new Map<number, RunResult>()
  for (const r of runs) {
    if (r.policy !== policy) continue
    if (out.has(r.seed)) throw new RangeError(`two ${policy} runs with seed ${r.seed}`)
    out.set(r.seed, r)
  }
  return out
}

function verdict (better: ComparisonRow['better'], d: PairedDifference | null): string {
  if (d === null) return 'no paired seeds'
  // A KPI only one policy has (the order-proposal shares): nothing to compare.
  if (!Number.isFinite(d.mean)) return 'n/a'
  if (d.ci95 === null) return '1 seed: no CI'
  const [lo, hi] = d.ci95
  if (lo <= 0 && hi >= 0) return 'no clear difference'
  const up = lo > 0
  if (better === 'none') return up ? 'higher' : 'lower'
  return up === (better === 'higher') ? 'better' : 'worse'
}

/** A fixed-width text table: KPI (unit) | traditional | store-edge | difference | 95% CI | verdict. */
export function formatTable (report: Report): string {
  const n = report.comparison[0]?.n ?? 0
  const head = ['KPI', 'traditional', 'store-edge', 'difference', '95% CI', 'verdict']
  const rows = report.comparison.map((c) => {
    const digits = rowDigits(c)
    const ci = c.ci95 === null || !c.ci95.every(Number.isFinite) ? '-' : `[${num(c.ci95[0], digits, true)}, ${num(c.ci95[1], digits, true)}]`
    return [`${c.label} (${c.unit})`, num(c.traditional, digits), num(c.storeEdge, digits), num(c.diff, digits, true), ci, c.verdict]
  })
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)))
  // Text columns (KPI, verdict) align left, numbers right, so their decimal points line up.
  const line = (cells: string[]): string => cells
    .map((cell, k) => k === 0 || k === cells.length - 1 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))
    .join(' | ').trimEnd()
  const title = `KPIs, store-edge vs traditional, ${n} paired seed${n === 1 ? '' : 's'} (generated ${report.generatedAt})`
  return [title, '', line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n') + '\n'
}

/**
 * Decimals for a row, from its magnitude so the whole row reads alike: 1 for percents, none for
 * big numbers (thousands separators carry them) or whole counts, 2 for money and small values.
 */
function rowDigits (c: ComparisonRow): number {
  if (c.unit === '%') return 1
  const values = [c.traditional, c.storeEdge].filter((x): x is number => x !== null && Number.isFinite(x))
  const magnitude = Math.max(0, ...values.map(Math.abs), values.length === 0 ? Math.abs(c.diff ?? 0) : 0)
  if (magnitude >= 1000) return 0
  if (c.unit === '$') return 2
  if (values.length > 0 && values.every(Number.isInteger)) return 0
  return magnitude < 10 ? 2 : 1
}

function num (x: number | null, digits: number, signed = false): string {
  if (x === null || !Number.isFinite(x)) return '-'
  const s = x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
  if (/^-0(\.0*)?$/.test(s)) return s.slice(1) // -0.0 after rounding is just 0.0
  return signed && x > 0 && /[1-9]/.test(s) ? `+${s}` : s
}
