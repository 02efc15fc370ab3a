// Reading the Prometheus text the server's /metrics answers: one sample by name and labels, and a
// histogram's cumulative buckets, with quantiles of the observations between two scrapes (linear
// interpolation inside the bucket, as PromQL's histogram_quantile does).

/** Labels as written: `tier="slow"`; a sample matches when it carries every one given. */
function matches (line: string, name: string, labels: Record<string, string>): boolean {
  if (!line.startsWith(name)) return false
  const rest = line.charAt(name.length)
  if (rest !== '{' && rest !== ' ') return false
  for (const [k, v] of Object.entries(labels)) if (!line.includes(`${k}="${v}"`)) return false
  return true
}

const valueOf = (line: string): number => Number(line.slice(line.lastIndexOf(' ') + 1))

/** The first sample of `name` with these labels, or NaN. */
export function sample (text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) if (matches(line, name, labels)) return valueOf(line)
  return NaN
}

/** Every sample of `name`, by the value of one label. */
export function byLabel (text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {}
  const re = new RegExp(`${label}="([^"]*)"`)
  for (const line of text.split('\n')) {
    if (!matches(line, name, {})) continue
    const m = re.exec(line)
    if (m) out[m[1]] = valueOf(line)
  }
  return out
}

export interface Histogram {
  /** Upper bounds, seconds (the last is +Inf), and cumulative counts. */
  le: number[]
  cumulative: number[]
  sum: number
  count: number
}

export function histogram (text: string, name: string, labels: Record<string, string> = {}): Histogram {
  const le: number[] = []
  const cumulative: number[] = []
  for (const line of text.split('\n')) {
    if (!matches(line, `${name}_bucket`, labels)) continue
    const m = /le="([^"]+)"/.exec(line)
    if (!m) continue
    le.push(m[1] === '+Inf' ? Infinity : Number(m[1]))
    cumulative.push(valueOf(line))
  }
  return { le, cumulative, sum: sample(text, `${name}_sum`, labels), count: sample(text, `${name}_count`, labels) }
}

/** Observations made between two scrapes of the same histogram. */
export function delta (a: Histogram, b: Histogram): Histogram {
  if (a.le.length === 0) return b
  return { le: b.le, cumulative: b.cumulative.map((c, i) => c - (a.cumulative[i] ?? 0)), sum: b.sum - a.sum, count: b.count - a.count }
}

/** The q-quantile (0-1), seconds; NaN without observations; the largest finite bound when it falls in +Inf. */
export function quantile (h: Histogram, q: number): number {
  const total = h.cumulative[h.cumulative.length - 1] ?? 0
  if (total === 0) return NaN
  const rank = q * total
  for (let i = 0; i < h.le.length; i++) {
    if (h.cumulative[i] < rank) continue
    if (h.le[i] === Infinity) return h.le[i - 1] ?? NaN
    const lo = i === 0 ? 0 : h.le[i - 1]
    const below = i === 0 ? 0 : h.cumulative[i - 1]
    const inBucket = h.cumulative[i] - below
    return inBucket === 0 ? h.le[i] : lo + (h.le[i] - lo) * (rank - below) / inBucket
  }
  return NaN
}

/** Share of the observations at or under a bucket bound (exact only at a bound the histogram has). */
export function shareAtMost (h: Histogram, bound: number): number {
  const total = h.cumulative[h.cumulative.length - 1] ?? 0
  const i = h.le.findIndex((le) => Math.abs(le - bound) < 1e-12)
  return total === 0 || i < 0 ? NaN : h.cumulative[i] / total
}

/** Two histograms' observations together (same buckets). */
export function add (a: Histogram | null, b: Histogram): Histogram {
  if (a === null || a.le.length === 0) return b
  return { le: b.le, cumulative: b.cumulative.map((c, i) => c + (a.cumulative[i] ?? 0)), sum: a.sum + b.sum, count: a.count + b.count }
}
