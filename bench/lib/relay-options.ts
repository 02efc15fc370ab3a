// Options of `npm run bench:relay`: defaults, then BENCH_* environment variables, then --flags
// (`--events 200000` or `--events=200000`). `--quick` is a smoke run of about a minute.

export interface RelayBenchOptions {
  /** (a) rows in the store's outbox after the outage. */
  events: number
  /** (a) outbox batch sizes (outboxBatchMax) to drain with, one drain each; the product default is 500. */
  batch: number[]
  /** (b) simulated stores, each its own token and closed loop. */
  stores: number
  /** (b) events per batch a store posts, and batches per store. */
  loadBatch: number
  loadBatches: number
  /** (b) seconds the forward backlog may take to drain before its rate is reported as measured so far. */
  drainS: number
  /** (b) forward to the fake ERP (RELAY_FORWARD_URL) while and after the stores post. */
  forward: boolean
  /** Parts and backends to run. */
  a: boolean
  b: boolean
  sqlite: boolean
  pg: boolean
  pgUrl: string
  /** CPU-profile the relay processes (node --cpu-prof), written to bench/out/. */
  profile: boolean
  quick: boolean
}

const DEFAULTS: RelayBenchOptions = {
  events: 1_000_000,
  batch: [500],
  stores: 100,
  loadBatch: 500,
  loadBatches: 20,
  drainS: 60,
  forward: true,
  a: true,
  b: true,
  sqlite: true,
  pg: true,
  pgUrl: 'postgresql://postgres@127.0.0.1:5432/test',
  profile: false,
  quick: false
}

const QUICK: Partial<RelayBenchOptions> = { events: 50_000, loadBatches: 2, drainS: 10 }

const NAMES: Record<string, keyof RelayBenchOptions> = {
  events: 'events',
  batch: 'batch',
  stores: 'stores',
  'load-batch': 'loadBatch',
  'load-batches': 'loadBatches',
  'drain-s': 'drainS',
  forward: 'forward',
  a: 'a',
  b: 'b',
  sqlite: 'sqlite',
  pg: 'pg',
  'pg-url': 'pgUrl',
  profile: 'profile',
  quick: 'quick'
}

export const RELAY_USAGE = `npm run bench:relay -- [--quick] [--events N] [--batch 500[,2000,...]]
  [--stores N] [--load-batch N] [--load-batches N] [--drain-s S] [--no-forward]
  [--no-a] [--no-b] [--no-sqlite] [--no-pg] [--pg-url URL] [--profile]
Environment: BENCH_EVENTS, BENCH_BATCH, BENCH_STORES, ... (the flag in upper snake case), BENCH_QUICK=1.`

function set (o: RelayBenchOptions, key: keyof RelayBenchOptions, raw: string | boolean, origin: string): void {
  const current = DEFAULTS[key]
  const rec = o as unknown as Record<string, unknown>
  if (typeof current === 'boolean') {
    rec[key] = raw === true || raw === '1' || raw === 'true' || raw === 'yes'
  } else if (Array.isArray(current)) {
    const list = String(raw).split(',').map(Number)
    if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${origin}: "${String(raw)}" is not a list of positive integers`)
    rec[key] = list
  } else if (typeof current === 'number') {
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${origin}: "${String(raw)}" is not a positive number`)
    rec[key] = n
  } else {
    rec[key] = String(raw)
  }
}

export function parseRelayOptions (argv: string[], env: NodeJS.ProcessEnv): RelayBenchOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1'
  const o: RelayBenchOptions = { ...DEFAULTS, ...(quick ? QUICK : {}), quick }
  for (const [flag, key] of Object.entries(NAMES)) {
    const v = env['BENCH_' + flag.replace(/-/g, '_').toUpperCase()]
    if (v !== undefined && v !== '' && key !== 'quick') set(o, key, v, `BENCH_${flag.replace(/-/g, '_').toUpperCase()}`)
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') throw new Error(RELAY_USAGE)
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${RELAY_USAGE}`)
    let name = a.slice(2)
    let value: string | undefined
    const eq = name.indexOf('=')
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq) }
    if (name.startsWith('no-') && NAMES[name.slice(3)] !== undefined) { set(o, NAMES[name.slice(3)], false, a); continue }
    const key = NAMES[name]
    if (key === undefined) throw new Error(`unknown option ${a}\n${RELAY_USAGE}`)
    if (typeof DEFAULTS[key] === 'boolean') { set(o, key, value ?? true, a); continue }
    if (value === undefined) value = argv[++i]
    if (value === undefined) throw new Error(`${a} needs a value`)
    set(o, key, value, a)
  }
  return o
}
