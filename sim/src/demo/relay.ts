// The demo's cloud relay: the store registered through the relay's own command line (`cloud-relay
// stores add`, which prints the store's token once), then `cloud-relay serve` as a child process
// on a free port with SQLite in the demo's data dir. Like the store server, it carries the orphan
// guard: it stops when the demo's end of its stdin closes, however the demo ends.

import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ROOT } from '../drive/launch.js'

const CLI = join(ROOT, 'cloud-relay', 'src', 'cli.ts')
const GUARD = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'drive', 'orphan-guard.mjs')).href
const START_TIMEOUT_MS = 30_000 // a cold tsx start compiles the relay first
const STOP_GRACE_MS = 10_000 // between SIGTERM and SIGKILL
const OUTPUT_TAIL = 8 * 1024 // characters of the relay's output kept for an error message

export interface DemoRelay {
  url: string
  adminToken: string
  pid: number
  /** Set once the process has exited. */
  exited (): boolean
  /** SIGTERM, wait for it to close (SIGKILL after 10 s). */
  stop (): Promise<void>
}

/** The parent's environment without RELAY_* keys: the relay's config is what the demo sets. */
function relayEnv (own: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('RELAY_')) env[k] = v
  return { ...env, ...own }
}

/** `cloud-relay stores add`: registers the store in the relay's SQLite and returns its token. */
export async function registerStore (dataDir: string, storeId: string, name: string): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'stores', 'add', storeId, name], {
    cwd: ROOT,
    env: relayEnv({ RELAY_DATA_DIR: dataDir, RELAY_LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  proc.stdout.on('data', (c: Buffer) => { out += c.toString() })
  proc.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('exit', resolve)
    proc.once('error', reject)
  })
  // The token is the last line: the line before it says what it is.
  const token = out.trim().split('\n').pop()?.trim() ?? ''
  if (code !== 0 || !/^\S{16,}$/.test(token)) throw new Error(`cloud-relay stores add ${storeId} failed (exit ${String(code)}): ${err.trim() || out.trim()}`)
  return token
}

export async function startRelay (o: { dataDir: string, adminToken: string }): Promise<DemoRelay> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--import', GUARD, CLI, 'serve'], {
    cwd: ROOT,
    env: relayEnv({ RELAY_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_DATA_DIR: o.dataDir, RELAY_ADMIN_TOKEN: o.adminToken, RELAY_LOG_LEVEL: 'info' }),
    // stdin: the orphan guard's lifeline (see drive/orphan-guard.mjs).
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let exit: number | string | null | undefined
  const exited = new Promise<void>((resolve) => proc.once('exit', (code, signal) => { exit = signal ?? code; resolve() }))
  let tail = ''
  const keep = (s: string): void => { tail = (tail + s).slice(-OUTPUT_TAIL) }
  proc.stderr.on('data', (c: Buffer) => keep(c.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`the relay did not start within ${START_TIMEOUT_MS} ms: ${tail}`)) }, START_TIMEOUT_MS)
    let buf = ''
    let found = false
    // The relay logs every request at info: read them all (a full pipe would stall it), keep the tail.
    proc.stdout.on('data', (c: Buffer) => {
      const s = c.toString()
      keep(s)
      if (found) return
      buf += s
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (!line.includes('cloud relay listening')) continue
        found = true
        clearTimeout(timer)
        resolve((JSON.parse(line) as { port: number }).port)
        return
      }
    })
    void exited.then(() => { clearTimeout(timer); if (!found) reject(new Error(`the relay exited (${String(exit)}) before listening: ${tail}`)) })
  })
  let stopping: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken: o.adminToken,
    pid: proc.pid!,
    exited: () => exit !== undefined,
    stop: () => {
      stopping ??= (async () => {
        if (exit !== undefined) return
        proc.kill('SIGTERM')
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      })()
      return stopping
    }
  }
}
