// One typed, validated configuration: defaults, then a JSON file, then EDGE_* environment variables
// (EDGE_ + the key in upper snake case). A bad value stops start-up naming the key and what is allowed.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { cronProblem } from './cron.js'
import { EdgeError, Errors } from './errors.js'
import { parseInstant } from './instant.js'

export interface EdgeConfig {
  storeId: string
  /** Bind address for HTTP and MQTT. */
  host: string
  httpPort: number
  mqttPort: number
  /** MQTT over TLS; only started when tlsCert and tlsKey are set. */
  mqttTlsPort: number
  tlsCert: string | null
  tlsKey: string | null
  dataDir: string
  profilesDir: string
  relayUrl: string | null
  /** The store's token at the relay (issued at registration); sent as a Bearer token. */
  relayToken: string | null
  /** A PEM file of the CA(s) that sign the relay's certificate (a private CA), or null: the system's trusted CAs. */
  relayCaFile: string | null
  /** Outbox rows per batch at most. */
  outboxBatchMax: number
  /** A batch smaller than outboxBatchMax waits up to this long, milliseconds, for more rows (0 = send at once). */
  outboxLingerMs: number
  /** A send with no answer in this many milliseconds counts as failed (the rows are kept). */
  outboxSendTimeoutMs: number
  /** Backoff after a failed send: first delay and ceiling, milliseconds (full jitter in between). */
  outboxBackoffMinMs: number
  outboxBackoffMaxMs: number
  /** Bytes per second (compressed) the sender may use at most; 0 = no cap. */
  outboxMaxBytesPerS: number
  /** Disk the outbox may use, megabytes: a warning at 80%, an alarm at 100% (ERP-bound rows are never dropped). */
  outboxDiskBudgetMb: number
  /** Seconds between heartbeats to the relay. */
  outboxHeartbeatS: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Largest MQTT payload accepted, bytes (HTTP bodies have their own per-route limits); a larger one (up to maxPacketBytes) is dead-lettered. */
  maxPayloadBytes: number
  /** Largest MQTT packet a device may send at all, bytes; a larger one ends its connection. */
  maxPacketBytes: number
  /** Events committed per SQLite transaction at most. */
  ingestBatchMax: number
  /** A device is offline after this many heartbeat intervals without a message. */
  heartbeatGraceFactor: number
  /** Oldest event time accepted, seconds before now (handhelds replay days of offline work). */
  maxEventAgeS: number
  /** Event time may lead the server clock by this much, seconds (device clock skew). */
  maxEventFutureS: number
  /** Largest quantity one event may carry, units. */
  maxQty: number
  /** SQLite synchronous mode: FULL survives power loss, NORMAL survives a process crash. */
  dbSynchronous: 'FULL' | 'NORMAL'
  /** When set, operator routes (devices, imports) need `Authorization: Bearer <token>`. */
  /** 'sessions': the panel and the API need a signed-in account, the admin token or (device routes) device credentials; 'open': the LAN is trusted (development, tests of other features). */
  apiAuth: 'sessions' | 'open'
  /** A panel session ends after this many minutes without a request. */
  sessionIdleMin: number
  /** ...and this many hours after sign-in in any case. */
  sessionMaxHours: number
  adminToken: string | null
  /** Serial-attached scanners: a port, the device it is registered as, and its profile stream. */
  serialPorts: SerialPortConfig[]
  /** Milliseconds a graceful shutdown waits for in-flight work before closing anyway. */
  shutdownTimeoutMs: number
  /** 'system': real time. 'sim': the store simulator sets the clock (PUT /api/v1/clock). */
  clockMode: 'system' | 'sim'
  /** Sim mode: the clock's start, an ISO 8601 date-time with zone; null = the system time at start. */
  clockStart: string | null
  /** The shelf-risk model (.onnx, its card beside it); '' = the shipped models/shelf-risk/shelf-risk.onnx, 'none' = rules only. */
  riskModelPath: string
  /** Rules take over when the model's mean predicted risk and the observed empty rate differ by more than this (0-1) over the window. */
  riskCalibrationBound: number
  /** Confirmations in the window before calibration is judged at all. */
  riskCalibrationMinCount: number
  /** Rules score a vector with a feature beyond its training range by more than this share of the range. */
  riskRangeTolerance: number
  /** When every SKU-location is rescored (node-cron expression, UTC, on the server's clock). */
  riskSlowCron: string
  /** SKU-locations the fast tier rescores per second at most (0 = off); the rest wait for capacity or the slow tier. */
  riskFastMaxPerSecond: number
  /** Monitoring window, days of event time. */
  riskWindowDays: number
  /** Vectors per onnxruntime run; the event loop gets a turn between runs. */
  riskBatchRows: number
  /** Days each SKU-location's score history is kept (the item timeline's risk chart). */
  riskHistoryDays: number
  /** A claimed or started task with no action for this many minutes returns to the pool (server clock). */
  taskClaimStaleMin: number
  /** A shelf whose risk score reaches this gets a fill task (if the backroom holds stock); its open fill is cancelled below half of it. */
  fillRiskThreshold: number
  /**
   * Opening hours of the sales floor, "HH:MM-HH:MM" UTC (past midnight wraps), or empty for always
   * open. While closed no new fill is raised: nobody works it, and a score at night is no reason to
   * wake the handhelds.
   */
  storeHours: string
  /** When the day's order proposals are made (cron, UTC). */
  orderProposalsCron: string
  /** How long an associate's sign-in token lasts, minutes (a shift and a bit). */
  associateTokenTtlMin: number
  /** The phantom-inventory detector runs every this many minutes of the server clock. */
  phantomEveryMin: number
  /** Detector count tasks per store day (the server clock's UTC day); short-fill counts do not use it. */
  countBudgetPerDay: number
  /** A SKU-location gets a detector count only at or above this probability that its record is wrong. */
  phantomMinProbability: number
  /** An open ASN closes by itself (and is checked for discrepancies) this many minutes of the server clock after its last receipt. */
  receivingCloseMin: number
  /** Received stock should be put away within this many hours: the deadline of a backroom-bound put-away. */
  receivingDwellMaxH: number
  /** Governance policies (YAML), read at start: '' = <dataDir>/policies.yaml when present, else the stored or built-in set. */
  policiesFile: string
  /** This store's format (policies may match on it): 'standard', 'neighborhood', 'supercenter', ... */
  storeFormat: string
}

export interface SerialPortConfig {
  path: string
  deviceId: string
  /** Optional location stamped on the events (a receiving dock, a checkout lane). */
  location?: string
}

type Kind = 'string' | 'port' | 'int' | 'number' | 'nullable-string' | 'nullable-instant' | 'enum' | 'serial-ports' | 'cron'

interface KeySpec {
  kind: Kind
  default: unknown
  min?: number
  max?: number
  values?: readonly string[]
  pattern?: RegExp
  allowed: string
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const KEYS: Record<keyof EdgeConfig, KeySpec> = {
  storeId: { kind: 'string', default: 'store-1', pattern: /^[A-Za-z0-9_-]{1,64}$/, allowed: '1-64 letters, digits, _ or -' },
  host: { kind: 'string', default: '0.0.0.0', allowed: 'an IP address or host name to bind' },
  httpPort: { kind: 'port', default: 8080, allowed: 'an integer 0-65535 (0 = any free port)' },
  mqttPort: { kind: 'port', default: 1883, allowed: 'an integer 0-65535 (0 = any free port)' },
  mqttTlsPort: { kind: 'port', default: 8883, allowed: 'an integer 0-65535 (0 = any free port)' },
  tlsCert: { kind: 'nullable-string', default: null, allowed: 'a path to a PEM certificate, or null' },
  tlsKey: { kind: 'nullable-string', default: null, allowed: 'a path to a PEM private key, or null' },
  dataDir: { kind: 'string', default: './data', allowed: 'a directory path' },
  profilesDir: { kind: 'string', default: '', allowed: 'a directory of device profiles (empty = the shipped device-profiles/)' },
  relayUrl: { kind: 'nullable-string', default: null, allowed: 'an http(s) URL of the cloud relay, or null' },
  relayToken: { kind: 'nullable-string', default: null, allowed: "the store's relay token, or null" },
  relayCaFile: { kind: 'nullable-string', default: null, allowed: "a path to a PEM file of the CA(s) that sign the relay's certificate, or null" },
  outboxLingerMs: { kind: 'int', default: 200, min: 0, max: 60_000, allowed: 'an integer 0-60000 (milliseconds)' },
  outboxSendTimeoutMs: { kind: 'int', default: 30_000, min: 100, max: 600_000, allowed: 'an integer 100-600000 (milliseconds)' },
  outboxBatchMax: { kind: 'int', default: 500, min: 1, max: 10_000, allowed: 'an integer 1-10000 (rows)' },
  outboxBackoffMinMs: { kind: 'int', default: 1000, min: 10, max: 600_000, allowed: 'an integer 10-600000 (milliseconds)' },
  outboxBackoffMaxMs: { kind: 'int', default: 300_000, min: 10, max: 3_600_000, allowed: 'an integer 10-3600000 (milliseconds)' },
  outboxHeartbeatS: { kind: 'int', default: 60, min: 1, max: 3600, allowed: 'an integer 1-3600 (seconds)' },
  outboxDiskBudgetMb: { kind: 'int', default: 2048, min: 1, max: 1_000_000, allowed: 'an integer 1-1000000 (megabytes)' },
  outboxMaxBytesPerS: { kind: 'int', default: 0, min: 0, max: 1_000_000_000, allowed: 'an integer 0-1000000000 (bytes per second, compressed; 0 = no cap)' },
  logLevel: { kind: 'enum', default: 'info', values: LOG_LEVELS, allowed: LOG_LEVELS.join(', ') },
  maxPayloadBytes: { kind: 'int', default: 65536, min: 256, max: 16 * 1024 * 1024, allowed: 'an integer 256-16777216 (bytes)' },
  maxPacketBytes: { kind: 'int', default: 1024 * 1024, min: 1024, max: 256 * 1024 * 1024, allowed: 'an integer 1024-268435456 (bytes), at least maxPayloadBytes' },
  ingestBatchMax: { kind: 'int', default: 2000, min: 1, max: 100000, allowed: 'an integer 1-100000' },
  heartbeatGraceFactor: { kind: 'number', default: 2.5, min: 1, max: 100, allowed: 'a number 1-100' },
  maxEventAgeS: { kind: 'int', default: 7 * 24 * 3600, min: 60, max: 366 * 24 * 3600, allowed: 'an integer 60-31622400 (seconds)' },
  maxEventFutureS: { kind: 'int', default: 300, min: 0, max: 86400, allowed: 'an integer 0-86400 (seconds)' },
  maxQty: { kind: 'int', default: 100000, min: 1, max: 1e9, allowed: 'an integer 1-1000000000 (units)' },
  dbSynchronous: { kind: 'enum', default: 'FULL', values: ['FULL', 'NORMAL'], allowed: 'FULL or NORMAL' },
  apiAuth: { kind: 'enum', default: 'sessions', values: ['sessions', 'open'], allowed: 'sessions or open' },
  sessionIdleMin: { kind: 'int', default: 60, min: 1, max: 24 * 60, allowed: 'an integer 1-1440 (minutes)' },
  sessionMaxHours: { kind: 'int', default: 12, min: 1, max: 24 * 7, allowed: 'an integer 1-168 (hours)' },
  adminToken: { kind: 'nullable-string', default: null, allowed: 'a token of 16 or more characters, or null' },
  serialPorts: { kind: 'serial-ports', default: [], allowed: 'an array of {path, deviceId, location?}' },
  shutdownTimeoutMs: { kind: 'int', default: 10000, min: 0, max: 600000, allowed: 'an integer 0-600000 (milliseconds)' },
  clockMode: { kind: 'enum', default: 'system', values: ['system', 'sim'], allowed: 'system or sim' },
  clockStart: { kind: 'nullable-instant', default: null, allowed: 'an ISO 8601 date-time with zone such as 2016-04-25T08:00:00Z (clockMode sim only), or null (= the system time at start)' },
  riskModelPath: { kind: 'string', default: '', allowed: 'a path to a .onnx model with its card beside it, empty (= the shipped model) or "none" (rules only)' },
  riskCalibrationBound: { kind: 'number', default: 0.15, min: 0.01, max: 1, allowed: 'a number 0.01-1 (probability)' },
  riskCalibrationMinCount: { kind: 'int', default: 50, min: 1, max: 10_000_000, allowed: 'an integer 1-10000000 (confirmations)' },
  riskRangeTolerance: { kind: 'number', default: 0.2, min: 0, max: 100, allowed: 'a number 0-100 (share of the training range)' },
  riskSlowCron: { kind: 'cron', default: '*/5 * * * *', allowed: 'a cron expression of 5 fields (minute hour day-of-month month day-of-week, UTC), or 6 with seconds first' },
  riskFastMaxPerSecond: { kind: 'int', default: 5000, min: 0, max: 1_000_000, allowed: 'an integer 0-1000000 (SKU-locations per second; 0 = fast tier off)' },
  riskWindowDays: { kind: 'number', default: 7, min: 0.01, max: 90, allowed: 'a number 0.01-90 (days)' },
  riskBatchRows: { kind: 'int', default: 2000, min: 1, max: 100_000, allowed: 'an integer 1-100000 (vectors)' },
  riskHistoryDays: { kind: 'number', default: 14, min: 1, max: 365, allowed: 'a number 1-365 (days)' },
  taskClaimStaleMin: { kind: 'int', default: 30, min: 1, max: 24 * 60, allowed: 'an integer 1-1440 (minutes)' },
  fillRiskThreshold: { kind: 'number', default: 0.3, min: 0, max: 1, allowed: 'a number 0-1 (shelf-risk probability)' },
  storeHours: { kind: 'string', default: '', pattern: /^$|^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$/, allowed: 'HH:MM-HH:MM (UTC) or empty for always open' },
  associateTokenTtlMin: { kind: 'int', default: 10 * 60, min: 1, max: 7 * 24 * 60, allowed: 'an integer 1-10080 (minutes)' },
  phantomEveryMin: { kind: 'int', default: 30, min: 1, max: 24 * 60, allowed: 'an integer 1-1440 (minutes)' },
  countBudgetPerDay: { kind: 'int', default: 20, min: 0, max: 100_000, allowed: 'an integer 0-100000 (count tasks per day)' },
  phantomMinProbability: { kind: 'number', default: 0.5, min: 0, max: 1, allowed: 'a number 0-1 (probability the record is wrong)' },
  receivingCloseMin: { kind: 'int', default: 60, min: 1, max: 7 * 24 * 60, allowed: 'an integer 1-10080 (minutes)' },
  receivingDwellMaxH: { kind: 'number', default: 4, min: 0.1, max: 24 * 7, allowed: 'a number 0.1-168 (hours)' },
  orderProposalsCron: { kind: 'cron', default: '0 21 * * *', allowed: 'a cron expression of 5 fields (minute hour day-of-month month day-of-week, UTC), or 6 with seconds first' },
  policiesFile: { kind: 'string', default: '', allowed: 'a path to a policies YAML file, or empty (= <dataDir>/policies.yaml when present)' },
  storeFormat: { kind: 'string', default: 'standard', pattern: /^[A-Za-z0-9_.-]{1,64}$/, allowed: '1-64 letters, digits, _ . or - (the store format policies match on)' }
}

export const CONFIG_KEYS = Object.keys(KEYS) as Array<keyof EdgeConfig>

function invalid (key: string, origin: string, spec: KeySpec, got: unknown): EdgeError {
  return new EdgeError(Errors.CONFIG_INVALID,
    `config key "${key}" (from ${origin}) is invalid: got ${JSON.stringify(got)}; allowed: ${spec.allowed}`,
    { key, origin })
}

/** Environment variable name of a key: httpPort -> EDGE_HTTP_PORT. */
export function envName (key: string, prefix = 'EDGE_'): string {
  return prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

function coerce (key: string, spec: KeySpec, raw: unknown, origin: string, fromEnv: boolean): unknown {
  const bad = (): never => { throw invalid(key, origin, spec, raw) }
  switch (spec.kind) {
    case 'string': {
      if (typeof raw !== 'string') bad()
      const s = raw as string
      if (spec.pattern && !spec.pattern.test(s)) bad()
      if (key !== 'profilesDir' && key !== 'riskModelPath' && key !== 'policiesFile' && s.length === 0) bad()
      return s
    }
    case 'cron': {
      if (typeof raw !== 'string') bad()
      const problem = cronProblem(raw as string)
      if (problem !== undefined) throw new EdgeError(Errors.CONFIG_INVALID, `config key "${key}" (from ${origin}) is invalid: ${problem}; allowed: ${spec.allowed}`, { key, origin })
      return (raw as string).trim()
    }
    case 'nullable-string': {
      if (raw === null || (fromEnv && raw === '')) return null
      if (typeof raw !== 'string' || raw.length === 0) bad()
      if (key === 'adminToken' && (raw as string).length < 16) bad()
      if (key === 'relayUrl' && !/^https?:\/\/\S+$/.test(raw as string)) bad()
      return raw
    }
    case 'nullable-instant':
      if (raw === null || (fromEnv && raw === '')) return null
      if (typeof raw !== 'string' || parseInstant(raw) === null) bad()
      return raw
    case 'enum':
      if (typeof raw !== 'string' || !spec.values!.includes(raw)) bad()
      return raw
    case 'port':
    case 'int':
    case 'number': {
      let n: number
      if (typeof raw === 'number') n = raw
      else if (fromEnv && typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim())) n = Number(raw)
      else return bad()
      if (!Number.isFinite(n)) bad()
      if (spec.kind !== 'number' && !Number.isInteger(n)) bad()
      const min = spec.kind === 'port' ? 0 : spec.min!
      const max = spec.kind === 'port' ? 65535 : spec.max!
      if (n < min || n > max) bad()
      return n
    }
    case 'serial-ports': {
      let v = raw
      if (fromEnv && typeof raw === 'string') {
        try { v = JSON.parse(raw) } catch { bad() }
      }
      if (!Array.isArray(v)) bad()
      return (v as unknown[]).map((p, i) => {
        const o = p as Record<string, unknown>
        if (o === null || typeof o !== 'object') throw invalid(`${key}[${i}]`, origin, spec, p)
        for (const f of Object.keys(o)) {
          if (!['path', 'deviceId', 'location'].includes(f)) throw invalid(`${key}[${i}].${f}`, origin, spec, o[f])
        }
        if (typeof o.path !== 'string' || o.path === '') throw invalid(`${key}[${i}].path`, origin, spec, o.path)
        if (typeof o.deviceId !== 'string' || o.deviceId === '') throw invalid(`${key}[${i}].deviceId`, origin, spec, o.deviceId)
        if (o.location !== undefined && typeof o.location !== 'string') throw invalid(`${key}[${i}].location`, origin, spec, o.location)
        return { path: o.path, deviceId: o.deviceId, ...(o.location ? { location: o.location } : {}) }
      })
    }
  }
}

export interface LoadConfigOptions {
  /** Path of a JSON config file; absent = defaults and environment only. */
  file?: string | null
  env?: NodeJS.ProcessEnv
  /** Values set by the caller (tests, CLI flags); they win over file and environment. */
  overrides?: Partial<EdgeConfig>
}

export function loadConfig (opts: LoadConfigOptions = {}): EdgeConfig {
  const env = opts.env ?? process.env
  const out: Record<string, unknown> = {}
  for (const key of CONFIG_KEYS) out[key] = KEYS[key].default

  const file = opts.file ?? env.EDGE_CONFIG ?? null
  if (file) {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new EdgeError(Errors.CONFIG_FILE, `config file ${file} cannot be read: ${(err as Error).message}`, { file })
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new EdgeError(Errors.CONFIG_FILE, `config file ${file} must hold a JSON object`, { file })
    }
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      const spec = KEYS[key as keyof EdgeConfig]
      if (!spec) {
        throw new EdgeError(Errors.CONFIG_INVALID,
          `config key "${key}" (from ${file}) is unknown; known keys: ${CONFIG_KEYS.join(', ')}`, { key, origin: file })
      }
      out[key] = coerce(key, spec, value, file, false)
    }
  }
  for (const key of CONFIG_KEYS) {
    const name = envName(key)
    const value = env[name]
    if (value !== undefined) out[key] = coerce(key, KEYS[key], value, `environment ${name}`, true)
  }
  for (const [key, value] of Object.entries(opts.overrides ?? {})) {
    const spec = KEYS[key as keyof EdgeConfig]
    if (!spec) throw new EdgeError(Errors.CONFIG_INVALID, `config key "${key}" is unknown`, { key, origin: 'overrides' })
    out[key] = coerce(key, spec, value, 'overrides', false)
  }
  if ((out.maxPacketBytes as number) < (out.maxPayloadBytes as number)) {
    throw new EdgeError(Errors.CONFIG_INVALID,
      `config key "maxPacketBytes" (${String(out.maxPacketBytes)}) must be at least maxPayloadBytes (${String(out.maxPayloadBytes)})`, { key: 'maxPacketBytes' })
  }
  if ((out.tlsCert === null) !== (out.tlsKey === null)) {
    const missing = out.tlsCert === null ? 'tlsCert' : 'tlsKey'
    throw new EdgeError(Errors.CONFIG_INVALID,
      `config key "${missing}" is missing: MQTT over TLS needs both tlsCert and tlsKey`, { key: missing })
  }
  if (out.clockStart !== null && out.clockMode !== 'sim') {
    // A start time the system clock would silently ignore is a mistake to hear about.
    throw new EdgeError(Errors.CONFIG_INVALID,
      `config key "clockStart" is set but clockMode is "${String(out.clockMode)}": a start time needs clockMode "sim"`, { key: 'clockStart' })
  }
  return out as unknown as EdgeConfig
}

/** Absolute paths, resolved against the working directory. */
export function resolvePaths (config: EdgeConfig, shippedProfilesDir: string): EdgeConfig {
  return {
    ...config,
    dataDir: resolve(config.dataDir),
    profilesDir: config.profilesDir === '' ? shippedProfilesDir : resolve(config.profilesDir),
    riskModelPath: config.riskModelPath === '' || config.riskModelPath === 'none' ? config.riskModelPath : resolve(config.riskModelPath),
    policiesFile: config.policiesFile === '' ? '' : resolve(config.policiesFile)
  }
}
