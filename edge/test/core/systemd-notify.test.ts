// The systemd notifier: what it sends and when, with the sender collected in memory; then the real
// systemd-notify program against a socat receiver.

import t from 'tap'
import { join } from 'node:path'
import { SystemdNotifier, systemdNotifyProgram, type NotifyLog, type NotifySend } from '../../src/core/systemd-notify.js'
import { notifySocket } from '../helpers/notify-socket.js'
import { delay, waitFor } from '../helpers/wait-for.js'
import { rmrf, tempDir } from '../helpers/server.js'

interface Logged { level: 'info' | 'warn', obj: Record<string, unknown>, msg: string }

function recorder (): { log: NotifyLog, logged: Logged[] } {
  const logged: Logged[] = []
  return {
    logged,
    log: {
      info: (obj, msg) => { logged.push({ level: 'info', obj: obj as Record<string, unknown>, msg }) },
      warn: (obj, msg) => { logged.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }) }
    }
  }
}

function collector (): { send: NotifySend, sent: string[][] } {
  const sent: string[][] = []
  return { sent, send: async (fields) => { sent.push([...fields]) } }
}

const beats = (sent: string[][]): number => sent.filter((f) => f[0] === 'WATCHDOG=1').length

t.test('without NOTIFY_SOCKET nothing is sent and no watchdog runs', async (t) => {
  const { send, sent } = collector()
  const n = new SystemdNotifier({ env: { WATCHDOG_USEC: '100000' }, log: recorder().log, send })
  t.equal(n.enabled, false)
  t.equal(n.beatMs, null, 'a watchdog needs the socket to beat to')
  n.ready('serving')
  n.startWatchdog(() => null)
  await delay(150)
  n.stopping()
  await n.close()
  t.same(sent, [])
})

t.test('READY=1 with its status, WATCHDOG=1 every WATCHDOG_USEC/2 while healthy, STOPPING=1 ends the beats', async (t) => {
  const { send, sent } = collector()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '100000' }, log: recorder().log, send })
  t.teardown(() => n.close())
  t.equal(n.beatMs, 50, '100,000 µs / 2 = 50 ms')
  n.ready('serving store store-1')
  t.same(sent, [['READY=1', 'STATUS=serving store store-1']])
  const started = Date.now()
  n.startWatchdog(() => null)
  await waitFor(() => beats(sent) >= 4, 3000, 'four beats')
  t.ok(Date.now() - started >= 4 * 50 - 20, 'no faster than one beat per 50 ms')
  n.stopping('draining after SIGTERM')
  const after = sent.length
  t.same(sent[after - 1], ['STOPPING=1', 'STATUS=draining after SIGTERM'])
  await delay(200)
  t.equal(sent.length, after, 'no beat after STOPPING=1 (systemd disarms the watchdog then)')
})

t.test('no watchdog when systemd asked for none', async (t) => {
  const { send, sent } = collector()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x' }, log: recorder().log, send })
  t.equal(n.beatMs, null)
  n.startWatchdog(() => null)
  await delay(120)
  await n.close()
  t.equal(beats(sent), 0)
})

t.test('an unhealthy probe skips the beats and says why in STATUS; they resume once healthy', async (t) => {
  const { send, sent } = collector()
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '200000' }, log, send })
  t.teardown(() => n.close())
  let problem: string | null = null
  n.ready('serving store store-1')
  n.startWatchdog(() => problem)
  await waitFor(() => beats(sent) >= 2, 3000, 'two healthy beats')
  problem = 'the database does not answer: disk I/O error'
  // (On a loaded machine a late timer may be the first reason given: the status names the first.)
  await waitFor(() => logged.some((l) => l.obj.reason === problem), 3000, 'the probe\'s problem')
  t.ok(sent.some((f) => f[0].startsWith('STATUS=unhealthy: ')), 'systemctl status shows it is unhealthy')
  const during = beats(sent)
  await delay(350)
  t.equal(beats(sent), during, 'no beat while the probe finds a problem')
  t.equal(sent.filter((f) => f[0].startsWith('STATUS=unhealthy')).length, 1, 'the status is sent once, not every beat')
  t.ok(logged.some((l) => l.level === 'warn' && l.msg === 'watchdog beat skipped: unhealthy' && l.obj.reason === problem), 'each skipped beat is logged with the reason')
  problem = null
  await waitFor(() => beats(sent) > during, 3000, 'beats again')
  t.ok(logged.some((l) => l.level === 'info' && l.msg === 'healthy again: watchdog beats resume'), 'the recovery is logged')
  t.same(sent.filter((f) => f[0].startsWith('STATUS=')).map((f) => f.at(-1)).slice(-1), ['STATUS=serving store store-1'], 'and the status is the ready one again')
})

t.test('a probe that does not answer in time counts as unhealthy', async (t) => {
  const { send, sent } = collector()
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '100000' }, log, send })
  t.teardown(() => n.close())
  n.startWatchdog(() => new Promise<string | null>(() => {}), { probeTimeoutMs: 20 })
  await waitFor(() => logged.some((l) => String(l.obj.reason).includes('no answer in 20 ms')), 3000, 'the probe timeout')
  t.equal(beats(sent), 0)
})

t.test('a probe that throws counts as unhealthy', async (t) => {
  const { send, sent } = collector()
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '100000' }, log, send })
  t.teardown(() => n.close())
  n.startWatchdog(() => { throw new Error('The database connection is not open') })
  await waitFor(() => logged.some((l) => String(l.obj.reason) === 'health probe failed: The database connection is not open'), 3000, 'the probe failure')
  t.equal(beats(sent), 0)
})

t.test('an event loop blocked for a beat interval skips the beat after it', async (t) => {
  const { send, sent } = collector()
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '200000' }, log, send })
  t.teardown(() => n.close())
  n.startWatchdog(() => null) // stall limit: the beat interval, 100 ms
  await waitFor(() => beats(sent) >= 2, 3000, 'two beats')
  const before = beats(sent)
  const until = Date.now() + 250
  while (Date.now() < until) {} // the event loop does nothing else for 250 ms
  await waitFor(() => logged.some((l) => /^event loop blocked for \d+ ms$/.test(String(l.obj.reason))), 3000, 'the stall to be noticed')
  t.equal(beats(sent), before, 'the beat after the stall is skipped')
  await waitFor(() => beats(sent) > before, 3000, 'beats once the loop runs freely')
})

t.test('WATCHDOG_PID naming another process is reported, and the beats still go', async (t) => {
  const { send, sent } = collector()
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '100000', WATCHDOG_PID: '1' }, log, send, pid: 4242 })
  t.teardown(() => n.close())
  t.match(logged, [{ level: 'warn', obj: { watchdogPid: '1', pid: 4242 } }])
  n.startWatchdog(() => null)
  await waitFor(() => beats(sent) >= 1, 3000, 'a beat')
})

t.test('no systemd-notify on the machine: one warning, nothing fatal, no more attempts', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  let attempts = 0
  const missing = systemdNotifyProgram({ program: join(dir, 'systemd-notify') })
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: join(dir, 'notify.sock'), WATCHDOG_USEC: '100000' }, log, send: (f, s) => { attempts++; return missing(f, s) } })
  t.teardown(() => n.close())
  n.ready('serving')
  n.startWatchdog(() => null)
  await waitFor(() => logged.length > 0, 3000, 'the warning')
  await delay(200)
  t.equal(attempts, 1, 'tried once')
  t.equal(logged.length, 1)
  t.match(logged[0], { level: 'warn', msg: /NOTIFY_SOCKET is set but systemd cannot be told/, obj: { err: /systemd-notify not found/ } })
})

t.test('the real systemd-notify delivers to the socket; against socat its barrier times out after 5 s', async (t) => {
  const socket = await notifySocket(t)
  const send = systemdNotifyProgram({ env: { ...process.env, NOTIFY_SOCKET: socket.path } })
  const started = Date.now()
  const outcome = send(['READY=1', 'STATUS=serving store store-1'], new AbortController().signal).then(() => null, (err: Error) => err)
  await socket.waitFor((m) => m === 'READY=1\nSTATUS=serving store store-1', 5000, 'READY=1')
  t.ok(Date.now() - started < 4000, 'the message arrives before the barrier gives up')
  const err = await outcome
  t.match(err, { message: /Failed to invoke barrier: Connection timed out/ }, 'socat never closes the barrier\'s pipe (systemd does once it processed the message)')
  t.ok(Date.now() - started >= 4900, 'systemd-notify waited its 5 s for the barrier')
})

t.test('close cuts a delivery still waiting on its barrier short', async (t) => {
  const socket = await notifySocket(t)
  const { log, logged } = recorder()
  const n = new SystemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: socket.path }, log })
  n.stopping('draining')
  await socket.waitFor((m) => m.startsWith('STOPPING=1\n'), 5000, 'STOPPING=1')
  const started = Date.now()
  await n.close(100)
  t.ok(Date.now() - started < 1000, 'close waited 100 ms, not the barrier\'s 5 s')
  await delay(50)
  t.same(logged, [], 'a delivery cut short at close is not an error')
})
