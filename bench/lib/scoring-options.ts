// Options of the live scoring bench: flags, or BENCH_ + the flag in upper snake case.

export interface ScoringOptions {
  quick: boolean
  /** SKUs, each with a home shelf: the SKU-locations scored. */
  skus: number
  /** Canonical events offered per second. */
  rate: number
  /** Measured window, seconds. */
  durationS: number
  /** Load before the window, seconds. */
  warmupS: number
  /** Days of history in the journal before the server starts. */
  historyDays: number
  /** End-to-end probes per second. */
  probes: number
  /** CPU-profile the server through the window (bench/out/scoring-<time>.cpuprofile, summarised). */
  profile: boolean
}

const DEFAULTS: ScoringOptions = { quick: false, skus: 50_000, rate: 5000, durationS: 30, warmupS: 3, historyDays: 7, probes: 5, profile: false }
const QUICK: Partial<ScoringOptions> = { skus: 5000, durationS: 10, warmupS: 2 }

const NAMES: Record<string, keyof ScoringOptions> = {
  skus: 'skus', rate: 'rate', duration: 'durationS', warmup: 'warmupS', 'history-days': 'historyDays', probes: 'probes'
}

export const USAGE = `usage: node --import tsx bench/scoring-live.ts [--quick] [--skus N] [--rate EVENTS_PER_S]
  [--duration S] [--warmup S] [--history-days D] [--probes PER_S] [--profile]
Defaults: --skus 50000 --rate 5000 --duration 30 --warmup 3 --history-days 7 --probes 5;
--quick: --skus 5000 --duration 10 --warmup 2 (a smoke run; its figures are not the measurement).
--profile: CPU-profile the server through the window (slows it by 10-20 %; figures marked).
Environment: BENCH_SKUS, BENCH_RATE, BENCH_DURATION, ... (the flag in upper snake case), BENCH_QUICK=1, BENCH_PROFILE=1.`

function number (raw: string, origin: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${origin}: "${raw}" is not a number`)
  return n
}

export function parseScoringOptions (argv: string[], env: NodeJS.ProcessEnv): ScoringOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1'
  const profile = argv.includes('--profile') || env.BENCH_PROFILE === '1'
  const o: ScoringOptions = { ...DEFAULTS, ...(quick ? QUICK : {}), quick, profile }
  for (const [flag, key] of Object.entries(NAMES)) {
    const name = 'BENCH_' + flag.replace(/-/g, '_').toUpperCase()
    const v = env[name]
    if (v !== undefined && v !== '') (o[key] as number) = number(v, name)
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--quick' || a === '--profile') continue
    if (a === '--help' || a === '-h') throw new Error(USAGE)
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`)
    let name = a.slice(2)
    let value: string | undefined
    const eq = name.indexOf('=')
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq) }
    const key = NAMES[name]
    if (key === undefined) throw new Error(`unknown option ${a}\n${USAGE}`)
    value ??= argv[++i]
    if (value === undefined) throw new Error(`${a} needs a value`)
    ;(o[key] as number) = number(value, a)
  }
  if (o.skus < 100) throw new Error('--skus: at least 100 (2 % of them are probe SKUs, 2 % fast movers)')
  if (o.durationS < 3) throw new Error('--duration: at least 3 seconds (the slow tier runs a third of the way in)')
  if (o.rate <= 0) throw new Error('--rate: more than 0')
  return o
}
