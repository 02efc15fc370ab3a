import t from 'tap'
import { checksum } from '../../src/ingest/serial/checksum.js'
import { Framer, type FramerOptions } from '../../src/ingest/serial/framer.js'

const STX = '\x02'
const ETX = '\x03'
const CRLF: FramerOptions = { frame: { kind: 'delimiter', delimiter: '\r\n' } }

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1')
const texts = (frames: Buffer[]): string[] => frames.map((f) => f.toString('latin1'))

/** Push each chunk in turn; all frames produced, as text. */
function feed (framer: Framer, ...chunks: string[]): string[] {
  return chunks.flatMap((c) => texts(framer.push(bytes(c))))
}

/** An STX/ETX frame, with the checksum byte when asked (or a given wrong one). */
function stx (body: string, kind?: 'xor' | 'sum8', wrong?: number): string {
  const sum = kind === undefined ? '' : String.fromCharCode(wrong ?? checksum(kind, bytes(body)))
  return STX + body + ETX + sum
}

t.test('delimiter framing', async (t) => {
  t.test('CR LF terminated codes come out without the terminator', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, '4006381333931\r\n5901234123457\r\n'), ['4006381333931', '5901234123457'])
    t.same(f.counters(), { bytesReceived: 30, framesOk: 2, framesBad: 0, framesBadByReason: { checksum: 0, too_long: 0, broken: 0, noise: 0 }, bytesDiscarded: 0 })
  })

  t.test('with a CR/LF delimiter, a lone CR or a lone LF also ends a code', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, 'A1\rB2\nC3\r\n'), ['A1', 'B2', 'C3'])
  })

  t.test('the LF of a CR LF pair never makes an empty frame, even in its own chunk', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, 'ABC\r', '\n', 'DEF\r', '\nGHI\n\r'), ['ABC', 'DEF', 'GHI'])
    t.equal(f.counters().framesOk, 3)
    t.equal(f.counters().bytesDiscarded, 0, 'terminators are not discarded bytes')
  })

  t.test('blank lines are not frames', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, '\r\n\r\n\n\rX\r\n\r\n'), ['X'])
    t.equal(f.counters().framesBad, 0)
  })

  t.test('a code split over many chunks is joined', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, ...'96385074\r\n'.split('')), ['96385074'])
  })

  t.test('line noise makes its line bad; the next line is good', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, 'GOOD1\r\n', '\x00\xff\xfe12\r\n', 'GOOD2\r\n'), ['GOOD1', 'GOOD2'])
    const c = f.counters()
    t.equal(c.framesBadByReason.noise, 1)
    t.equal(c.framesBad, 1)
    t.equal(c.bytesDiscarded, 5, 'the whole noisy line, terminator excluded')
  })

  t.test('noise inside a code drops the whole line, never a truncated code', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, '1234\x005678\r\n'), [])
    t.equal(f.counters().framesBadByReason.noise, 1)
    t.equal(f.counters().bytesDiscarded, 9)
  })

  t.test('every control byte but HT, EOT, GS, RS is noise, and so are DEL and bytes above 0x7E', async (t) => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x0d || b === 0x0a) continue
      const f = new Framer(CRLF)
      const frames = feed(f, `A${String.fromCharCode(b)}B\r\n`)
      const clean = (b >= 0x20 && b <= 0x7e) || [0x09, 0x04, 0x1d, 0x1e].includes(b)
      if (clean !== (frames.length === 1)) t.fail(`byte 0x${b.toString(16)} should be ${clean ? 'kept' : 'noise'}`)
    }
    t.pass('checked all 254 non-terminator bytes')
  })

  t.test('GS1 codes keep their GS separators', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, ']d201040063813339311724123110AB12\x1d21XYZ\r\n'), [']d201040063813339311724123110AB12\x1d21XYZ'])
  })

  t.test('a line longer than maxFrameBytes is dropped once and the next good code survives', async (t) => {
    const f = new Framer({ ...CRLF, maxFrameBytes: 8 })
    t.same(feed(f, '12345678\r\n'), ['12345678'], 'exactly maxFrameBytes is fine')
    t.same(feed(f, 'X'.repeat(20), 'Y'.repeat(20), '\r\nOK\r\n'), ['OK'])
    const c = f.counters()
    t.equal(c.framesBadByReason.too_long, 1, 'counted once, not per byte')
    t.equal(c.bytesDiscarded, 40)
  })

  t.test('the default maxFrameBytes is 256', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, 'A'.repeat(256) + '\r\n'), ['A'.repeat(256)])
    t.same(feed(f, 'B'.repeat(257) + '\r\n'), [])
    t.equal(f.counters().framesBadByReason.too_long, 1)
  })

  t.test('a single-byte delimiter other than CR/LF is matched exactly', async (t) => {
    const f = new Framer({ frame: { kind: 'delimiter', delimiter: '#' } })
    t.same(feed(f, 'AB#CD', '#'), ['AB', 'CD'])
    t.equal(f.counters().framesBadByReason.noise, 0)
    const lf = new Framer({ frame: { kind: 'delimiter', delimiter: '\n' } })
    t.same(feed(lf, 'EF\r\nGH\r'), ['EF', 'GH'], 'an LF delimiter also accepts CR')
  })

  t.test('reset() drops a partial line as broken', async (t) => {
    const f = new Framer(CRLF)
    t.same(feed(f, '4006'), [])
    f.reset()
    t.same(feed(f, '5901\r\n'), ['5901'], 'not glued to the bytes before the reset')
    t.equal(f.counters().framesBadByReason.broken, 1)
    t.equal(f.counters().bytesDiscarded, 4)
  })
})

t.test('STX/ETX framing', async (t) => {
  t.test('frames without checksum; garbage outside frames is skipped and counted', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' } })
    t.same(feed(f, 'zz' + stx('ABC') + '\x00\xff' + stx('DEF')), ['ABC', 'DEF'])
    t.equal(f.counters().bytesDiscarded, 4)
    t.equal(f.counters().framesBad, 0, 'garbage between frames is not a bad frame')
  })

  t.test('xor checksum: a good frame is delivered, a mismatch counted and dropped', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    const good = stx('4006381333931', 'xor')
    const bad = stx('5901234123457', 'xor', checksum('xor', bytes('5901234123457')) ^ 0x01)
    t.same(feed(f, good + bad + good), ['4006381333931', '4006381333931'])
    t.equal(f.counters().framesBadByReason.checksum, 1)
    t.equal(f.counters().bytesDiscarded, 16, 'STX, 13 body bytes, ETX, checksum')
  })

  t.test('sum8 checksum is the body sum modulo 256', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'sum8' })
    const body = 'zzzz' // 4 * 0x7a = 0x1e8 -> 0xe8
    t.equal(checksum('sum8', bytes(body)), 0xe8)
    t.same(feed(f, stx(body, 'sum8') + stx(body, 'sum8', 0xe9)), [body])
    t.equal(f.counters().framesBadByReason.checksum, 1)
  })

  t.test('the checksum covers the body only, not STX or ETX', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    const withEtx = checksum('xor', bytes('AB' + ETX))
    t.same(feed(f, STX + 'AB' + ETX + String.fromCharCode(withEtx)), [])
    t.same(feed(f, STX + 'AB' + ETX + String.fromCharCode(0x41 ^ 0x42)), ['AB'])
  })

  t.test('the byte after ETX is the checksum even when it equals STX', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    t.equal(checksum('xor', bytes('02')), 0x02)
    t.same(feed(f, stx('02', 'xor') + stx('X', 'xor')), ['02', 'X'])
  })

  t.test('a frame split across chunks, checksum byte alone, is joined', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    const frame = stx('96385074', 'xor')
    t.same(feed(f, frame.slice(0, 1), frame.slice(1, 5), frame.slice(5, -1)), [])
    t.same(feed(f, frame.slice(-1)), ['96385074'])
  })

  t.test('a new STX inside a frame drops the broken part and keeps the new frame', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    t.same(feed(f, STX + '4006' + stx('5901234123457', 'xor')), ['5901234123457'])
    t.equal(f.counters().framesBadByReason.broken, 1)
    t.equal(f.counters().bytesDiscarded, 5)
  })

  t.test('an over-long frame is dropped, its tail and checksum skipped, and the next frame kept', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor', maxFrameBytes: 8 })
    const long = stx('X'.repeat(30), 'xor')
    t.same(feed(f, long + stx('OK', 'xor')), ['OK'])
    t.equal(f.counters().framesBadByReason.too_long, 1)
    t.equal(f.counters().bytesDiscarded, long.length)
  })

  t.test('an STX in the tail of an over-long frame starts the next frame', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, maxFrameBytes: 4 })
    t.same(feed(f, STX + 'TOOLONGBUTCUT' + stx('OK')), ['OK'])
    t.equal(f.counters().framesBadByReason.too_long, 1)
  })

  t.test('an empty frame is not delivered', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'sum8' })
    t.same(feed(f, STX + ETX + '\x00' + stx('A', 'sum8')), ['A'])
    t.equal(f.counters().framesOk, 1)
    t.equal(f.counters().bytesDiscarded, 3)
  })

  t.test('reset() mid-frame counts a broken frame and forgets it', async (t) => {
    const f = new Framer({ frame: { kind: 'stx-etx' }, checksum: 'xor' })
    t.same(feed(f, STX + 'ABC' + ETX), [])
    f.reset()
    t.same(feed(f, String.fromCharCode(0x41 ^ 0x42 ^ 0x43) + stx('D', 'xor')), ['D'], 'the old checksum byte is garbage now')
    t.equal(f.counters().framesBadByReason.broken, 1)
    t.equal(f.counters().bytesDiscarded, 6)
  })
})

t.test('framing it cannot follow is refused with EDGE_ERR_PROFILE_INVALID naming the field', async (t) => {
  const cases: Array<[FramerOptions, string]> = [
    [{ frame: { kind: 'delimiter', delimiter: '' } }, 'frame.delimiter'],
    [{ frame: { kind: 'delimiter', delimiter: 'ab' } }, 'frame.delimiter'],
    [{ frame: { kind: 'delimiter', delimiter: '\u20ac' } }, 'frame.delimiter'],
    [{ ...CRLF, checksum: 'xor' }, 'checksum'],
    [{ ...CRLF, maxFrameBytes: 0 }, 'maxFrameBytes'],
    [{ frame: { kind: 'stx-etx' }, maxFrameBytes: 1.5 }, 'maxFrameBytes'],
    [{ frame: { kind: 'stx-etx' }, checksum: 'crc16' as 'xor' }, 'checksum'],
    [{ frame: { kind: 'slip' } as unknown as FramerOptions['frame'] }, 'frame.kind']
  ]
  for (const [framing, field] of cases) {
    t.throws(() => new Framer(framing), { code: 'EDGE_ERR_PROFILE_INVALID', details: { field } }, JSON.stringify(framing))
  }
})
