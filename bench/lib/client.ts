// One MQTT connection of the load generator, over a raw `net` socket with TCP_NODELAY (with Nagle
// on, a QoS 1 round trip waits ~40 ms for the delayed ACK). Writes are queued and sent as one
// buffer per turn, so a burst of PUBACKs read in one chunk is answered by one write.

import { connect as netConnect, type Socket } from 'node:net'
import { connectPacket, DISCONNECT_PACKET, PacketReader, PINGREQ_PACKET, subscribePacket, type ConnectOptions } from './wire.js'

export interface ClientEvents {
  puback? (messageId: number): void
  /** For a subscriber: a QoS 1 message's packet body (after the fixed header); PUBACK is automatic. */
  message? (body: Buffer): void
  /** After every packet of one chunk read was handled, before the queued writes go out. */
  afterRead? (): void
}

export interface Endpoint { host: string, port: number }

export class RawClient {
  private out: Buffer[] = []
  private outBytes = 0
  private scheduled = false
  private pingTimer: NodeJS.Timeout | null = null
  private pendingConnack: ((rc: number) => void) | null = null
  private pendingSuback: (() => void) | null = null
  /** Message ids this subscriber must acknowledge, written as one buffer per chunk read. */
  private acks: number[] = []
  closed = false

  private constructor (readonly socket: Socket, readonly id: string, private readonly events: ClientEvents) {
    const reader = new PacketReader({
      connack: (rc) => { this.pendingConnack?.(rc); this.pendingConnack = null },
      puback: (mid) => this.events.puback?.(mid),
      publish: (qos, body) => {
        if (qos > 0) {
          const topicLen = body.readUInt16BE(0)
          this.acks.push(body.readUInt16BE(2 + topicLen))
        }
        this.events.message?.(body)
      },
      suback: () => { this.pendingSuback?.(); this.pendingSuback = null }
    })
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk)
      if (this.acks.length > 0) this.queue(pubacks(this.acks))
      this.acks = []
      this.events.afterRead?.()
      this.flush()
    })
    socket.on('error', () => { /* reported through close; the bench counts what was acked */ })
    socket.on('close', () => { this.closed = true; this.stopPing() })
  }

  /** Connects, sends CONNECT and resolves on CONNACK 0 (rejects on a refusal or after timeoutMs). */
  static open (ep: Endpoint, opts: ConnectOptions, events: ClientEvents = {}, timeoutMs = 10000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: ep.host, port: ep.port, noDelay: true })
      socket.setNoDelay(true)
      const client = new RawClient(socket, opts.clientId, events)
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${opts.clientId}: no CONNACK in ${timeoutMs} ms`)) }, timeoutMs)
      socket.once('error', (err) => { clearTimeout(timer); reject(err) })
      socket.once('close', () => { clearTimeout(timer); reject(new Error(`${opts.clientId}: connection closed before CONNACK`)) })
      client.pendingConnack = (rc) => {
        clearTimeout(timer)
        if (rc === 0) resolve(client)
        else { socket.destroy(); reject(new Error(`${opts.clientId}: CONNACK return code ${rc}`)) }
      }
      socket.once('connect', () => socket.write(connectPacket(opts)))
    })
  }

  subscribe (filter: string, qos: 0 | 1): Promise<void> {
    return new Promise((resolve) => {
      this.pendingSuback = resolve
      this.queue(subscribePacket(1, filter, qos))
      this.flush()
    })
  }

  /** Sends PINGREQ every intervalMs, first after a random share of it (spreads 2,000 clients). */
  startPing (intervalMs: number): void {
    this.pingTimer = setTimeout(() => {
      this.pingTimer = setInterval(() => { if (!this.closed) this.socket.write(PINGREQ_PACKET) }, intervalMs)
    }, Math.random() * intervalMs)
  }

  private stopPing (): void {
    if (this.pingTimer) { clearTimeout(this.pingTimer); clearInterval(this.pingTimer) }
    this.pingTimer = null
  }

  queue (buf: Buffer): void {
    this.out.push(buf)
    this.outBytes += buf.length
  }

  /** Writes what is queued now. */
  flush (): void {
    if (this.out.length === 0 || this.closed) return
    this.socket.write(this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outBytes))
    this.out = []
    this.outBytes = 0
  }

  /** Writes what is queued at the end of this turn (many queue() calls, one write). */
  flushSoon (): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => { this.scheduled = false; this.flush() })
  }

  /** DISCONNECT, then end the socket; resolves when it is closed. */
  close (): Promise<void> {
    this.stopPing()
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), 5000)
      this.socket.once('close', () => { clearTimeout(timer); resolve() })
      this.socket.end(DISCONNECT_PACKET)
    })
  }
}

function pubacks (ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 4)
  for (let i = 0; i < ids.length; i++) {
    const o = i * 4
    out[o] = 0x40 // PUBACK [MQTT-3.4]
    out[o + 1] = 2
    out[o + 2] = ids[i] >> 8
    out[o + 3] = ids[i] & 0xff
  }
  return out
}
