// Runs the store server as a child process (bench/server-child.ts, compiled) and watches it: bound
// ports, RSS and CPU time from /proc, Prometheus counters, the log lines it writes (counted by
// level; errors shown), and a CPU profile of a chosen window.

import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ServerChild {
  proc: ChildProcess
  pid: number
  ports: { http: number, mqtt: number }
  /** Log lines by pino level (40 warn, 50 error, 60 fatal). */
  logLevels: Map<number, number>
  /** The first few error lines, and the last few warning messages. */
  errors: string[]
  warnings: string[]
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** `entry` is the compiled bench/server-child.js (see compile.ts). */
export function startServerChild (entry: string, env: Record<string, string>, timeoutMs = 30000): Promise<ServerChild> {
  // --expose-gc only makes gc() callable (see heapOf); it changes nothing unless called.
  const proc = spawn(process.execPath, ['--expose-gc', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  const logLevels = new Map<number, number>()
  const errors: string[] = []
  const warnings: string[] = []
  let stderr = ''
  let buf = ''
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8')
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      let level = 0
      let msg = line
      try {
        const o = JSON.parse(line) as { level: number, msg: string, reason?: string }
        level = o.level
        msg = o.reason ? `${o.msg} (${o.reason})` : o.msg
      } catch { /* not pino: keep as is */ }
      logLevels.set(level, (logLevels.get(level) ?? 0) + 1)
      if (level >= 50 && errors.length < 10) errors.push(line.slice(0, 500))
      else if (level === 40) { warnings.push(msg); if (warnings.length > 20) warnings.shift() }
    }
  })
  proc.stderr!.on('data', (c: Buffer) => { stderr += c.toString('utf8'); if (stderr.length > 20000) stderr = stderr.slice(-20000) })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)) }, timeoutMs)
    proc.on('message', (m: { type: string, ports: { http: number, mqtt: number }, pid: number }) => {
      if (m.type !== 'listening') return
      clearTimeout(timer)
      resolve({ proc, pid: proc.pid!, ports: m.ports, logLevels, errors, warnings, exited })
    })
    void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)) })
  })
}

/** SIGTERM (graceful drain), SIGKILL after graceMs. */
export async function stopServerChild (s: ServerChild, graceMs = 15000): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return await s.exited
  s.proc.kill('SIGTERM')
  const timer = setTimeout(() => s.proc.kill('SIGKILL'), graceMs)
  const r = await s.exited
  clearTimeout(timer)
  return r
}

/** Resident set size and its peak, megabytes (VmRSS, VmHWM of /proc/<pid>/status). */
export function memoryOf (pid: number): { rssMB: number, peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 }
}

/** User + system CPU time of a process, seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSecondsOf (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start at field 3.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return NaN
  }
}

/** The server's Prometheus text, and when it arrived (performance.now(), ms). */
export async function scrape (httpPort: number): Promise<{ text: string, at: number }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`)
  const text = await res.text()
  return { text, at: performance.now() }
}

/** Sum of a Prometheus series over its label sets (a counter, or a histogram's _sum / _count). */
export function series (text: string, name: string): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith(name + '{') || line.startsWith(name + ' ')) sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** The child's own view of its memory (V8 heap, external buffers), megabytes. */
export function heapOf (s: ServerChild, gc = false): Promise<{ heapTotalMB: number, heapUsedMB: number, externalMB: number, arrayBuffersMB: number }> {
  return new Promise((resolve) => {
    const on = (m: { type: string, usage: NodeJS.MemoryUsage }): void => {
      if (m.type !== 'memory') return
      s.proc.off('message', on)
      const mb = (n: number): number => n / 1048576
      resolve({ heapTotalMB: mb(m.usage.heapTotal), heapUsedMB: mb(m.usage.heapUsed), externalMB: mb(m.usage.external), arrayBuffersMB: mb(m.usage.arrayBuffers) })
    }
    s.proc.on('message', on)
    s.proc.send({ type: 'memory', gc })
  })
}

export function requestProfile (s: ServerChild, type: 'profile-start' | 'profile-stop', file?: string): Promise<void> {
  const want = type === 'profile-start' ? 'profile-started' : 'profile-written'
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => { if (m.type === want) { s.proc.off('message', on); resolve() } }
    s.proc.on('message', on)
    s.proc.send({ type, file })
  })
}
