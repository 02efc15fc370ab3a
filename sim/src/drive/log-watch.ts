// Reads the server child's pino JSON lines: finds the ports in `store-edge listening`, and counts
// what the server complained about so a simulation run can report it next to its KPIs.
//
// The child always logs at info at least, whatever level the caller keeps: the ports are only in
// that info line. Info lines are few (start-up, imports, devices registered, online, offline) and
// are read here and dropped unless the caller asked for them.

import type { ChildProcess } from 'node:child_process'

export interface LogSummary {
  warn: number
  /** error and fatal */
  error: number
  /** The first few error lines, as logged (JSON), for the report. */
  firstErrors: string[]
  /** The end of what the server wrote to stderr (start-up failures, crashes). */
  stderr: string
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity }
const WARN = 40 // pino's numeric levels
const ERROR = 50
const FIRST_ERRORS = 5 // lines kept
const STDERR_TAIL = 16 * 1024 // characters kept
const KEPT_LINES = 10_000 // lines at or above the caller's level kept

export class LogWatcher {
  /** The level the child is started with: the caller's, or info when that is quieter. */
  readonly childLevel: string
  private readonly keepFrom: number
  private warn = 0
  private error = 0
  private readonly firstErrors: string[] = []
  private stderr = ''
  /** Lines at or above the caller's level, for whoever wants to look (tests, a verbose run). */
  readonly kept: string[] = []

  constructor (level: string) {
    const n = LEVELS[level]
    if (n === undefined) throw new Error(`logLevel "${level}": use one of ${Object.keys(LEVELS).join(', ')}`)
    this.keepFrom = n
    this.childLevel = n < LEVELS.info ? level : 'info'
  }

  summary (): LogSummary {
    return { warn: this.warn, error: this.error, firstErrors: [...this.firstErrors], stderr: this.stderr }
  }

  /** Resolves with the bound ports once the server says it listens; rejects on exit or timeout. */
  attach (proc: ChildProcess, timeoutMs: number): Promise<{ http: number, mqtt: number }> {
    return new Promise((resolve, reject) => {
      let settled = false
      const fail = (why: string): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        reject(new Error(`store-edge ${why}; stderr: ${this.stderr.trim() || '(empty)'}`))
      }
      const timer = setTimeout(() => fail(`did not log "store-edge listening" within ${timeoutMs} ms`), timeoutMs)
      let buf = ''
      proc.stdout!.setEncoding('utf8')
      proc.stdout!.on('data', (chunk: string) => {
        buf += chunk
        let nl
        while ((nl = buf.indexOf('\n')) >= 0) {
          const ports = this.line(buf.slice(0, nl))
          buf = buf.slice(nl + 1)
          if (ports && !settled) {
            settled = true
            clearTimeout(timer)
            resolve(ports)
          }
        }
      })
      proc.stderr!.setEncoding('utf8')
      proc.stderr!.on('data', (chunk: string) => {
        this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL)
      })
      proc.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`))
      proc.once('error', (err) => fail(`could not be started: ${err.message}`))
    })
  }

  /** Counts one line; returns the ports when it is the listening line. */
  private line (text: string): { http: number, mqtt: number } | null {
    let rec: { level?: number, msg?: string, ports?: { http: number, mqtt: number } }
    try {
      rec = JSON.parse(text)
    } catch {
      return null // not pino: nothing the server meant as a log record
    }
    const level = rec.level ?? 0
    if (level >= ERROR) {
      this.error++
      if (this.firstErrors.length < FIRST_ERRORS) this.firstErrors.push(text)
    } else if (level >= WARN) this.warn++
    if (level >= this.keepFrom && this.kept.length < KEPT_LINES) this.kept.push(text)
    return rec.msg === 'store-edge listening' && rec.ports ? rec.ports : null
  }
}
