// A real store server as a child process (`store-edge serve`), on free ports, in simulated-clock
// mode, with its own data dir. The simulator reaches it only through HTTP and MQTT, like the
// store's devices and handhelds do; this file only starts it, watches its log and stops it.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commandFor, type Runner } from './launch.js'
import { LogWatcher, type LogSummary } from './log-watch.js'

export type { LogSummary, Runner }

export interface StoreServer {
  /** http://{host}:{port} as this machine reaches it (loopback when bound to every interface). */
  baseUrl: string
  /** The address this machine's clients connect to, HTTP and MQTT alike. */
  host: string
  mqttPort: number
  storeId: string
  adminToken: string
  dataDir: string
  pid: number
  /** Warnings and errors the server logged so far. */
  logSummary (): LogSummary
  /** The log lines at or above logLevel so far (pino JSON), first 10,000. */
  logLines (): string[]
  /** Set once the process has exited (expected or not); null while it runs. */
  exitStatus (): { code: number | null, signal: NodeJS.Signals | null } | null
  /** SIGTERM, wait for the graceful drain (SIGKILL after 10 s), then remove a temp data dir. */
  stop (): Promise<void>
}

export interface StoreServerOptions {
  storeId: string
  /** The server clock's start, ms since the epoch; it then moves only by PUT /api/v1/clock. */
  clockStartMs: number
  /** Default: a new temp dir, removed on stop. A given dir is kept. */
  dataDir?: string
  /** The IPv4 address HTTP and MQTT listen on (EDGE_HOST); default 127.0.0.1, 0.0.0.0 = every interface. */
  host?: string
  /** Lowest level kept and counted; default 'warn'. The child itself logs at info at least (see log-watch.ts). */
  logLevel?: string
  /** Extra EDGE_* (or other) variables; they win over everything set here but EDGE_LOG_LEVEL (= logLevel). */
  env?: Record<string, string>
  /** 'auto' (default): the compiled dist/ when it is newer than the sources, else tsx. */
  runner?: Runner
  /** Milliseconds to wait for the `store-edge listening` line; default 30,000. */
  startTimeoutMs?: number
}

const STOP_GRACE_MS = 10_000 // milliseconds between SIGTERM and SIGKILL
const START_TIMEOUT_MS = 30_000 // milliseconds; a cold tsx start compiles the server first

export async function startStoreServer (opts: StoreServerOptions): Promise<StoreServer> {
  const ownDir = opts.dataDir === undefined
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sim-store-'))
  const adminToken = randomBytes(24).toString('hex') // 48 characters; the server wants >= 16
  const { command, args, cwd } = commandFor(opts.runner ?? 'auto')
  // EDGE_LOG_LEVEL in env is taken as the level to keep, never passed through: a child started at
  // warn would never print the info line that carries its ports.
  const { EDGE_LOG_LEVEL: envLevel, ...extraEnv } = opts.env ?? {}
  const watcher = new LogWatcher(opts.logLevel ?? envLevel ?? 'warn')
  const bindHost = opts.host ?? '127.0.0.1'
  // Bound to every interface, this machine still reaches it on loopback.
  const host = bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost

  const proc = spawn(command, [...args, 'serve'], {
    cwd,
    env: {
      ...inheritedEnv(),
      EDGE_STORE_ID: opts.storeId,
      EDGE_DATA_DIR: dataDir,
      EDGE_HOST: bindHost,
      EDGE_HTTP_PORT: '0', // any free port: Mosquitto holds 1883 on the machines we run on
      EDGE_MQTT_PORT: '0',
      EDGE_MQTT_TLS_PORT: '0',
      EDGE_ADMIN_TOKEN: adminToken,
      EDGE_LOG_LEVEL: watcher.childLevel,
      EDGE_CLOCK_MODE: 'sim',
      EDGE_CLOCK_START: new Date(opts.clockStartMs).toISOString(),
      // orphan-guard.mjs removes it when the server exits, also when it outlives us.
      ...(ownDir ? { SIM_REMOVE_DATA_DIR: dataDir } : {}),
      ...extraEnv
    },
    // stdin is a pipe nobody writes to: it closes when this process ends, however it ends, and
    // the preloaded orphan guard then stops the server (a killed test must not leave one running).
    stdio: ['pipe', 'pipe', 'pipe']
  })

  let exit: { code: number | null, signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve()
    })
  })
  const cleanUp = (): void => { if (ownDir) rmSync(dataDir, { recursive: true, force: true }) }

  let ports: { http: number, mqtt: number }
  try {
    ports = await watcher.attach(proc, opts.startTimeoutMs ?? START_TIMEOUT_MS)
  } catch (err) {
    proc.kill('SIGKILL')
    await exited
    cleanUp()
    throw err
  }

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exit === null) {
        proc.kill('SIGTERM')
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }
      cleanUp()
    })()
    return stopping
  }

  return {
    baseUrl: `http://${host}:${ports.http}`,
    host,
    mqttPort: ports.mqtt,
    storeId: opts.storeId,
    adminToken,
    dataDir,
    pid: proc.pid!,
    logSummary: () => watcher.summary(),
    logLines: () => [...watcher.kept],
    exitStatus: () => exit,
    stop
  }
}

/** The parent's environment without its EDGE_* keys: the child's config is what we set here. */
function inheritedEnv (): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('EDGE_') && k !== 'SIM_REMOVE_DATA_DIR') env[k] = v
  }
  return env
}
