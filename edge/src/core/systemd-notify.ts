// systemd readiness and watchdog for a service under a Type=notify unit (sd_notify(3)): READY=1 once
// it serves, STOPPING=1 when it starts shutting down, and WATCHDOG=1 every WATCHDOG_USEC / 2 while it
// is healthy, so systemd restarts a process that is alive but wedged. Nothing happens unless systemd
// set $NOTIFY_SOCKET. Used by `store-edge serve` and `cloud-relay serve` (the relay imports edge's
// core already, as it does for the version).
//
// Node has no unix datagram sockets, so messages go through the systemd-notify program. It runs as a
// child of ours, so the manager accepts it only with NotifyAccess=all, and only if the sender still
// exists when the manager reads the message (it looks the sender's unit up by its pid). That is why
// the program is run WITHOUT --no-block: since v246 it then sends a barrier (BARRIER=1 with a pipe,
// sd_notify_barrier(3)) and waits, up to 5 s, until the manager has processed everything it sent and
// closed the pipe. The man page of the installed version (252) allows --no-block only for a sender the
// manager spawned itself or one privileged enough to send in our name; the service user is neither.
// A receiver that keeps the pipe open instead of closing it (socat does: it reads the message's
// ancillary data and never closes the descriptor it got) makes the program wait out those 5 s and
// exit 1 ("Failed to invoke barrier: Connection timed out") although the message itself arrived. So
// sends never block anything here, a slow one is killed after `timeoutMs`, and one still running at
// close is cut short.

import { execFile } from 'node:child_process'
import { performance } from 'node:perf_hooks'

/** What the notifier logs through (a pino logger or fastify's). */
export interface NotifyLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

/** Delivers one message (its KEY=VALUE lines); `signal` aborts a delivery still waiting at close. */
export type NotifySend = (fields: readonly string[], signal: AbortSignal) => Promise<void>

/** The sender cannot run at all (no systemd-notify on this machine): logged once, never retried. */
export class NotifierMissing extends Error {}

/** The default sender: `systemd-notify KEY=VALUE...`, with its barrier (see above). */
export function systemdNotifyProgram (opts: { program?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv } = {}): NotifySend {
  const program = opts.program ?? 'systemd-notify'
  // The program gives up on its barrier after 5 s; this only catches one that hangs past it (ms).
  const timeoutMs = opts.timeoutMs ?? 10_000
  return (fields, signal) => new Promise((resolve, reject) => {
    execFile(program, [...fields], { timeout: timeoutMs, signal, env: opts.env ?? process.env }, (err, _stdout, stderr) => {
      if (err === null) { resolve(); return }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') { reject(new NotifierMissing(`${program} not found (Debian: the systemd package)`)); return }
      reject(new Error(`${program} ${fields.join(' ')}: ${String(stderr).trim() || err.message}`))
    })
  })
}

/** Why the process should not beat the watchdog now, or null when it is healthy. */
export type HealthProbe = () => string | null | Promise<string | null>

export interface NotifierOptions {
  /** process.env: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
  env: NodeJS.ProcessEnv
  log: NotifyLog
  send?: NotifySend
  /** This process's pid (WATCHDOG_PID names the process systemd expects the beats from). */
  pid?: number
}

export interface WatchdogOptions {
  /** The event loop counts as stalled when it was blocked this long since the last beat, milliseconds (default: the beat interval, WatchdogSec / 2). */
  stallMs?: number
  /** The probe must answer within this, milliseconds (default: half the beat interval). */
  probeTimeoutMs?: number
}

export class SystemdNotifier {
  /** Whether systemd listens at all ($NOTIFY_SOCKET set). */
  readonly enabled: boolean
  /** Milliseconds between watchdog beats (WATCHDOG_USEC / 2), or null when systemd asked for none. */
  readonly beatMs: number | null
  private readonly log: NotifyLog
  private readonly send: NotifySend
  private readonly aborts = new AbortController()
  private readonly inFlight = new Set<Promise<void>>()
  private missing = false
  private lastFailure: string | null = null
  private timer: NodeJS.Timeout | null = null
  private loop: LoopWatch | null = null
  private unhealthy: string | null = null
  /** The status text of the last ready() or status(), shown again when health returns. */
  private statusText = ''

  constructor (opts: NotifierOptions) {
    this.log = opts.log
    this.send = opts.send ?? systemdNotifyProgram({ env: opts.env })
    this.enabled = (opts.env.NOTIFY_SOCKET ?? '') !== ''
    const usec = Number(opts.env.WATCHDOG_USEC)
    this.beatMs = this.enabled && Number.isInteger(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : null
    const watchdogPid = opts.env.WATCHDOG_PID
    const pid = opts.pid ?? process.pid
    if (this.beatMs !== null && watchdogPid !== undefined && watchdogPid !== '' && Number(watchdogPid) !== pid) {
      // sd_watchdog_enabled(3) would stay silent here. But with NotifyAccess=all the manager takes beats
      // from any process of the unit, and silence gets a healthy server killed every WatchdogSec when a
      // wrapper forks instead of exec'ing: beat anyway and say so.
      this.log.warn({ watchdogPid, pid }, 'WATCHDOG_PID names another process (a wrapper that forks?): beating from this one')
    }
  }

  /** READY=1: start-up is complete (listeners up). */
  ready (status: string): void {
    this.statusText = status
    this.post(['READY=1', `STATUS=${status}`])
  }

  status (text: string): void {
    this.statusText = text
    this.post([`STATUS=${text}`])
  }

  /** STOPPING=1, and no more beats: systemd disarms the watchdog once the unit leaves the running state. */
  stopping (status = 'shutting down'): void {
    this.stopWatchdog()
    this.post(['STOPPING=1', `STATUS=${status}`])
  }

  /**
   * Beats every beatMs while the event loop has not stalled and the probe finds nothing wrong; an
   * unhealthy moment skips the beat (logged), so a process that stays wedged is restarted.
   */
  startWatchdog (probe: HealthProbe, opts: WatchdogOptions = {}): void {
    if (this.beatMs === null || this.timer !== null) return
    const beatMs = this.beatMs
    const stallMs = opts.stallMs ?? beatMs
    const probeTimeoutMs = opts.probeTimeoutMs ?? Math.max(1, Math.floor(beatMs / 2))
    this.loop = watchLoop(Math.min(1000, Math.max(10, Math.floor(beatMs / 10))))
    let checking = false
    this.timer = setInterval(() => {
      if (checking) return // the last probe has not answered yet: that beat is already late
      checking = true
      void this.check(probe, stallMs, probeTimeoutMs).then((reason) => {
        checking = false
        if (this.timer === null) return // stopped while probing
        this.healthChanged(reason)
        if (reason === null) this.post(['WATCHDOG=1'])
      })
    }, beatMs)
  }

  /** Stops the watchdog and waits up to `waitMs` for messages still being delivered, then cuts them short. */
  async close (waitMs = 1000): Promise<void> {
    this.stopWatchdog()
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs) })
      ])
      clearTimeout(timer)
    }
    this.aborts.abort()
  }

  private stopWatchdog (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.loop?.stop()
    this.loop = null
  }

  private async check (probe: HealthProbe, stallMs: number, probeTimeoutMs: number): Promise<string | null> {
    const blockedMs = this.loop?.takeMaxMs() ?? 0
    if (blockedMs >= stallMs) return `event loop blocked for ${Math.round(blockedMs)} ms`
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        Promise.resolve().then(probe),
        new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`health probe gave no answer in ${probeTimeoutMs} ms`), probeTimeoutMs) })
      ])
    } catch (err) {
      return `health probe failed: ${(err as Error).message}`
    } finally {
      clearTimeout(timer)
    }
  }

  private healthChanged (reason: string | null): void {
    if (reason !== null) {
      this.log.warn({ reason }, 'watchdog beat skipped: unhealthy')
      if (this.unhealthy === null) this.post([`STATUS=unhealthy: ${reason}`])
    } else if (this.unhealthy !== null) {
      this.log.info({ was: this.unhealthy }, 'healthy again: watchdog beats resume')
      this.post([`STATUS=${this.statusText}`])
    }
    this.unhealthy = reason
  }

  private post (fields: string[]): void {
    if (!this.enabled || this.missing) return
    const p = this.send(fields, this.aborts.signal).then(() => {
      this.lastFailure = null
    }, (err: Error) => {
      if (err instanceof NotifierMissing) {
        this.missing = true
        this.log.warn({ err: err.message }, 'NOTIFY_SOCKET is set but systemd cannot be told: readiness and watchdog messages are off')
        return
      }
      if (this.aborts.signal.aborted) return
      // One line per kind of failure, not one per beat.
      if (err.message !== this.lastFailure) this.log.warn({ err: err.message, fields }, 'systemd notification failed')
      this.lastFailure = err.message
    }).finally(() => { this.inFlight.delete(p) })
    this.inFlight.add(p)
  }
}

interface LoopWatch {
  /** The longest the event loop was blocked since the last call, milliseconds. */
  takeMaxMs (): number
  stop (): void
}

/**
 * Samples the event loop every `everyMs`: a sample that comes late was held up that long. (The
 * built-in monitorEventLoopDelay loses the interval in progress when its histogram is reset, which
 * is exactly the one a stall just ended.)
 */
function watchLoop (everyMs: number): LoopWatch {
  let last = performance.now()
  let max = 0
  const timer = setInterval(() => {
    const now = performance.now()
    max = Math.max(max, now - last - everyMs)
    last = now
  }, everyMs)
  timer.unref()
  return {
    takeMaxMs: () => {
      // The stretch since the last sample counts too: the check may run first after a stall.
      const m = Math.max(max, performance.now() - last - everyMs)
      max = 0
      return m
    },
    stop: () => { clearInterval(timer) }
  }
}
