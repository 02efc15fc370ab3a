// `store-edge serve` under a systemd Type=notify unit, as far as it can be without systemd: the real
// server process, the real systemd-notify program, and socat receiving on $NOTIFY_SOCKET.

import t from 'tap'
import { serverProblem } from '../../src/cli/serve.js'
import { silentLog } from '../../src/core/log.js'
import { openDatabase } from '../../src/store/db.js'
import { startChild } from '../helpers/child.js'
import { notifySocket } from '../helpers/notify-socket.js'
import { rmrf, tempDir } from '../helpers/server.js'

t.test('READY=1 once listening, WATCHDOG=1 every WATCHDOG_USEC/2, STOPPING=1 on SIGTERM', async (t) => {
  const socket = await notifySocket(t)
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  // 2 s watchdog: a beat a second.
  const child = await startChild({ EDGE_DATA_DIR: dataDir, NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '2000000' })
  t.teardown(() => { child.proc.kill('SIGKILL') })
  const ready = await socket.waitFor((m) => m.startsWith('READY=1\n'), 10_000, 'READY=1')
  t.equal(socket.messages()[ready], `READY=1\nSTATUS=serving store store-1: http port ${child.ports.http}, mqtt port ${child.ports.mqtt}`,
    'sent with the ports the listeners got: after they were up')
  t.equal(ready, 0, 'READY=1 is the first message')

  await socket.waitFor(() => socket.messages().filter((m) => m === 'WATCHDOG=1').length >= 3, 10_000, 'three beats')
  child.proc.kill('SIGTERM')
  const stopping = await socket.waitFor((m) => m.startsWith('STOPPING=1\n'), 10_000, 'STOPPING=1')
  t.equal(socket.messages()[stopping], 'STOPPING=1\nSTATUS=draining after SIGTERM')
  const exit = await child.exited
  t.same(exit, { code: 0, signal: null }, 'a clean exit after the drain')
  t.same(socket.messages().slice(stopping + 1).filter((m) => m === 'WATCHDOG=1'), [], 'no beat after STOPPING=1')
  t.same(socket.messages().filter((m) => !/^(READY=1|WATCHDOG=1|STOPPING=1|STATUS=)/.test(m)), [], 'nothing else was sent')
})

t.test('without NOTIFY_SOCKET the server runs as before and exits cleanly', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const child = await startChild({ EDGE_DATA_DIR: dataDir, NOTIFY_SOCKET: '', WATCHDOG_USEC: '' })
  t.teardown(() => { child.proc.kill('SIGKILL') })
  child.proc.kill('SIGTERM')
  t.same(await child.exited, { code: 0, signal: null })
  t.notOk(child.lines.some((l) => l.includes('"module":"systemd"')), 'nothing logged about systemd')
})

t.test('the watchdog probe: a database that answers is healthy; a closed one or a failed journal thread is not', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  t.equal(serverProblem({ db, journalFailure: () => null }), null)
  t.equal(serverProblem({ db, journalFailure: () => new Error('SQLITE_FULL: database or disk is full') }), 'the journal cannot commit: SQLITE_FULL: database or disk is full')
  db.close()
  t.match(serverProblem({ db, journalFailure: () => null }), /^the database does not answer: .*not open/)
})
