// `store-edge health`: what the upgrade script waits on after starting the new version.

import t from 'tap'
import { createServer } from 'node:net'
import { packageVersion } from '../../src/core/version.js'
import { migrations } from '../../src/store/migrations/index.js'
import { startTestServer } from '../helpers/server.js'
import { run, storeDir } from './run.js'

const version = packageVersion()

/** A port nobody listens on (just released by the kernel). */
async function freePort (): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

t.test('a running server answers ok with its store, version and schema', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const base = `http://127.0.0.1:${server.ports.http}`
  const res = await run('health', '--url', base, '--expect-version', version)
  t.equal(res.code, 0, res.text)
  t.same(res.lines, [`ok: store store-1, version ${version}, schema ${migrations.at(-1)!.version} (${base}/api/v1/health)`])
  const json = await run('health', '--url', `${base}/api/v1/health`, '--json')
  t.equal(json.code, 0)
  t.match(JSON.parse(json.lines[0]), { ok: true, url: `${base}/api/v1/health`, status: 'ok', version, storeId: 'store-1' })
})

t.test('without --url it asks the configured port on this machine', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const { cfg } = storeDir(t, { host: '0.0.0.0', httpPort: server.ports.http })
  const res = await run('health', ...cfg)
  t.equal(res.code, 0, res.text)
  t.match(res.lines[0], `(http://127.0.0.1:${server.ports.http}/api/v1/health)`)
})

t.test('nothing answering: exit 1 after the wait, with the last error', async (t) => {
  const port = await freePort()
  const started = Date.now()
  const res = await run('health', '--url', `http://127.0.0.1:${port}`, '--wait', '1.5')
  t.equal(res.code, 1)
  t.ok(Date.now() - started >= 1500, 'it kept asking for the whole wait')
  t.match(res.errors.join('\n'), `store-edge: not healthy after 1.5 s: no answer from http://127.0.0.1:${port}/api/v1/health: connect ECONNREFUSED`)
  const once = await run('health', '--url', `http://127.0.0.1:${port}`)
  t.equal(once.code, 1, 'without --wait: one try')
  t.match(once.errors.join('\n'), /^store-edge: not healthy: no answer/)
})

t.test('a server that comes up during the wait is found', async (t) => {
  const port = await freePort()
  const asked = run('health', '--url', `http://127.0.0.1:${port}`, '--wait', '60')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  await startTestServer(t, { httpPort: port }, { masterData: false })
  const res = await asked
  t.equal(res.code, 0, res.text)
})

t.test('another version answering is not healthy: exit 1 naming both', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const res = await run('health', '--url', `http://127.0.0.1:${server.ports.http}`, '--expect-version', '99.0.0', '--wait', '1', '--json')
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), `answered version ${version}, expected 99.0.0`)
  t.match(JSON.parse(res.lines[0]), { ok: false, version, reason: /expected 99\.0\.0/ })
})

t.test('a draining server is not healthy', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const base = `http://127.0.0.1:${server.ports.http}`
  // Asked during the drain: the HTTP listener closes early in it, so the answer is "draining" or
  // none at all; never ok.
  const closing = server.close()
  const res = await run('health', '--url', base)
  await closing
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), /not healthy: (.*status draining|no answer)/)
})

t.test('usage: --wait must be seconds; an unknown port needs --url', async (t) => {
  const { cfg } = storeDir(t, { httpPort: 0 })
  t.equal((await run('health', '--wait', 'soon', '--url', 'http://127.0.0.1:1')).code, 2)
  t.equal((await run('health', '--wait', '-1', '--url', 'http://127.0.0.1:1')).code, 2)
  const res = await run('health', ...cfg)
  t.equal(res.code, 2)
  t.match(res.errors.join('\n'), 'httpPort is 0 (any free port)')
  t.equal((await run('health', 'extra', '--url', 'http://127.0.0.1:1')).code, 2)
})
