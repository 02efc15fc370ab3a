// Turns the byte stream of a serial scanner into frame bodies, following the profile's framing.
// Pure and synchronous: feed it chunks as they arrive, get back the complete good frames. Frames
// split across chunks are joined; bad frames are dropped and counted, never delivered, and never
// cost the next good frame. The rules themselves live in delimiter-rule.ts and stx-etx-rule.ts.

import { EdgeError, Errors } from '../../core/errors.js'
import type { SerialFraming } from '../../profiles/types.js'
import { Tally, type FramerCounters } from './counters.js'
import { DelimiterRule } from './delimiter-rule.js'
import type { FrameRule } from './rule.js'
import { StxEtxRule } from './stx-etx-rule.js'

export { BAD_FRAME_REASONS, type BadFrameReason, type FramerCounters } from './counters.js'

/** Longest frame body kept when the profile does not say: bytes. Barcodes are far shorter. */
export const DEFAULT_MAX_FRAME_BYTES = 256

/** The part of a profile's serial framing the framer uses (line settings are the port's business). */
export type FramerOptions = Pick<SerialFraming, 'frame' | 'checksum' | 'maxFrameBytes'>

export class Framer {
  private readonly tally = new Tally()
  private readonly rule: FrameRule

  /** Throws EDGE_ERR_PROFILE_INVALID, naming the field, for framing it cannot follow. */
  constructor (framing: FramerOptions) {
    const maxBytes = framing.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw invalid('maxFrameBytes', maxBytes, 'must be a positive integer (bytes)')
    }
    const kind = framing.checksum ?? 'none'
    if (kind !== 'none' && kind !== 'xor' && kind !== 'sum8') {
      throw invalid('checksum', kind, 'must be none, xor or sum8')
    }
    if (framing.frame.kind === 'delimiter') {
      if (kind !== 'none') throw invalid('checksum', kind, 'applies to stx-etx framing only')
      this.rule = new DelimiterRule(framing.frame.delimiter, maxBytes, this.tally)
    } else if (framing.frame.kind === 'stx-etx') {
      this.rule = new StxEtxRule(kind, maxBytes, this.tally)
    } else {
      throw invalid('frame.kind', (framing.frame as { kind: unknown }).kind, 'must be delimiter or stx-etx')
    }
  }

  /** Feed received bytes; returns the bodies (no framing bytes) of the frames they completed. */
  push (chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = []
    this.tally.bytesReceived += chunk.length
    this.rule.push(chunk, out)
    return out
  }

  /** Drop a partial frame, counted as broken: the next bytes come from a reopened port. */
  reset (): void {
    this.rule.reset()
  }

  /** A copy of the counters since the framer was made (reset() does not clear them). */
  counters (): FramerCounters {
    return this.tally.snapshot()
  }
}

function invalid (field: string, value: unknown, rule: string): EdgeError {
  return new EdgeError(Errors.PROFILE_INVALID, `serial ${field} ${JSON.stringify(value)} ${rule}`, { field, value })
}
