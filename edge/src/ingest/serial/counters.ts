// What a framer tells about the bytes it has seen. One instance is shared by the framing rules so
// every rule counts the same way; health reports and tests read a copy.

export const BAD_FRAME_REASONS = ['checksum', 'too_long', 'broken', 'noise'] as const

/**
 * checksum: the byte after ETX does not match the body.
 * too_long: the body passed maxFrameBytes before its end arrived.
 * broken: a frame was cut short (a new STX inside it, or the port went away mid-frame).
 * noise: a delimiter frame held bytes no scanner sends (line noise, wrong baud rate).
 */
export type BadFrameReason = typeof BAD_FRAME_REASONS[number]

export interface FramerCounters {
  /** Every byte pushed in: shows a scanner is talking even when nothing frames (wrong delimiter). */
  bytesReceived: number
  framesOk: number
  framesBad: number
  framesBadByReason: Record<BadFrameReason, number>
  /**
   * Bytes thrown away: garbage outside frames and every byte of bad frames. Line terminators in
   * delimiter framing are never counted, whether they end a frame or stand alone.
   */
  bytesDiscarded: number
}

export class Tally {
  bytesReceived = 0
  framesOk = 0
  framesBad = 0
  bytesDiscarded = 0
  readonly byReason: Record<BadFrameReason, number> = { checksum: 0, too_long: 0, broken: 0, noise: 0 }

  ok (): void { this.framesOk++ }

  /** One bad frame of `bytes` bytes. */
  bad (reason: BadFrameReason, bytes: number): void {
    this.framesBad++
    this.byReason[reason]++
    this.bytesDiscarded += bytes
  }

  discard (bytes: number): void { this.bytesDiscarded += bytes }

  snapshot (): FramerCounters {
    return {
      bytesReceived: this.bytesReceived,
      framesOk: this.framesOk,
      framesBad: this.framesBad,
      framesBadByReason: { ...this.byReason },
      bytesDiscarded: this.bytesDiscarded
    }
  }
}
