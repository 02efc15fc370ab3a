// Bench options: defaults, then BENCH_* environment variables, then --flags (`--devices 300` or
// `--devices=300`). `--quick` is a ~25 s smoke run with short phases and 500 idle devices.

export interface BenchOptions {
  /** Phase 1 measured seconds, after warmupS. */
  durationS: number
  warmupS: number
  /** Phase 1 and 2 devices (each its own connection). */
  devices: number
  /** Phase 1 in-flight QoS 1 publishes per device. */
  window: number
  /** Phase 2 offered load, messages/s, and its measured seconds. */
  rate: number
  latencyS: number
  /** Seconds of phase 2 load before latencies are recorded. */
  latencyWarmupS: number
  /** Seconds the server is left alone before an RSS reading. */
  settleS: number
  /** Phase 3 connected devices, and publishes per device in its burst. */
  memDevices: number
  burstPerDevice: number
  /** Seconds the 2,000 devices sit idle (pinging) before RSS is read. */
  idleS: number
  skus: number
  mosquitto: boolean
  mosquittoHost: string
  mosquittoPort: number
  /** CPU-profile the server during the phase 1 window (bench/out/*.cpuprofile). */
  profile: boolean
  quick: boolean
}

const DEFAULTS: BenchOptions = {
  durationS: 12,
  warmupS: 3,
  devices: 200,
  window: 20,
  rate: 5000,
  latencyS: 10,
  latencyWarmupS: 2,
  settleS: 2,
  memDevices: 2000,
  burstPerDevice: 10,
  idleS: 5,
  skus: 400,
  mosquitto: true,
  mosquittoHost: '127.0.0.1',
  mosquittoPort: 1883,
  profile: false,
  quick: false
}

const QUICK: Partial<BenchOptions> = { durationS: 2, warmupS: 0.5, latencyS: 2, latencyWarmupS: 0.5, settleS: 0.5, memDevices: 500, burstPerDevice: 5, idleS: 0.5 }

const NAMES: Record<string, keyof BenchOptions> = {
  duration: 'durationS',
  warmup: 'warmupS',
  devices: 'devices',
  window: 'window',
  rate: 'rate',
  'latency-duration': 'latencyS',
  'latency-warmup': 'latencyWarmupS',
  settle: 'settleS',
  'mem-devices': 'memDevices',
  burst: 'burstPerDevice',
  idle: 'idleS',
  skus: 'skus',
  mosquitto: 'mosquitto',
  'mosquitto-host': 'mosquittoHost',
  'mosquitto-port': 'mosquittoPort',
  profile: 'profile',
  quick: 'quick'
}

export const USAGE = `npm run bench:ingest -- [--quick] [--duration S] [--warmup S] [--devices N] [--window N]
  [--rate MSG_PER_S] [--latency-duration S] [--latency-warmup S] [--mem-devices N] [--burst N]
  [--idle S] [--settle S] [--skus N]
  [--no-mosquitto] [--mosquitto-host H] [--mosquitto-port P] [--profile]
Environment: BENCH_DURATION, BENCH_DEVICES, BENCH_WINDOW, BENCH_RATE, ... (the flag name in upper
snake case), BENCH_QUICK=1.`

function set (o: BenchOptions, key: keyof BenchOptions, raw: string | boolean, origin: string): void {
  const current = DEFAULTS[key]
  if (typeof current === 'boolean') {
    (o as unknown as Record<string, unknown>)[key] = raw === true || raw === '1' || raw === 'true' || raw === 'yes'
  } else if (typeof current === 'number') {
    const n = Number(raw)
    if (!Number.isFinite(n) || n < 0) throw new Error(`${origin}: "${String(raw)}" is not a number`)
    ;(o as unknown as Record<string, unknown>)[key] = n
  } else {
    (o as unknown as Record<string, unknown>)[key] = String(raw)
  }
}

export function parseOptions (argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1'
  const o: BenchOptions = { ...DEFAULTS, ...(quick ? QUICK : {}), quick }
  for (const [flag, key] of Object.entries(NAMES)) {
    const v = env['BENCH_' + flag.replace(/-/g, '_').toUpperCase()]
    if (v !== undefined && v !== '') set(o, key, v, `BENCH_${flag.toUpperCase()}`)
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') throw new Error(USAGE)
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`)
    let name = a.slice(2)
    let value: string | boolean | undefined
    const eq = name.indexOf('=')
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq) }
    if (name.startsWith('no-') && NAMES[name.slice(3)] !== undefined) { set(o, NAMES[name.slice(3)], false, a); continue }
    const key = NAMES[name]
    if (key === undefined) throw new Error(`unknown option ${a}\n${USAGE}`)
    if (typeof DEFAULTS[key] === 'boolean') { set(o, key, value ?? true, a); continue }
    if (value === undefined) value = argv[++i]
    if (value === undefined) throw new Error(`${a} needs a value`)
    set(o, key, value, a)
  }
  return o
}
