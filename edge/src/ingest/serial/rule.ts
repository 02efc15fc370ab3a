// The contract between the Framer and one framing rule (delimiter, STX/ETX).

export interface FrameRule {
  /** Consume bytes; append each complete good frame body to `out`. */
  push (chunk: Uint8Array, out: Buffer[]): void
  /** Forget a partial frame (the port went away); it counts as broken. */
  reset (): void
}
