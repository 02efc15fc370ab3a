// `cloud-relay serve` under a systemd Type=notify unit: the real relay process and systemd-notify,
// socat receiving on $NOTIFY_SOCKET.

import t from 'tap'
import { notifySocket } from '../../edge/test/helpers/notify-socket.js'
import { rmrf, tempDir } from '../../edge/test/helpers/server.js'
import { startRelayChild } from './relay-child.js'

t.test('READY=1 once listening, WATCHDOG=1 while the SQLite store answers, STOPPING=1 on SIGTERM', async (t) => {
  const socket = await notifySocket(t)
  const dataDir = tempDir('cloud-relay-')
  t.teardown(() => rmrf(dataDir))
  const relay = await startRelayChild({ RELAY_DATA_DIR: dataDir, NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '2000000' })
  t.teardown(() => { relay.proc.kill('SIGKILL') })
  const ready = await socket.waitFor((m) => m.startsWith('READY=1\n'), 10_000, 'READY=1')
  t.equal(socket.messages()[ready], `READY=1\nSTATUS=relaying on port ${relay.port} (SQLite)`)
  await socket.waitFor(() => socket.messages().filter((m) => m === 'WATCHDOG=1').length >= 2, 10_000, 'two beats')
  relay.proc.kill('SIGTERM')
  const stopping = await socket.waitFor((m) => m.startsWith('STOPPING=1\n'), 10_000, 'STOPPING=1')
  t.equal(socket.messages()[stopping], 'STOPPING=1\nSTATUS=draining after SIGTERM')
  t.same(await relay.exited, 0, 'exits 0 after the drain')
  t.same(socket.messages().slice(stopping + 1).filter((m) => m === 'WATCHDOG=1'), [], 'no beat after STOPPING=1')
})
