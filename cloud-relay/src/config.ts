// The relay's configuration: defaults, then RELAY_* environment variables, then explicit overrides
// (tests); every value checked at start with an error that names the key.

import { RelayErrors, RelayStorageError } from './storage/errors.js'

export interface RelayConfig {
  host: string
  /** HTTP port; 0 = any free port. */
  httpPort: number
  /** Where the SQLite database lives (when no databaseUrl). */
  dataDir: string
  /** PostgreSQL connection string; null = SQLite in dataDir. */
  databaseUrl: string | null
  /** Operator routes (registering stores, rotating tokens) need it; null = the LAN is trusted. */
  adminToken: string | null
  /** Events per batch at most. */
  maxBatchEvents: number
  /** Body bytes per batch at most, after decompression. */
  maxBatchBytes: number
  logLevel: string
  /** The ERP webhook events are forwarded to; null = the relay only stores. */
  forwardUrl: string | null
  /** Forwarding workers in this process (each holds one store at a time). */
  forwardWorkers: number
  /** Milliseconds one ERP call may take before it counts as failed (and is retried with the same idempotency key). */
  forwardTimeoutMs: number
  /** Backoff after a failed ERP call, milliseconds: the first retry waits at least forwardRetryMinMs, later ones up to forwardRetryMaxMs. */
  forwardRetryMinMs: number
  forwardRetryMaxMs: number
  /** What forwardUrl is: a generic JSON webhook, or an ERPNext site (its REST API). */
  erp: 'webhook' | 'erpnext'
  /** ERPNext API key and secret (erp erpnext). */
  erpApiKey: string | null
  erpApiSecret: string | null
  /** ERPNext warehouse of a store; '{storeId}' is replaced. */
  erpWarehouse: string
  /** A store with no heartbeat for this long is flagged stale in the fleet view, seconds. */
  staleAfterS: number
  /** Events waiting to be forwarded for longer than this flag the store's backlog, seconds. */
  backlogAlertS: number
  /** PEM certificate (chain) and key files: both set = the relay serves HTTPS only; neither = HTTP (behind a TLS proxy). */
  tlsCertFile: string | null
  tlsKeyFile: string | null
}

const DEFAULTS: RelayConfig = {
  host: '0.0.0.0',
  httpPort: 8090,
  dataDir: './data',
  databaseUrl: null,
  adminToken: null,
  maxBatchEvents: 10_000,
  maxBatchBytes: 32 * 1024 * 1024,
  logLevel: 'info',
  forwardUrl: null,
  forwardWorkers: 2,
  forwardTimeoutMs: 10_000,
  forwardRetryMinMs: 1000,
  forwardRetryMaxMs: 300_000,
  erp: 'webhook',
  erpApiKey: null,
  erpApiSecret: null,
  erpWarehouse: '{storeId}',
  staleAfterS: 300,
  backlogAlertS: 900,
  tlsCertFile: null,
  tlsKeyFile: null
}

const ENV: Record<keyof RelayConfig, string> = {
  host: 'RELAY_HOST',
  httpPort: 'RELAY_HTTP_PORT',
  dataDir: 'RELAY_DATA_DIR',
  databaseUrl: 'RELAY_DATABASE_URL',
  adminToken: 'RELAY_ADMIN_TOKEN',
  maxBatchEvents: 'RELAY_MAX_BATCH_EVENTS',
  maxBatchBytes: 'RELAY_MAX_BATCH_BYTES',
  logLevel: 'RELAY_LOG_LEVEL',
  forwardUrl: 'RELAY_FORWARD_URL',
  forwardWorkers: 'RELAY_FORWARD_WORKERS',
  forwardTimeoutMs: 'RELAY_FORWARD_TIMEOUT_MS',
  forwardRetryMinMs: 'RELAY_FORWARD_RETRY_MIN_MS',
  forwardRetryMaxMs: 'RELAY_FORWARD_RETRY_MAX_MS',
  erp: 'RELAY_ERP',
  erpApiKey: 'RELAY_ERP_API_KEY',
  erpApiSecret: 'RELAY_ERP_API_SECRET',
  erpWarehouse: 'RELAY_ERP_WAREHOUSE',
  staleAfterS: 'RELAY_STALE_AFTER_S',
  backlogAlertS: 'RELAY_BACKLOG_ALERT_S',
  tlsCertFile: 'RELAY_TLS_CERT_FILE',
  tlsKeyFile: 'RELAY_TLS_KEY_FILE'
}

function bad (key: string, got: unknown, allowed: string): RelayStorageError {
  return new RelayStorageError(RelayErrors.CONFIG_INVALID, `relay config "${key}" is invalid: got ${JSON.stringify(got)}; allowed: ${allowed}`)
}

function int (key: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN
  if (!Number.isInteger(n) || n < min || n > max) throw bad(key, v, `an integer ${min}-${max}`)
  return n
}

export function loadRelayConfig (o: { env?: Record<string, string | undefined>, overrides?: Partial<RelayConfig> } = {}): RelayConfig {
  const env = o.env ?? process.env
  const raw: Record<string, unknown> = { ...DEFAULTS }
  for (const [key, name] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name]
  Object.assign(raw, o.overrides ?? {})
  const c: RelayConfig = {
    host: String(raw.host),
    httpPort: int('httpPort', raw.httpPort, 0, 65535),
    dataDir: String(raw.dataDir),
    databaseUrl: raw.databaseUrl === null ? null : String(raw.databaseUrl),
    adminToken: raw.adminToken === null ? null : String(raw.adminToken),
    maxBatchEvents: int('maxBatchEvents', raw.maxBatchEvents, 1, 1_000_000),
    maxBatchBytes: int('maxBatchBytes', raw.maxBatchBytes, 1024, 1024 * 1024 * 1024),
    logLevel: String(raw.logLevel),
    forwardUrl: raw.forwardUrl === null ? null : String(raw.forwardUrl),
    forwardWorkers: int('forwardWorkers', raw.forwardWorkers, 1, 64),
    // Below the 60 s claim lease, so a call that times out ends its claim before another worker may take the store.
    forwardTimeoutMs: int('forwardTimeoutMs', raw.forwardTimeoutMs, 100, 30_000),
    forwardRetryMinMs: int('forwardRetryMinMs', raw.forwardRetryMinMs, 10, 3_600_000),
    forwardRetryMaxMs: int('forwardRetryMaxMs', raw.forwardRetryMaxMs, 10, 86_400_000),
    erp: raw.erp === 'erpnext' ? 'erpnext' : raw.erp === 'webhook' ? 'webhook' : (() => { throw bad('erp', raw.erp, 'webhook or erpnext') })(),
    erpApiKey: raw.erpApiKey === null ? null : String(raw.erpApiKey),
    erpApiSecret: raw.erpApiSecret === null ? null : String(raw.erpApiSecret),
    erpWarehouse: String(raw.erpWarehouse),
    staleAfterS: int('staleAfterS', raw.staleAfterS, 10, 7 * 86_400),
    backlogAlertS: int('backlogAlertS', raw.backlogAlertS, 10, 7 * 86_400),
    tlsCertFile: raw.tlsCertFile === null ? null : String(raw.tlsCertFile),
    tlsKeyFile: raw.tlsKeyFile === null ? null : String(raw.tlsKeyFile)
  }
  if ((c.tlsCertFile === null) !== (c.tlsKeyFile === null)) throw bad(c.tlsCertFile === null ? 'tlsCertFile' : 'tlsKeyFile', null, 'RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE together (both or neither)')
  if (c.forwardRetryMaxMs < c.forwardRetryMinMs) throw bad('forwardRetryMaxMs', c.forwardRetryMaxMs, `at least forwardRetryMinMs (${c.forwardRetryMinMs})`)
  if (c.erp === 'erpnext' && (c.erpApiKey === null || c.erpApiSecret === null)) throw bad('erpApiKey', '(hidden)', 'RELAY_ERP_API_KEY and RELAY_ERP_API_SECRET for erp erpnext')
  if (c.forwardUrl !== null && !/^https?:\/\/\S+$/.test(c.forwardUrl)) throw bad('forwardUrl', c.forwardUrl, 'an http(s) URL of the ERP webhook, or unset')
  if (c.databaseUrl !== null && !/^postgres(ql)?:\/\//.test(c.databaseUrl)) throw bad('databaseUrl', '(hidden)', 'a postgres:// or postgresql:// URL, or unset for SQLite')
  if (c.adminToken !== null && c.adminToken.length < 16) throw bad('adminToken', '(hidden)', 'a token of 16 or more characters')
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.logLevel)) throw bad('logLevel', c.logLevel, 'fatal, error, warn, info, debug, trace or silent')
  return c
}
