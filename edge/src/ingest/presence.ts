// Which devices are online. Every message a device sends counts as a sign of life; a device whose
// signs stop for heartbeatGraceFactor x its profile's heartbeat interval goes offline in the
// registry. The live state is in memory (the API reads it from here); the registry is written once
// per sweep, through the journal writer thread with the events, so neither a busy scanner nor
// 2,000 handhelds reconnecting after a power cut cost a disk write each, and no fsync ever runs on
// the event loop. A device's last-seen time and its last battery level go in that same write (one
// row update per device seen in the sweep, however many heartbeats it sent), so both survive a
// restart: the battery is read back when presence is built, before any device can speak. Sweeps run on the scheduler, so under the simulation clock a device goes offline
// when simulated time passes its grace, not real time.

import type { Clock } from '../core/clock.js'
import type { Log } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'
import type { Scheduler } from '../core/scheduler.js'
import type { DeviceRegistry } from '../store/devices.js'
import type { PresenceChange } from '../store/journal.js'
import type { CommitQueue } from './commit-queue.js'

interface State {
  lastSeenMs: number
  online: boolean
  /** Seconds; 0 = not heartbeat-monitored (goes offline only on disconnect). */
  heartbeatS: number
  /** Changed since the registry was last written. */
  dirty: boolean
  /** Battery percent the device last reported, and when (server clock ms); from the registry at start. */
  battery?: { pct: number, atMs: number }
  /** The battery was reported since the registry was last written. */
  batteryDirty?: boolean
}

export interface PresenceOptions {
  registry: DeviceRegistry
  queue: CommitQueue
  clock: Clock
  scheduler: Scheduler
  log: Log
  metrics: Metrics
  graceFactor: number
  heartbeatOf: (profileId: string) => number
  /** How often offline devices are looked for, milliseconds of the scheduler's time (simulated in clockMode sim). */
  sweepMs?: number
}

/** Told when a device goes online or offline (in memory, before the registry is written); must be quick. */
export type PresenceListener = (deviceId: string, online: boolean, reason: string | null) => void

export class Presence {
  private readonly state = new Map<string, State>()
  private readonly listeners: PresenceListener[] = []
  private cancelSweeps: (() => void) | null = null

  constructor (private readonly opts: PresenceOptions) {
    // Levels from before a restart: the devices page and the battery_low alert have them at once,
    // not only after each device's next heartbeat. Such a device is offline until it speaks.
    for (const b of opts.registry.batteries()) {
      this.state.set(b.id, { lastSeenMs: 0, online: false, heartbeatS: 0, dirty: false, battery: { pct: b.pct, atMs: Date.parse(b.at) } })
    }
  }

  /** Devices the registry still shows online from before a restart must show themselves again. */
  start (): void {
    for (const d of this.opts.registry.list()) {
      if (d.status === 'online') this.opts.registry.setStatus(d.id, 'offline')
    }
    this.cancelSweeps = this.opts.scheduler.every('presence-sweep', this.opts.sweepMs ?? 1000, () => this.sweep())
  }

  stop (): void {
    this.cancelSweeps?.()
    this.cancelSweeps = null
    void this.flush()
  }

  onChange (fn: PresenceListener): void {
    this.listeners.push(fn)
  }

  private tell (deviceId: string, online: boolean, reason: string | null): void {
    for (const fn of this.listeners) {
      try { fn(deviceId, online, reason) } catch (err) { this.opts.log.error({ err, deviceId }, 'presence listener failed') }
    }
  }

  seen (deviceId: string, profileId: string): void {
    const now = this.opts.clock.now()
    const s = this.state.get(deviceId)
    if (s?.online) {
      s.lastSeenMs = now
      s.dirty = true
      return
    }
    // Back online: the battery it last reported (before it went offline, or before a restart) stays until it reports another.
    this.state.set(deviceId, { lastSeenMs: now, online: true, heartbeatS: this.opts.heartbeatOf(profileId), dirty: true, battery: s?.battery, batteryDirty: s?.batteryDirty })
    this.opts.metrics.devicesOnline.inc()
    this.opts.log.info({ deviceId }, 'device online')
    this.tell(deviceId, true, null)
  }

  offline (deviceId: string, reason: string): void {
    const s = this.state.get(deviceId)
    if (!s?.online) return
    s.online = false
    s.dirty = true
    this.opts.metrics.devicesOnline.dec()
    // A handheld signing off at the end of a shift is routine; a device that fell silent is not.
    if (reason === 'heartbeat_missed') this.opts.log.warn({ deviceId, reason }, 'device offline')
    else this.opts.log.info({ deviceId, reason }, 'device offline')
    this.tell(deviceId, false, reason)
  }

  /** A device told its battery level (percent); it also counts as a sign of life. */
  battery (deviceId: string, profileId: string, pct: number): void {
    this.seen(deviceId, profileId)
    const s = this.state.get(deviceId)!
    s.battery = { pct, atMs: this.opts.clock.now() }
    s.batteryDirty = true
  }

  /** The battery a device last reported (this run or a run before), or null. */
  batteryOf (deviceId: string): { pct: number, at: string } | null {
    const b = this.state.get(deviceId)?.battery
    return b === undefined ? null : { pct: b.pct, at: new Date(b.atMs).toISOString() }
  }

  isOnline (deviceId: string): boolean {
    return this.state.get(deviceId)?.online === true
  }

  /** Resolves once the changes it found are committed (or their failure logged). */
  sweep (): Promise<void> {
    const now = this.opts.clock.now()
    for (const [id, s] of this.state) {
      if (!s.online || s.heartbeatS <= 0) continue
      const silentMs = now - s.lastSeenMs
      if (silentMs > s.heartbeatS * 1000 * this.opts.graceFactor) this.offline(id, 'heartbeat_missed')
    }
    return this.flush()
  }

  /** Hands every change since the last sweep to the journal writer as one entry; resolves once written. */
  flush (): Promise<void> {
    const changes: PresenceChange[] = []
    for (const [id, s] of this.state) {
      if (!s.dirty) continue
      s.dirty = false
      const b = s.batteryDirty === true ? s.battery : undefined
      s.batteryDirty = false
      changes.push([id, new Date(s.lastSeenMs).toISOString(), s.online, b?.pct ?? null, b === undefined ? null : new Date(b.atMs).toISOString()])
    }
    if (changes.length === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.opts.queue.submit([{ kind: 'presence', changes }], 'internal', performance.now(), (err) => {
        if (err) this.opts.log.warn({ err, devices: changes.length }, 'device presence not written')
        resolve()
      })
    })
  }
}
