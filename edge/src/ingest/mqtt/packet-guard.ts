// Refuses oversized MQTT packets before they are buffered. The MQTT parser keeps a whole packet in
// memory until its last byte arrives, and a packet may declare up to 256 MB [MQTT-2.2.3]; a few
// broken or hostile devices could exhaust the appliance. This guard reads only the fixed headers
// (one type byte, then the Remaining Length as a variable byte integer of 1-4 bytes) as bytes pass
// through, and ends the connection when a packet declares more than the limit.

import type { Duplex } from 'node:stream'

export class PacketTooLarge extends Error {
  constructor (readonly declared: number, readonly limit: number) {
    super(`MQTT packet of ${declared} bytes is over the limit of ${limit}`)
  }
}

/** Tracks MQTT fixed headers across chunks and says when a packet declares too many bytes. */
export class PacketSizeGuard {
  /** Body bytes of the current packet still to pass. */
  private skip = 0
  /** -1: the next byte is a fixed header; 0-3: length bytes read so far. */
  private lengthBytes = -1
  private length = 0
  private multiplier = 1

  constructor (private readonly limit: number) {}

  /** Throws PacketTooLarge, or an Error for a malformed length; otherwise the bytes may pass. */
  check (chunk: Buffer): void {
    let i = 0
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i)
        this.skip -= n
        i += n
        continue
      }
      if (this.lengthBytes < 0) {
        this.lengthBytes = 0
        this.length = 0
        this.multiplier = 1
        i++
        continue
      }
      const b = chunk[i++]
      this.length += (b & 0x7f) * this.multiplier
      this.multiplier *= 128
      this.lengthBytes++
      if (b & 0x80) {
        // [MQTT-2.2.3] at most four length bytes; a fifth is a malformed packet.
        if (this.lengthBytes >= 4) throw new Error('malformed MQTT remaining length')
        continue
      }
      if (this.length > this.limit) throw new PacketTooLarge(this.length, this.limit)
      this.skip = this.length
      this.lengthBytes = -1
    }
  }
}

/**
 * Guards a connection in place. aedes pulls bytes with `conn.read()` when the socket is readable;
 * the guard sits in that call, so the socket aedes gets is the socket itself: writes keep their
 * cork/uncork batching and no extra stream sits in the path. A refused packet destroys the socket
 * before the parser sees its bytes. (The packet-too-large test fails if aedes ever stops reading
 * this way.)
 */
export function guardConnection<T extends Duplex> (socket: T, limit: number, onTooLarge: (err: PacketTooLarge) => void): T {
  const guard = new PacketSizeGuard(limit)
  const read = socket.read.bind(socket)
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | string | null
    if (chunk === null || typeof chunk === 'string') return chunk
    try {
      guard.check(chunk)
    } catch (err) {
      if (err instanceof PacketTooLarge) onTooLarge(err)
      socket.destroy()
      return null
    }
    return chunk
  }
  return socket
}
