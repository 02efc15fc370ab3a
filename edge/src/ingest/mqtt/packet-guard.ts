// Refuses oversized MQTT packets before they are buffered. The MQTT parser keeps a whole packet in
// memory until its last byte arrives, and a packet may declare up to 256 MB [MQTT-2.2.3]; a few
// broken or hostile devices could exhaust the appliance. This guard reads only the fixed headers
// (one type byte, then the Remaining Length as a variable byte integer of 1-4 bytes) as bytes pass
// through, and ends the connection when a packet declares more than the limit.

import { Duplex, Transform, type TransformCallback } from 'node:stream'

export class PacketTooLarge extends Error {
  constructor (readonly declared: number, readonly limit: number) {
    super(`MQTT packet of ${declared} bytes is over the limit of ${limit}`)
  }
}

export class PacketSizeGuard extends Transform {
  /** Body bytes of the current packet still to pass. */
  private skip = 0
  /** -1: the next byte is a fixed header; 0-3: length bytes read so far. */
  private lengthBytes = -1
  private length = 0
  private multiplier = 1

  constructor (private readonly limit: number) {
    super()
  }

  override _transform (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
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
        if (this.lengthBytes >= 4) { done(new Error('malformed MQTT remaining length')); return }
        continue
      }
      if (this.length > this.limit) { done(new PacketTooLarge(this.length, this.limit)); return }
      this.skip = this.length
      this.lengthBytes = -1
    }
    done(null, chunk)
  }
}

/**
 * The connection aedes sees: reads come through the guard, writes go straight to the socket.
 * `onTooLarge` hears of a refusal (to count it); the socket is destroyed either way.
 */
export function guardConnection (socket: Duplex, limit: number, onTooLarge: (err: PacketTooLarge) => void): Duplex {
  const guard = new PacketSizeGuard(limit)
  socket.pipe(guard)
  guard.on('error', (err) => {
    if (err instanceof PacketTooLarge) onTooLarge(err)
    socket.destroy()
  })
  return Duplex.from({ readable: guard, writable: socket })
}
