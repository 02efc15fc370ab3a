// A SerialReader wired for tests: frames and log lines collected in arrays, small backoffs so
// reconnects take milliseconds, no jitter, stopped when the test ends.

import { systemClock } from '../../src/core/clock.js'
import { SerialReader, type SerialReaderOptions } from '../../src/ingest/serial/port.js'
import type { SerialFraming } from '../../src/profiles/types.js'
import { memoryLog, type LogLine } from './memory-log.js'

interface Teardown { teardown (fn: () => unknown): void }

export interface TestReader {
  reader: SerialReader
  /** Frame bodies received, as latin1 text (bytes and characters map one to one). */
  frames: string[]
  lines: LogLine[]
  /** Log lines with this message. */
  logged (msg: string): LogLine[]
}

export const CRLF: SerialFraming = { baudRate: 9600, frame: { kind: 'delimiter', delimiter: '\r\n' } }

export function startReader (
  t: Teardown, path: string, framing: SerialFraming = CRLF, extra: Partial<SerialReaderOptions> = {}
): TestReader {
  const { log, lines } = memoryLog()
  const frames: string[] = []
  const reader = new SerialReader({
    path,
    framing,
    log,
    clock: systemClock,
    onFrame: (frame) => { frames.push(frame.toString('latin1')) },
    backoff: { initialMs: 20, maxMs: 200 }, // milliseconds: keeps the reconnect tests quick
    random: () => 0.5, // no jitter
    ...extra
  })
  t.teardown(() => reader.stop())
  reader.start()
  return { reader, frames, lines, logged: (msg) => lines.filter((l) => l.msg === msg) }
}
