// A stand-in for systemd's notification socket: socat receiving unix datagrams at a path, each
// message kept whole (socat -v logs a header with the length before every datagram it reads).
// socat keeps the descriptor a barrier message passes (BARRIER=1, sd_notify_barrier(3)) instead of
// closing it as systemd does, so systemd-notify waits out its 5 s barrier against it and exits 1;
// the message itself has arrived by then.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { rmrf, tempDir, waitFor } from './server.js'

interface Tap { teardown (fn: () => unknown): void }

export interface NotifySocket {
  path: string
  /** Every datagram so far, as its text ("READY=1\nSTATUS=..."), the barrier's own messages left out. */
  messages (): string[]
  /** Resolves when a message satisfying `match` has arrived; its index in messages(). */
  waitFor (match: (m: string) => boolean, timeoutMs?: number, what?: string): Promise<number>
}

const HEADER = /^> \d{4}\/\d{2}\/\d{2} [\d:.]+\s+length=(\d+) from=\d+ to=\d+\n/

export async function notifySocket (t: Tap): Promise<NotifySocket> {
  const dir = tempDir('store-edge-notify-')
  const path = join(dir, 'notify.sock')
  const proc = spawn('socat', ['-u', '-v', `UNIX-RECV:${path}`, '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] })
  t.teardown(() => { proc.kill(); rmrf(dir) })
  let log = ''
  const all: string[] = []
  proc.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString('latin1')
    for (;;) {
      const m = HEADER.exec(log)
      if (m === null) break
      const start = m[0].length
      const length = Number(m[1])
      if (log.length < start + length) break
      all.push(log.slice(start, start + length))
      log = log.slice(start + length)
    }
  })
  await waitFor(() => existsSync(path), 5000, 'socat to bind the notify socket')
  const messages = (): string[] => all.filter((m) => m !== 'BARRIER=1' && !/^ERRNO=\d+$/.test(m))
  return {
    path,
    messages,
    waitFor: async (match, timeoutMs = 10_000, what = 'a notification') => {
      await waitFor(() => messages().some(match), timeoutMs, `${what} (got ${JSON.stringify(messages())})`)
      return messages().findIndex(match)
    }
  }
}
