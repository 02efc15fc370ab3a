// Runs `cloud-relay serve` (compiled, see compile.ts compileRelay) as a child process on its RELAY_*
// environment, the way an operator starts it, on 127.0.0.1 and a free port, log level warn. Counts
// its warn/error log lines, and with `profileDir` writes a
// V8 CPU profile there when it exits (node --cpu-prof; written at the graceful exit on SIGTERM).

import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { ROOT } from './server.js'

export interface RelayProc {
  proc: ChildProcess
  pid: number
  port: number
  url: string
  /** Log lines at warn (40) and above, the first few kept. */
  problems: string[]
  problemCount: number
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** A port free right now (bound to 0 and released), for a relay whose log level hides its "listening" line. */
function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)) })
  })
}

export async function startRelayProc (entry: string, env: Record<string, string>, o: { profileDir?: string, name?: string, timeoutMs?: number } = {}): Promise<RelayProc> {
  // Log level warn: at info fastify logs two lines per request, which would be measured too. So the
  // port is chosen here and the relay is ready when /v1/health answers.
  const port = await freePort()
  const args = o.profileDir === undefined ? [entry, 'serve'] : ['--cpu-prof', '--cpu-prof-dir', o.profileDir, '--cpu-prof-name', `${o.name ?? 'relay'}-${Date.now()}.cpuprofile`, entry, 'serve']
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, RELAY_HOST: '127.0.0.1', RELAY_LOG_LEVEL: 'warn', ...env, RELAY_HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let exit: { code: number | null, signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => { exit = { code, signal }; resolve(exit) }))
  const r: RelayProc = { proc, pid: proc.pid!, port, url: `http://127.0.0.1:${port}`, problems: [], problemCount: 0, exited }
  let stderr = ''
  proc.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); if (stderr.length > 20_000) stderr = stderr.slice(-20_000) })
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    r.problemCount++ // at level warn every line it writes is a warning or an error
    if (r.problems.length < 5) r.problems.push(line.slice(0, 400))
  })
  const deadline = performance.now() + (o.timeoutMs ?? 30_000)
  for (;;) {
    if (exit !== null) throw new Error(`relay exited (${JSON.stringify(exit)}) before listening: ${stderr}`)
    try {
      const res = await fetch(`${r.url}/v1/health`)
      if (res.status === 200) { await res.text(); return r }
    } catch { /* not listening yet */ }
    if (performance.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`relay did not answer /v1/health in ${o.timeoutMs ?? 30_000} ms: ${stderr}`) }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** SIGTERM (the relay closes its server, forwarders and storage, then exits), SIGKILL after graceMs. */
export async function stopRelayProc (r: RelayProc, graceMs = 20_000): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return await r.exited
  r.proc.kill('SIGTERM')
  const timer = setTimeout(() => r.proc.kill('SIGKILL'), graceMs)
  const out = await r.exited
  clearTimeout(timer)
  return out
}

/** Registers a store through the operator route; returns its token. */
export async function registerStore (url: string, adminToken: string, storeId: string): Promise<string> {
  const res = await fetch(`${url}/v1/stores`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ storeId }) })
  const body = await res.json() as { token?: string }
  if (res.status !== 201 || body.token === undefined) throw new Error(`registering ${storeId}: ${res.status} ${JSON.stringify(body)}`)
  return body.token
}

/** What the relay holds for a store (GET /v1/stores/{id}). */
export async function storeStats (url: string, adminToken: string, storeId: string): Promise<{ storedCount: number, forwardedCount: number, pendingCount: number, deadCount: number, highestSeq: number }> {
  const res = await fetch(`${url}/v1/stores/${storeId}`, { headers: { authorization: `Bearer ${adminToken}` } })
  if (res.status !== 200) throw new Error(`stats of ${storeId}: ${res.status} ${await res.text()}`)
  return await res.json() as { storedCount: number, forwardedCount: number, pendingCount: number, deadCount: number, highestSeq: number }
}
