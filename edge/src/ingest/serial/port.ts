// One serial-attached scanner: keeps its port open for as long as the server runs, feeds the bytes
// to the framer and hands each good frame to onFrame. A port that is missing or goes away (cable
// pulled, adapter re-enumerated) never throws and never spins: the reader retries with capped
// exponential backoff, logs at warn once per state change (not per attempt) and reports itself in
// health().

import type { Clock } from '../../core/clock.js'
import type { Log } from '../../core/log.js'
import type { SerialFraming } from '../../profiles/types.js'
import { resolveBackoff, retryDelayMs, type Backoff, type BackoffOptions } from './backoff.js'
import { Framer, type BadFrameReason } from './framer.js'
import { openSerialPort, portSettings, type OpenPort, type PortSettings, type SerialPortLike } from './open-port.js'

/**
 * opening: first attempt after start(), not answered yet.
 * open: reading.
 * retrying: missing, lost or failing; the next attempt is at nextRetryAt.
 * stopped: before start() and after stop().
 */
export type SerialReaderState = 'opening' | 'open' | 'retrying' | 'stopped'

export interface SerialReaderHealth {
  path: string
  state: SerialReaderState
  /** When the reader entered this state, ISO 8601 UTC. Retry attempts do not move it. */
  since: string
  /** Message of the latest open failure or loss; kept after the port is back, as history. */
  lastError: string | null
  /** Successful opens after the first one. */
  reconnects: number
  nextRetryAt: string | null
  /** Bytes read from the port since the reader was made. */
  bytesReceived: number
  framesOk: number
  framesBad: number
  framesBadByReason: Record<BadFrameReason, number>
  bytesDiscarded: number
  /** Receive time of the latest good frame, ISO 8601 UTC. */
  lastFrameAt: string | null
}

export interface SerialReaderOptions {
  /** Device path; prefer a stable /dev/serial/by-id/... link to /dev/ttyUSB0. */
  path: string
  /** Line settings and framing, from the device profile's stream. */
  framing: SerialFraming
  log: Log
  /** Stamps frames, health times and the stable-port check; timers themselves are real. */
  clock: Clock
  /**
   * Called once per good frame body (framing bytes removed), with the clock's time when its last
   * chunk arrived. A throw or a rejected promise is logged and does not stop the reader.
   */
  onFrame: (frame: Buffer, receivedAtMs: number) => void | Promise<void>
  /** Port factory; the default opens a real port with serialport. */
  openPort?: OpenPort
  /** Defaults: initialMs 500, maxMs 30000, jitterRatio 0.1, stableMs 5000 (see backoff.ts). */
  backoff?: BackoffOptions
  /** Source of retry jitter, [0, 1); default Math.random. */
  random?: () => number
}

export class SerialReader {
  private readonly path: string
  private readonly settings: PortSettings
  private readonly framer: Framer
  private readonly log: Log
  private readonly clock: Clock
  private readonly onFrame: SerialReaderOptions['onFrame']
  private readonly openPort: OpenPort
  private readonly backoff: Backoff
  private readonly random: () => number

  private state: SerialReaderState = 'stopped'
  private stateSince: number
  /** The port the reader currently owns (opening or open); events of any other port are stale. */
  private port: SerialPortLike | null = null
  private timer: NodeJS.Timeout | null = null
  private nextRetryAt: number | null = null
  /** Failed attempts in a row, for the backoff. */
  private failures = 0
  private opens = 0
  private openedAt = 0
  private lastError: string | null = null
  /** Message of the previous failed open in this outage; null right after a loss or an open. */
  private lastOpenFailure: string | null = null
  private lastFrameAt: number | null = null
  /** Opens and closes still running; stop() waits for them so no handle outlives it. */
  private readonly inflight = new Set<Promise<void>>()

  /** Throws EDGE_ERR_PROFILE_INVALID or EDGE_ERR_CONFIG_INVALID for framing or backoff it cannot use. */
  constructor (opts: SerialReaderOptions) {
    this.path = opts.path
    this.settings = portSettings(opts.path, opts.framing)
    this.framer = new Framer(opts.framing)
    this.log = opts.log.child({ module: 'serial' })
    this.clock = opts.clock
    this.onFrame = opts.onFrame
    this.openPort = opts.openPort ?? openSerialPort
    this.backoff = resolveBackoff(opts.backoff)
    this.random = opts.random ?? Math.random
    this.stateSince = this.clock.now()
  }

  /** Opens the port in the background; never throws for port trouble. No-op unless stopped. */
  start (): void {
    if (this.state !== 'stopped') return
    this.failures = 0
    this.enter('opening')
    this.attempt()
  }

  /** Closes the port and cancels the retry timer; resolves when nothing of the reader is left running. */
  async stop (): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.nextRetryAt = null
    const port = this.port
    this.port = null
    const wasRunning = this.state !== 'stopped'
    this.enter('stopped')
    // A port still opening is closed by its open callback, which is in `inflight` already.
    if (port?.isOpen === true) this.track(closeQuietly(port, this.log, this.path))
    while (this.inflight.size > 0) await Promise.all(this.inflight)
    if (wasRunning) this.log.info({ path: this.path }, 'serial port stopped')
  }

  health (): SerialReaderHealth {
    const c = this.framer.counters()
    return {
      path: this.path,
      state: this.state,
      since: iso(this.stateSince),
      lastError: this.lastError,
      reconnects: Math.max(0, this.opens - 1),
      nextRetryAt: this.nextRetryAt === null ? null : iso(this.nextRetryAt),
      bytesReceived: c.bytesReceived,
      framesOk: c.framesOk,
      framesBad: c.framesBad,
      framesBadByReason: c.framesBadByReason,
      bytesDiscarded: c.bytesDiscarded,
      lastFrameAt: this.lastFrameAt === null ? null : iso(this.lastFrameAt)
    }
  }

  private attempt (): void {
    this.timer = null
    this.nextRetryAt = null
    let port: SerialPortLike
    try {
      port = this.openPort(this.settings)
    } catch (err) { // invalid settings: retried like any failure, so the server keeps running
      this.openFailed(err)
      return
    }
    this.port = port
    port.on('data', (chunk) => this.received(port, chunk))
    port.on('close', (err) => this.lost(port, err ?? new Error('port closed')))
    // Always listening, on stale ports too: an 'error' event without a listener would crash the process.
    port.on('error', (err) => {
      if (port === this.port && this.state === 'open') this.lost(port, err)
      else this.log.debug({ path: this.path, err }, 'serial port error after close')
    })
    this.track(new Promise<void>((resolve) => {
      const settle = (err: Error | null): void => { this.opened(port, err).then(resolve, resolve) }
      try {
        port.open(settle)
      } catch (err) { // serialport answers through the callback; a custom factory might throw
        settle(err instanceof Error ? err : new Error(String(err)))
      }
    }))
  }

  private async opened (port: SerialPortLike, err: Error | null): Promise<void> {
    if (port !== this.port) { // stop() came while it was opening
      if (err === null) await closeQuietly(port, this.log, this.path)
      return
    }
    if (err !== null) {
      this.port = null
      this.openFailed(err)
      return
    }
    this.opens++
    this.openedAt = this.clock.now()
    this.lastOpenFailure = null
    this.enter('open')
    const reconnects = Math.max(0, this.opens - 1)
    this.log.info({ path: this.path, reconnects }, reconnects > 0 ? 'serial port reopened' : 'serial port open')
  }

  private openFailed (err: unknown): void {
    const message = errorMessage(err)
    // Warn when the trouble starts (the first attempt fails; a loss has warned already) or changes
    // (missing -> permission denied); each further attempt that fails the same way is debug only.
    const news = this.state !== 'retrying' || (this.lastOpenFailure !== null && message !== this.lastOpenFailure)
    this.lastOpenFailure = message
    this.lastError = message
    this.enter('retrying')
    const retryInMs = this.schedule()
    if (news) this.log.warn({ path: this.path, err, retryInMs }, 'serial port cannot be opened')
    else this.log.debug({ path: this.path, err: message, retryInMs }, 'serial port still cannot be opened')
  }

  private lost (port: SerialPortLike, err: Error): void {
    if (port !== this.port || this.state !== 'open') return
    this.port = null
    this.framer.reset() // a frame cut by the loss must not be glued to bytes from the reopened port
    if (port.isOpen) this.track(closeQuietly(port, this.log, this.path)) // an error that left it open
    if (this.clock.now() - this.openedAt >= this.backoff.stableMs) this.failures = 0
    this.lastError = errorMessage(err)
    this.lastOpenFailure = null
    this.enter('retrying')
    const retryInMs = this.schedule()
    this.log.warn({ path: this.path, err, retryInMs }, 'serial port lost')
  }

  private schedule (): number {
    const delayMs = retryDelayMs(this.failures, this.backoff, this.random)
    this.failures++
    this.nextRetryAt = this.clock.now() + delayMs
    this.timer = setTimeout(() => this.attempt(), delayMs)
    return delayMs
  }

  private received (port: SerialPortLike, chunk: Buffer): void {
    if (port !== this.port) return
    const receivedAtMs = this.clock.now()
    const badBefore = this.framer.counters().framesBad
    const frames = this.framer.push(chunk)
    const c = this.framer.counters()
    if (c.framesBad !== badBefore) {
      // debug, not warn: line noise can make many bad frames a second; health() carries the counts
      this.log.debug({ path: this.path, framesBadByReason: c.framesBadByReason }, 'serial frames discarded')
    }
    for (const frame of frames) {
      this.lastFrameAt = receivedAtMs
      this.deliver(frame, receivedAtMs)
    }
  }

  private deliver (frame: Buffer, receivedAtMs: number): void {
    const failed = (err: unknown): void => { this.log.error({ path: this.path, err }, 'serial frame handler failed') }
    try {
      const result = this.onFrame(frame, receivedAtMs)
      if (result instanceof Promise) result.catch(failed)
    } catch (err) {
      failed(err)
    }
  }

  private enter (state: SerialReaderState): void {
    if (state === this.state) return
    this.state = state
    this.stateSince = this.clock.now()
  }

  private track (p: Promise<void>): void {
    this.inflight.add(p)
    p.finally(() => this.inflight.delete(p)).catch(() => {})
  }
}

function closeQuietly (port: SerialPortLike, log: Log, path: string): Promise<void> {
  return new Promise((resolve) => {
    try {
      port.close((err) => {
        if (err) log.debug({ path, err }, 'serial port close failed')
        resolve()
      })
    } catch (err) {
      log.debug({ path, err }, 'serial port close failed')
      resolve()
    }
  })
}

function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function iso (ms: number): string {
  return new Date(ms).toISOString()
}
