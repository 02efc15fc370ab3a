// The reader on a real pseudo-terminal: what a scanner sends arrives as frames.

import t from 'tap'
import { checksum } from '../../src/ingest/serial/checksum.js'
import type { SerialFraming } from '../../src/profiles/types.js'
import { ptyDir, startPty } from './pty.js'
import { startReader } from './reader-harness.js'
import { delay, waitFor } from '../helpers/wait-for.js'

const STX_XOR: SerialFraming = { baudRate: 9600, frame: { kind: 'stx-etx' }, checksum: 'xor' }

function stx (body: string, sum = checksum('xor', Buffer.from(body, 'latin1'))): string {
  return '\x02' + body + '\x03' + String.fromCharCode(sum)
}

t.test('CR/LF terminated codes arrive as frames, whichever line end the scanner uses', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  pty.write('4006381333931\r\n5901234123457\r')
  pty.write('\n96385074\n')
  await waitFor(() => r.frames.length === 3, 5_000, 'three codes')
  t.same(r.frames, ['4006381333931', '5901234123457', '96385074'])
  const h = r.reader.health()
  t.equal(h.framesOk, 3)
  t.equal(h.framesBad, 0)
  t.not(h.lastFrameAt, null)
})

t.test('a code trickling in over several writes is joined', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  for (const part of ['40063', '81333', '931']) {
    pty.write(part)
    await delay(40) // milliseconds: the point of this test is the gap between writes
  }
  t.same(r.frames, [], 'nothing before the terminator')
  pty.write('\r\n')
  await waitFor(() => r.frames.length === 1, 5_000, 'the joined code')
  t.same(r.frames, ['4006381333931'])
})

t.test('garbage and line noise between codes are dropped and the next code still arrives', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  pty.write('4006381333931\r\n')
  pty.write('\x00\xff\xfe\x80\x1b[?\r\n') // noise, as at a wrong baud rate
  pty.write('\r\n\r\n') // stray line ends
  pty.write('5901234123457\r\n')
  await waitFor(() => r.frames.length === 2, 5_000, 'two good codes')
  t.same(r.frames, ['4006381333931', '5901234123457'])
  const h = r.reader.health()
  t.equal(h.framesBadByReason.noise, 1)
  t.equal(h.bytesDiscarded, 7)
})

t.test('STX/ETX with xor checksum: good frames delivered, a bad checksum counted', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath, STX_XOR)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  pty.write('\xff\xfe' + stx('4006381333931')) // garbage before the first frame
  pty.write(stx('5901234123457', 0x00)) // wrong checksum
  pty.write('junk' + stx('96385074'))
  await waitFor(() => r.frames.length === 2 && r.reader.health().framesBad === 1, 5_000, 'two frames and one bad')
  t.same(r.frames, ['4006381333931', '96385074'])
  const h = r.reader.health()
  t.equal(h.framesBadByReason.checksum, 1)
  t.equal(h.bytesDiscarded, 2 + 16 + 4)
})

t.test('an over-long frame is dropped and the good code after it arrives', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath, { baudRate: 9600, frame: { kind: 'delimiter', delimiter: '\r\n' }, maxFrameBytes: 32 })
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  pty.write('X'.repeat(500) + '\r\n4006381333931\r\n')
  await waitFor(() => r.frames.length === 1, 5_000, 'the good code')
  t.same(r.frames, ['4006381333931'])
  t.equal(r.reader.health().framesBadByReason.too_long, 1)
  t.equal(r.reader.health().bytesDiscarded, 500)
})

t.test('a throwing or rejecting frame handler is logged and the reader keeps reading', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const seen: string[] = []
  const r = startReader(t, pty.devPath, undefined, {
    onFrame: (frame) => {
      const code = frame.toString('latin1')
      seen.push(code)
      if (code === 'THROW') throw new Error('handler bug')
      if (code === 'REJECT') return Promise.reject(new Error('async handler bug'))
    }
  })
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  pty.write('THROW\r\nREJECT\r\nNEXT\r\n')
  await waitFor(() => seen.length === 3 && r.logged('serial frame handler failed').length === 2, 5_000, 'all three handled')
  t.same(seen, ['THROW', 'REJECT', 'NEXT'])
  t.equal(r.reader.health().state, 'open')
})
