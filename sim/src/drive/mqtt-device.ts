// One MQTT device of the simulated store (a POS lane, a shelf camera, a load cell), connected to
// the real broker as itself: client id = user name = device id, password = its secret. Messages go
// at QoS 1, and the server sends PUBACK only after the commit, so an acknowledged message is one
// the store has. A device that keeps a buffer (store-and-forward) holds what it produced while
// offline and replays it in order on reconnect; the server applies each event id once.

import mqtt, { type MqttClient } from 'mqtt'
import type { DeviceCredentials } from './api.js'

export interface MqttDeviceOptions {
  port: number
  storeId: string
  creds: DeviceCredentials
  /** Store-and-forward while offline; without it, what is produced offline is lost. */
  bufferWhileOffline: boolean
  /** Default 127.0.0.1. */
  host?: string
}

export interface MqttDeviceStats {
  /** Messages the server acknowledged (committed), replays included. */
  published: number
  /** Messages put in the buffer while offline (or in flight when the link dropped). */
  buffered: number
  /** Buffered messages acknowledged after a reconnect. */
  replayed: number
  /** Messages lost: produced offline without a buffer, or cut off in flight without one. */
  dropped: number
  /** Messages in the buffer now. */
  waiting: number
}

interface Message {
  topic: string
  body: string
  /** Went through the buffer: counted as replayed once acknowledged. */
  fromBuffer: boolean
  /** Set for a message published while a replay was running: it resolves on its own PUBACK. */
  resolve?: (ok: boolean) => void
}

const CONNECT_TIMEOUT_MS = 5_000 // milliseconds for CONNACK
const GRACEFUL_END_MS = 5_000 // milliseconds for in-flight messages to be acknowledged when going offline

export class MqttDevice {
  readonly id: string
  private readonly topicPrefix: string
  private readonly url: string
  private client: MqttClient | null = null
  private isOnline = false
  private buffer: Message[] = []
  /** Where a message cut off in flight goes back into the buffer: ahead of later ones, in order. */
  private requeueAt = 0
  private replaying: Promise<void> | null = null
  private readonly inFlight = new Set<Promise<boolean>>()
  private readonly counts = { published: 0, buffered: 0, replayed: 0, dropped: 0 }

  private constructor (private readonly opts: MqttDeviceOptions) {
    this.id = opts.creds.id
    this.topicPrefix = `stores/${opts.storeId}/devices/${opts.creds.id}/`
    this.url = `mqtt://${opts.host ?? '127.0.0.1'}:${opts.port}`
  }

  /** Connects; rejects when the broker refuses (wrong secret, revoked) or does not answer. */
  static async connect (opts: MqttDeviceOptions): Promise<MqttDevice> {
    const device = new MqttDevice(opts)
    await device.open()
    return device
  }

  get online (): boolean { return this.isOnline }

  /**
   * Publishes JSON to stores/{storeId}/devices/{id}/{stream} at QoS 1. Online: resolves true on
   * PUBACK (= committed by the server). Offline: true at once when buffered (it is sent on
   * reconnect; settle() after setOnline(true) waits for it), false when dropped. A message cut off
   * in flight by a dropped link resolves true if it went back into the buffer, false if lost.
   */
  publish (stream: string, payload: object): Promise<boolean> {
    const msg: Message = { topic: this.topicPrefix + stream, body: JSON.stringify(payload), fromBuffer: false }
    if (!this.isOnline) {
      if (!this.opts.bufferWhileOffline) {
        this.counts.dropped++
        return Promise.resolve(false)
      }
      msg.fromBuffer = true
      this.buffer.push(msg)
      this.counts.buffered++
      return Promise.resolve(true)
    }
    if (this.replaying !== null) {
      // Behind the replay, so the server sees this device's messages in the order they were made.
      const acked = new Promise<boolean>((resolve) => { msg.resolve = resolve })
      this.buffer.push(msg)
      return acked
    }
    return this.send(msg)
  }

  /** A QoS 0 heartbeat on .../heartbeat; nothing while offline. */
  heartbeat (): void {
    if (this.isOnline && this.client !== null) this.client.publish(this.topicPrefix + 'heartbeat', '', { qos: 0 })
  }

  /**
   * Going offline ends the connection for real (in-flight messages are acknowledged first, up to
   * 5 s); coming back reconnects and replays the buffer in order, awaiting each PUBACK.
   */
  async setOnline (online: boolean): Promise<void> {
    if (online === this.isOnline) return
    if (!online) {
      this.isOnline = false
      await this.end()
      return
    }
    await this.open()
    await this.replay()
  }

  /** Resolves when every message sent so far is acknowledged (buffered ones wait for a reconnect). */
  async settle (): Promise<void> {
    while (this.inFlight.size > 0 || this.replaying !== null) {
      await Promise.all([...this.inFlight, this.replaying])
    }
  }

  /** Disconnects; what is still buffered is abandoned (counted in stats().waiting). */
  async close (): Promise<void> {
    this.isOnline = false
    await this.end()
    for (const msg of this.buffer) msg.resolve?.(false)
  }

  stats (): MqttDeviceStats {
    return { ...this.counts, waiting: this.buffer.length }
  }

  private open (): Promise<void> {
    const { creds } = this.opts
    return new Promise((resolve, reject) => {
      // reconnectPeriod 0: the simulation decides when a device is back, not a retry timer.
      const client = mqtt.connect(this.url, {
        clientId: creds.id,
        username: creds.id,
        password: creds.secret,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: CONNECT_TIMEOUT_MS
      })
      const refused = (err: Error): void => {
        client.end(true)
        reject(new Error(`device ${creds.id}: MQTT connect to ${this.url} failed: ${err.message}`))
      }
      client.once('error', refused)
      client.once('close', () => refused(new Error('connection closed before CONNACK')))
      client.once('connect', () => {
        client.removeAllListeners('error')
        client.removeAllListeners('close')
        client.on('error', () => {}) // a broken link shows as 'close' next; nothing to report twice
        client.once('close', () => this.lost(client))
        this.client = client
        this.isOnline = true
        resolve()
      })
    })
  }

  /** The broker or the network dropped us: offline until told to come back. */
  private lost (client: MqttClient): void {
    if (this.client !== client) return
    this.isOnline = false
    this.client = null
    // Force-ending a client without reconnection fails its pending QoS 1 callbacks, so what was
    // in flight goes back into the buffer (or is counted lost) instead of waiting forever.
    client.end(true)
  }

  private async end (): Promise<void> {
    const client = this.client
    if (client === null) return
    this.client = null
    client.removeAllListeners('close')
    // Let what is in flight be acknowledged, then say DISCONNECT. If the acks do not come, end by
    // force: that fails the pending callbacks, and send() puts those messages back in the buffer.
    const drained = await settledWithin([...this.inFlight], GRACEFUL_END_MS)
    await new Promise<void>((resolve) => client.end(!drained, {}, () => resolve()))
  }

  private send (msg: Message): Promise<boolean> {
    const client = this.client!
    const acked = new Promise<boolean>((resolve) => {
      client.publish(msg.topic, msg.body, { qos: 1 }, (err) => {
        if (!err) {
          this.counts.published++
          if (msg.fromBuffer) this.counts.replayed++
          resolve(true)
        } else if (this.opts.bufferWhileOffline) {
          if (!msg.fromBuffer) this.counts.buffered++
          msg.fromBuffer = true
          this.buffer.splice(this.requeueAt++, 0, msg)
          resolve(true)
        } else {
          this.counts.dropped++
          resolve(false)
        }
      })
    })
    this.inFlight.add(acked)
    void acked.then((ok) => {
      this.inFlight.delete(acked)
      msg.resolve?.(ok)
    })
    return acked
  }

  private replay (): Promise<void> {
    if (this.replaying !== null) return this.replaying
    // Cleared in a then-callback, which runs after this assignment even when the buffer is empty.
    const run: Promise<void> = this.replayBuffer().finally(() => {
      if (this.replaying === run) this.replaying = null
    })
    this.replaying = run
    return run
  }

  private async replayBuffer (): Promise<void> {
    this.requeueAt = 0
    // One at a time: the next message goes only when the server has committed the one before.
    while (this.buffer.length > 0 && this.isOnline) {
      const msg = this.buffer.shift()!
      const ok = await this.send(msg)
      if (!ok || !this.isOnline) break
    }
    this.requeueAt = 0
  }
}

/** True when every promise settled within ms milliseconds. */
async function settledWithin (promises: Array<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms) })
  try {
    return await Promise.race([Promise.all(promises).then(() => true as const), timeout])
  } finally {
    clearTimeout(timer)
  }
}
