// Delimiter framing: a frame body is everything up to a terminator byte.
//
// Line endings: scanners set up for CR/LF are often switched to CR only (or LF only) on the device,
// so when the profile's delimiter is made of CR and/or LF, any CR or LF ends a frame. Empty bodies
// are never frames, which is what keeps the LF of a CR LF pair (or the CR of LF CR) from producing
// one. Any other delimiter must be a single byte (a tab, ETX, '#') and is matched exactly.
//
// Body bytes: printable ASCII 0x20-0x7E plus the control bytes scanners really send inside a code:
// HT 0x09, and EOT 0x04, GS 0x1D, RS 0x1E of GS1 codes and the ISO/IEC 15434 format envelope (GS is
// how a scanner transmits FNC1). Anything else (NUL, other controls, DEL, 0x80-0xFF) is line noise
// or a wrong baud rate. Such a line is dropped whole, up to its terminator: cutting the noise out
// and keeping the rest could pass a truncated code off as a good one.

import { EdgeError, Errors } from '../../core/errors.js'
import type { Tally } from './counters.js'
import type { FrameRule } from './rule.js'

const CR = 0x0d
const LF = 0x0a
const EXTRA_BODY_BYTES = [0x09, 0x04, 0x1d, 0x1e] // HT, EOT, GS, RS

export class DelimiterRule implements FrameRule {
  private readonly terminator = new Uint8Array(256) // 1 where the byte ends a frame
  private readonly allowed = new Uint8Array(256) // 1 where the byte may appear in a body
  private readonly body: Buffer
  private length = 0
  /** Inside a bad line already counted: drop bytes until the next terminator. */
  private skipping = false

  constructor (delimiter: string, private readonly maxBytes: number, private readonly tally: Tally) {
    for (const b of terminatorBytes(delimiter)) this.terminator[b] = 1
    for (let b = 0x20; b <= 0x7e; b++) this.allowed[b] = 1
    for (const b of EXTRA_BODY_BYTES) this.allowed[b] = 1
    this.body = Buffer.alloc(maxBytes)
  }

  push (chunk: Uint8Array, out: Buffer[]): void {
    for (const b of chunk) {
      if (this.terminator[b] === 1) {
        if (!this.skipping && this.length > 0) {
          out.push(Buffer.from(this.body.subarray(0, this.length)))
          this.tally.ok()
        }
        this.skipping = false
        this.length = 0
      } else if (this.skipping) {
        this.tally.discard(1)
      } else if (this.allowed[b] === 0) {
        this.reject('noise', this.length + 1)
      } else if (this.length === this.maxBytes) {
        this.reject('too_long', this.length + 1)
      } else {
        this.body[this.length++] = b
      }
    }
  }

  reset (): void {
    if (!this.skipping && this.length > 0) this.tally.bad('broken', this.length)
    this.skipping = false
    this.length = 0
  }

  // Counted when detected, not at the terminator, so a device that streams noise without ever
  // sending a line end still shows up in the counters.
  private reject (reason: 'noise' | 'too_long', bytes: number): void {
    this.tally.bad(reason, bytes)
    this.length = 0
    this.skipping = true
  }
}

function terminatorBytes (delimiter: string): number[] {
  if (delimiter.length > 0 && /^[\r\n]+$/.test(delimiter)) return [CR, LF]
  const code = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1
  if (code >= 0 && code <= 0xff) return [code]
  throw new EdgeError(Errors.PROFILE_INVALID,
    `serial frame.delimiter ${JSON.stringify(delimiter)} is not supported: use CR and/or LF, or one single-byte character`,
    { field: 'frame.delimiter', value: delimiter })
}
