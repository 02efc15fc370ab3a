// stop() leaves nothing behind: no port, no poller, no retry timer.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ptyDir, startPty } from './pty.js'
import { startReader } from './reader-harness.js'
import { waitFor } from '../helpers/wait-for.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./fixtures/stop-child.ts', import.meta.url))
const EXIT_WITHIN_MS = 10_000 // milliseconds: generous for tsx start-up; a leak never exits at all

t.test('after stop() a process running readers exits by itself', async (t) => {
  const dir = ptyDir(t)
  const pty = await startPty(t, dir)
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, pty.devPath, `${dir}/missing`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  let exitCode: number | null | undefined
  child.once('exit', (code, signal) => { exitCode = code ?? (signal === null ? null : -1) })
  t.teardown(() => { if (exitCode === undefined) child.kill('SIGKILL') })

  await waitFor(() => stdout.includes('ready\n') || exitCode !== undefined, EXIT_WITHIN_MS, 'the child ready')
  pty.write('4006381333931\r\n')
  await waitFor(() => exitCode !== undefined, EXIT_WITHIN_MS, `the child to exit (stderr: ${stderr})`)
  t.equal(exitCode, 0, `exit code (stderr: ${stderr})`)
  const report = JSON.parse(stdout.split('\n')[1]) as { frames: string[], health: Array<{ state: string, nextRetryAt: string | null }> }
  t.same(report.frames, ['4006381333931'])
  t.same(report.health.map((h) => h.state), ['stopped', 'stopped', 'stopped'])
  t.same(report.health.map((h) => h.nextRetryAt), [null, null, null])
})

t.test('stop() while retrying cancels the retry; stop() twice is fine', async (t) => {
  const r = startReader(t, `${ptyDir(t)}/missing`)
  await waitFor(() => r.reader.health().state === 'retrying', 5_000, 'retrying')
  await r.reader.stop()
  const h = r.reader.health()
  t.equal(h.state, 'stopped')
  t.equal(h.nextRetryAt, null)
  const attempts = r.lines.length
  await new Promise((resolve) => setTimeout(resolve, 100)) // milliseconds: several backoff periods
  t.equal(r.lines.length, attempts, 'no attempt after stop()')
  await r.reader.stop()
  t.equal(r.logged('serial port stopped').length, 1)
})

t.test('a stopped reader can be started again', async (t) => {
  const pty = await startPty(t, ptyDir(t))
  const r = startReader(t, pty.devPath)
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'open')
  await r.reader.stop()
  r.reader.start()
  await waitFor(() => r.reader.health().state === 'open', 5_000, 'open again')
  pty.write('96385074\r\n')
  await waitFor(() => r.frames.length === 1, 5_000, 'a code')
  t.same(r.frames, ['96385074'])
})
