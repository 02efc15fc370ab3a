// Hand-built MQTT 3.1.1 packets for the load generator: a PUBLISH is one allocation and a few
// copies, so one core can offer far more than the broker under test can take. Only what the bench
// sends and receives is here (CONNECT/CONNACK, PUBLISH/PUBACK QoS 1, SUBSCRIBE/SUBACK, PING,
// DISCONNECT). Section numbers are of the MQTT 3.1.1 specification.

/** Packet types, the high nibble of the fixed header [MQTT-2.2.1]. */
export const CONNACK = 2
export const PUBLISH = 3
export const PUBACK = 4
export const SUBACK = 9
export const PINGRESP = 13

/** Bytes of a Remaining Length varint [MQTT-2.2.3]: 7 bits per byte, at most 4 bytes. */
export function varintSize (n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4
}

export function writeVarint (buf: Buffer, off: number, n: number): number {
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    buf[off++] = b
  } while (n > 0)
  return off
}

/** A UTF-8 string with its two-byte length prefix [MQTT-1.5.3]. */
export function mqttString (s: string): Buffer {
  const body = Buffer.from(s, 'utf8')
  const out = Buffer.allocUnsafe(2 + body.length)
  out.writeUInt16BE(body.length, 0)
  body.copy(out, 2)
  return out
}

export interface ConnectOptions {
  clientId: string
  username?: string
  password?: string
  /** Seconds; 0 turns the keep-alive off [MQTT-3.1.2.10]. */
  keepaliveS: number
  clean: boolean
}

/** CONNECT [MQTT-3.1]: protocol name "MQTT", level 4. */
export function connectPacket (o: ConnectOptions): Buffer {
  const parts = [mqttString('MQTT'), Buffer.from([4, 0, (o.keepaliveS >> 8) & 0xff, o.keepaliveS & 0xff]), mqttString(o.clientId)]
  let flags = o.clean ? 0x02 : 0
  if (o.username !== undefined) { flags |= 0x80; parts.push(mqttString(o.username)) }
  if (o.password !== undefined) { flags |= 0x40; parts.push(mqttString(o.password)) }
  parts[1][1] = flags
  return withHeader(0x10, Buffer.concat(parts))
}

/** SUBSCRIBE [MQTT-3.8]: fixed header flags must be 0010. */
export function subscribePacket (messageId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.from([messageId >> 8, messageId & 0xff])
  return withHeader(0x82, Buffer.concat([id, mqttString(filter), Buffer.from([qos])]))
}

export const PINGREQ_PACKET = Buffer.from([0xc0, 0])
export const DISCONNECT_PACKET = Buffer.from([0xe0, 0])

function withHeader (first: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + varintSize(body.length) + body.length)
  out[0] = first
  body.copy(out, writeVarint(out, 1, body.length))
  return out
}

/**
 * A QoS 1 PUBLISH [MQTT-3.3] into `out` at `off`; returns the offset after it. `topic` is the
 * length-prefixed topic name; the payload is ASCII (JSON built by the bench), written as latin1.
 */
export function writePublish (out: Buffer, off: number, topic: Buffer, messageId: number, payload: string): number {
  const remaining = topic.length + 2 + payload.length
  out[off++] = 0x32 // PUBLISH, QoS 1, no DUP, no RETAIN
  off = writeVarint(out, off, remaining)
  off += topic.copy(out, off)
  out[off++] = messageId >> 8
  out[off++] = messageId & 0xff
  off += out.write(payload, off, 'latin1')
  return off
}

/** Bytes writePublish needs. */
export function publishSize (topic: Buffer, payload: string): number {
  const remaining = topic.length + 2 + payload.length
  return 1 + varintSize(remaining) + remaining
}

export interface PacketSink {
  connack (returnCode: number): void
  puback (messageId: number): void
  /** A QoS 1 PUBLISH to a subscriber; `body` is the packet after the fixed header. */
  publish (qos: number, body: Buffer): void
  suback (body: Buffer): void
}

/**
 * Splits a byte stream into packets. Keeps a partial packet between chunks; PUBACKs, the hot path,
 * are decoded in place without slicing.
 */
export class PacketReader {
  private rest: Buffer | null = null

  constructor (private readonly sink: PacketSink) {}

  push (chunk: Buffer): void {
    let buf = chunk
    if (this.rest !== null) {
      buf = Buffer.concat([this.rest, chunk])
      this.rest = null
    }
    let off = 0
    const end = buf.length
    while (off < end) {
      const first = buf[off]
      // Remaining Length [MQTT-2.2.3]
      let len = 0
      let mul = 1
      let p = off + 1
      let complete = false
      while (p < end && p - off <= 4) {
        const b = buf[p++]
        len += (b & 0x7f) * mul
        mul *= 128
        if ((b & 0x80) === 0) { complete = true; break }
      }
      if (!complete || p + len > end) break
      const type = first >> 4
      if (type === PUBACK) this.sink.puback((buf[p] << 8) | buf[p + 1])
      else if (type === PUBLISH) this.sink.publish((first >> 1) & 3, buf.subarray(p, p + len))
      else if (type === CONNACK) this.sink.connack(buf[p + 1])
      else if (type === SUBACK) this.sink.suback(buf.subarray(p, p + len))
      // PINGRESP and anything else: nothing to do.
      off = p + len
    }
    if (off < end) this.rest = buf.subarray(off)
  }
}
