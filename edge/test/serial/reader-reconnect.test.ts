// The reader survives its port going away and coming back, on a real pseudo-terminal.

import { EventEmitter } from 'node:events'
import t from 'tap'
import type { SerialPortLike } from '../../src/ingest/serial/open-port.js'
import { WARN } from './memory-log.js'
import { ptyDir, startPty } from './pty.js'
import { startReader } from './reader-harness.js'
import { waitFor } from '../helpers/wait-for.js'

const RETRY_FAILED = 'serial port still cannot be opened'

t.test('the port disappearing sends the reader to retrying; socat back on the same path, it reconnects', async (t) => {
  const dir = ptyDir(t)
  const first = await startPty(t, dir)
  const r = startReader(t, first.devPath)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'port open')
  first.write('4006381333931\r\n')
  await waitFor(() => r.frames.length === 1, 5_000, 'first code')

  const before = r.reader.health().bytesReceived
  first.write('5901') // half a code when the cable goes
  await waitFor(() => r.reader.health().bytesReceived === before + 4, 5_000, 'the half code read')
  await first.kill()
  await waitFor(() => r.reader.health().state === 'retrying', 5_000, 'retrying')
  let h = r.reader.health()
  t.type(h.lastError, 'string', `lastError: ${h.lastError}`)
  t.not(h.nextRetryAt, null)
  t.equal(r.logged('serial port lost').length, 1)

  // Several failed attempts while the port is gone: debug lines, no more warnings.
  await waitFor(() => r.logged(RETRY_FAILED).length >= 3, 5_000, 'three failed retries')
  t.equal(r.lines.filter((l) => l.level >= WARN).length, 1, 'one warning for the whole outage')
  t.equal(r.reader.health().state, 'retrying')
  t.match(r.reader.health().lastError, /no such file|ENOENT/i)

  const second = await startPty(t, dir)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'reopened')
  h = r.reader.health()
  t.equal(h.reconnects, 1)
  t.equal(h.nextRetryAt, null)
  t.equal(r.logged('serial port reopened').length, 1)
  second.write('96385074\r\n')
  await waitFor(() => r.frames.length === 2, 5_000, 'a code after the reconnect')
  t.same(r.frames, ['4006381333931', '96385074'], 'the half code from before the loss is not glued on')
  t.equal(r.reader.health().framesBadByReason.broken, 1)
})

t.test('a port missing at start: retrying, then open once it appears', async (t) => {
  const dir = ptyDir(t)
  const r = startReader(t, `${dir}/dev`)
  await waitFor(() => r.logged(RETRY_FAILED).length >= 3, 5_000, 'three failed attempts')
  const h = r.reader.health()
  t.equal(h.state, 'retrying')
  t.match(h.lastError, /no such file|ENOENT/i)
  t.equal(r.logged('serial port cannot be opened').length, 1, 'warned once, not per attempt')
  t.not(h.nextRetryAt, null)

  const pty = await startPty(t, dir)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'open')
  t.equal(r.reader.health().reconnects, 0, 'the first open is not a reconnect')
  pty.write('4006381333931\r\n')
  await waitFor(() => r.frames.length === 1, 5_000, 'a code')
  t.same(r.frames, ['4006381333931'])
})

t.test('a changed reason to fail is warned again', async (t) => {
  const dir = ptyDir(t)
  let failure = 'No such file or directory, cannot open /dev/ttyUSB0'
  const r = startReader(t, `${dir}/dev`, undefined, {
    openPort: () => fakePort((cb) => process.nextTick(cb, new Error(failure)))
  })
  await waitFor(() => r.logged(RETRY_FAILED).length >= 2, 5_000, 'two repeated failures')
  failure = 'Permission denied, cannot open /dev/ttyUSB0'
  await waitFor(() => r.logged('serial port cannot be opened').length === 2, 5_000, 'a second warning')
  t.equal(r.reader.health().lastError, failure)
})

t.test("an 'error' event on an open port counts as a loss: the port is closed and reopened", async (t) => {
  const ports: FakePort[] = []
  const r = startReader(t, '/dev/fake', undefined, {
    openPort: () => {
      const p = fakePort((cb) => process.nextTick(cb, null))
      ports.push(p)
      return p
    }
  })
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'open')
  ports[0].emit('error', new Error('EIO: i/o error, read'))
  t.equal(r.reader.health().state, 'retrying')
  t.equal(r.reader.health().lastError, 'EIO: i/o error, read')
  t.equal(ports[0].isOpen, false, 'the failed port was closed')
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'reopened')
  t.equal(ports.length, 2)
  t.equal(r.reader.health().reconnects, 1)
  ports[0].emit('error', new Error('late error from the old port'))
  ports[0].emit('data', Buffer.from('STALE\r\n'))
  t.equal(r.reader.health().state, 'open', 'the old port is ignored')
  ports[1].emit('data', Buffer.from('FRESH\r\n'))
  t.same(r.frames, ['FRESH'])
})

type FakePort = SerialPortLike & EventEmitter & { isOpen: boolean }

/** A port whose open() answers as told; close() closes it. Just enough to drive the reader. */
function fakePort (answer: (cb: (err: Error | null) => void) => void): FakePort {
  const port = Object.assign(new EventEmitter(), {
    isOpen: false,
    open (cb: (err: Error | null) => void) {
      answer((err) => { port.isOpen = err === null; cb(err) })
    },
    close (cb: (err: Error | null) => void) {
      port.isOpen = false
      process.nextTick(() => { port.emit('close', null); cb(null) })
    }
  })
  return port as FakePort
}
