// STX/ETX framing: STX (0x02) body ETX (0x03), then one checksum byte when the profile asks for one.
//
// The body is binary-transparent apart from STX and ETX; its integrity is the checksum's job, so
// there is no printable-byte check here. The checksum covers the body only (see checksum.ts), and
// the byte after ETX is always taken as the checksum, whatever its value, even 0x02.
// Recovery: bytes outside STX..ETX are garbage and skipped; an STX inside a frame means the sender
// restarted, so the partial frame is dropped (broken) and the new one kept; an over-long frame is
// dropped and its tail skipped, but an STX in that tail still starts the next frame.

import { checksum, type ChecksumKind } from './checksum.js'
import type { Tally } from './counters.js'
import type { FrameRule } from './rule.js'

const STX = 0x02
const ETX = 0x03

type State =
  | 'idle' // between frames: waiting for STX
  | 'body' // after STX
  | 'check' // after ETX, waiting for the checksum byte
  | 'skip' // inside an over-long frame, already counted
  | 'skip-check' // the checksum byte of an over-long frame

export class StxEtxRule implements FrameRule {
  private readonly body: Buffer
  private length = 0
  private state: State = 'idle'

  constructor (
    private readonly kind: ChecksumKind | 'none',
    private readonly maxBytes: number,
    private readonly tally: Tally
  ) {
    this.body = Buffer.alloc(maxBytes)
  }

  push (chunk: Uint8Array, out: Buffer[]): void {
    for (const b of chunk) {
      switch (this.state) {
        case 'idle':
          if (b === STX) this.begin()
          else this.tally.discard(1)
          break
        case 'body':
          if (b === STX) {
            this.tally.bad('broken', this.length + 1) // its STX and body
            this.begin()
          } else if (b === ETX) {
            if (this.kind === 'none') this.finish(out, this.length + 2)
            else this.state = 'check'
          } else if (this.length === this.maxBytes) {
            this.tally.bad('too_long', this.length + 2) // STX, body, this byte
            this.state = 'skip'
          } else {
            this.body[this.length++] = b
          }
          break
        case 'check':
          if (checksum(this.kind as ChecksumKind, this.body, this.length) === b) {
            this.finish(out, this.length + 3)
          } else {
            this.tally.bad('checksum', this.length + 3)
            this.state = 'idle'
          }
          break
        case 'skip':
          if (b === STX) {
            this.begin()
          } else {
            this.tally.discard(1)
            if (b === ETX) this.state = this.kind === 'none' ? 'idle' : 'skip-check'
          }
          break
        case 'skip-check':
          this.tally.discard(1)
          this.state = 'idle'
          break
      }
    }
  }

  reset (): void {
    if (this.state === 'body') this.tally.bad('broken', this.length + 1)
    if (this.state === 'check') this.tally.bad('broken', this.length + 2)
    this.state = 'idle'
    this.length = 0
  }

  private begin (): void {
    this.state = 'body'
    this.length = 0
  }

  // An empty frame (STX ETX) carries nothing to decode: not delivered, its bytes count as discarded.
  private finish (out: Buffer[], frameBytes: number): void {
    this.state = 'idle'
    if (this.length === 0) {
      this.tally.discard(frameBytes)
      return
    }
    out.push(Buffer.from(this.body.subarray(0, this.length)))
    this.tally.ok()
  }
}
