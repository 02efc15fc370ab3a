// A cap on the bytes a backlog may push per second (config outboxMaxBytesPerS, 0 = none): a token
// bucket of one second's allowance, so a day of backlog after an outage does not fill the store's
// uplink that the POS and card terminals share.

export class Bandwidth {
  private tokens: number
  private at = performance.now()

  constructor (private readonly bytesPerS: number) {
    this.tokens = bytesPerS
  }

  /** Milliseconds to wait before `bytes` may go (0 = now); takes them from the bucket. */
  take (bytes: number): number {
    if (this.bytesPerS <= 0) return 0
    const now = performance.now()
    this.tokens = Math.min(this.bytesPerS, this.tokens + (now - this.at) / 1000 * this.bytesPerS)
    this.at = now
    this.tokens -= bytes
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.bytesPerS * 1000)
  }
}
