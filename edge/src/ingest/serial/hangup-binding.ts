// serialport's own binding, with one fix: a read that returns 0 bytes means the device hung up.
//
// Why: @serialport/bindings-cpp 13 (unix-read) answers a 0-byte read by reading again at once.
// On Linux a tty whose device went away (USB adapter unplugged, pty master closed) returns 0 bytes
// forever, so if the hang-up lands while no read is waiting on the poller, the port never reports
// the loss and the process spins at 100 % CPU with a growing promise chain
// (serialport/bindings-cpp issue #162). With the port opened O_NONBLOCK and VMIN 1, "no data yet"
// is EAGAIN, never 0, so 0 can only be end of file. Reading ourselves lets that end the read with
// an error; @serialport/stream turns any non-canceled read error into a 'close' with a
// disconnected error, which the reader already handles.

import { read as fsRead } from 'node:fs'
import { promisify } from 'node:util'
import { SerialPort } from 'serialport'

const readAsync = promisify(fsRead)

type Binding = typeof SerialPort.binding
type BindingPort = Awaited<ReturnType<Binding['open']>>
type ReadResult = { buffer: Buffer, bytesRead: number }

/** The unix bindings' port objects: an fd (null once closed) and a poller that says when it is readable. */
interface UnixPort {
  fd: number | null
  poller: { once (event: 'readable', cb: (err: Error | null) => void): unknown }
  read (buffer: Buffer, offset: number, length: number): Promise<ReadResult>
}

export class HangupError extends Error {
  readonly code = 'EOF'
  constructor (message = 'device hung up (read returned end of file)') {
    super(message)
    this.name = 'HangupError'
  }
}

/** Wraps a binding so the ports it opens fail a read at hang-up instead of spinning. */
export function hangupAwareBinding (base: Binding = SerialPort.binding): Binding {
  const wrapped = {
    list: () => base.list(),
    async open (options: Parameters<Binding['open']>[0]): Promise<BindingPort> {
      const port = await (base.open as (o: typeof options) => Promise<BindingPort>)(options)
      if (isUnixPort(port)) port.read = (buffer, offset, length) => readUntilHangup(port, buffer, offset, length)
      return port
    }
  }
  return wrapped as unknown as Binding
}

// Windows ports have neither an fd nor a poller, and their binding has no such loop: left alone.
function isUnixPort (port: unknown): port is UnixPort {
  const p = port as Partial<UnixPort>
  return typeof p.fd === 'number' && typeof p.poller?.once === 'function'
}

/** Reads at least one byte, waiting for the poller as long as there is none; 0 bytes is a hang-up. */
export async function readUntilHangup (port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  for (;;) {
    if (port.fd === null) throw canceled()
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null)
      if (bytesRead === 0) throw new HangupError()
      return { buffer, bytesRead }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err
      if (port.fd === null) throw canceled()
      // Rejects with a canceled error when the port is closed meanwhile, which the stream ignores.
      await new Promise<void>((resolve, reject) => {
        port.poller.once('readable', (pollErr) => { if (pollErr) reject(pollErr); else resolve() })
      })
    }
  }
}

/** What a binding must throw for a read cut short by close(): the stream does not treat it as a loss. */
function canceled (): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true })
}
