// The binding fix on a real pseudo-terminal: a hang-up while nobody is reading ends the next read
// with an error (the stock binding would read 0 bytes again and again, forever).

import t from 'tap'
import { HangupError, hangupAwareBinding } from '../../src/ingest/serial/hangup-binding.js'
import { ptyDir, startPty } from './pty.js'

t.test('a read after the device hung up fails with HangupError instead of spinning', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const port = await hangupAwareBinding().open({ path: pty.devPath, baudRate: 9600 })
  t.teardown(() => port.isOpen ? port.close() : undefined)

  pty.write('AB')
  const buffer = Buffer.alloc(64)
  const first = await port.read(buffer, 0, 64)
  t.equal(buffer.subarray(0, first.bytesRead).toString(), 'AB', 'reads normally while the device is there')

  await pty.kill() // hang-up with no read waiting on the poller: the case the stock binding spins on
  const cpuBefore = process.cpuUsage()
  const err = await port.read(buffer, 0, 64).then(() => null, (e: unknown) => e)
  t.ok(err instanceof HangupError, `rejected with HangupError: ${String(err)}`)
  const cpu = process.cpuUsage(cpuBefore)
  t.ok(cpu.user + cpu.system < 500_000, 'answered without burning CPU (microseconds)')
})

t.test('a read waiting for data is canceled, not failed, when the port is closed', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const port = await hangupAwareBinding().open({ path: pty.devPath, baudRate: 9600 })
  const pending = port.read(Buffer.alloc(64), 0, 64).then(() => null, (e: unknown) => e)
  await port.close()
  const err = await pending as { canceled?: boolean } | null
  t.equal(err?.canceled, true, 'canceled: the stream does not take it for a lost device')
})
