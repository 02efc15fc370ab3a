// What the bench reads about the machine and the processes it measures: CPU shares over a window,
// Mosquitto's pid, the open-files limit, the commit under test.

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cpuSecondsOf } from './server.js'

/** CPU use of another process (the server, Mosquitto) and of this one over a window, in cores. */
export class CpuWindow {
  private readonly t0 = performance.now()
  private readonly own0 = process.cpuUsage()
  private readonly other0: number
  constructor (private readonly pid: number | null) { this.other0 = pid === null ? NaN : cpuSecondsOf(pid) }
  read (otherName: string): Record<string, number> {
    const s = (performance.now() - this.t0) / 1000
    const own = process.cpuUsage(this.own0)
    return {
      bench: (own.user + own.system) / 1e6 / s,
      [otherName]: this.pid === null ? NaN : (cpuSecondsOf(this.pid) - this.other0) / s
    }
  }
}

export function mosquittoPid (): number | null {
  try {
    const pid = Number(readFileSync('/run/mosquitto/mosquitto.pid', 'utf8').trim())
    if (pid > 0 && existsSync(`/proc/${pid}`)) return pid
  } catch { /* look in /proc */ }
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try { if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'mosquitto') return Number(d) } catch { /* gone */ }
  }
  return null
}

export function openFilesLimit (): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
  return m === null || m[1] === 'unlimited' ? Infinity : Number(m[1])
}

export function gitCommit (root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'edge/src'], { cwd: root, encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head} + uncommitted edge/src changes` : head
  } catch {
    return 'unknown'
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
