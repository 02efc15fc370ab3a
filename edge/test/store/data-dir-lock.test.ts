// One process at a time may own a data dir: the server, a restore, a migration. The lock lives as
// long as its process, whatever way the process ends.

import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { chmodSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/core/version.js'
import { LOCK_FILE, lockDataDir } from '../../src/store/data-dir-lock.js'
import { rmrf, startTestServer, tempDir, waitFor } from '../helpers/server.js'

t.test('a second taker is refused, naming the holder; after release the data dir is free again', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const first = lockDataDir(dir, 'restore')
  t.throws(() => lockDataDir(dir, 'serve'), {
    code: 'EDGE_ERR_DATA_DIR_IN_USE',
    message: new RegExp(`^store-edge restore \\(pid ${process.pid} on .+, since \\d{4}-\\d\\d-\\d\\dT.+\\) is using the data dir ${dir}; stop it first`)
  })
  first.release()
  first.release() // twice is harmless
  const second = lockDataDir(dir, 'serve')
  second.release()
  t.ok(existsSync(join(dir, LOCK_FILE)), 'the lock file stays: only the lock on it means anything')
})

t.test('a running server holds its data dir until it is closed, also after a failed start', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const server = await startTestServer(t, {}, { dataDir: dir, masterData: false })
  t.throws(() => lockDataDir(dir, 'restore'), { code: 'EDGE_ERR_DATA_DIR_IN_USE', message: /^store-edge serve \(pid \d+/ })
  await t.rejects(startTestServer(t, {}, { dataDir: dir, masterData: false }), { code: 'EDGE_ERR_DATA_DIR_IN_USE' }, 'a second server on the same data dir')
  await server.close()
  lockDataDir(dir, 'restore').release()

  // A start that fails after the lock (a port in use) gives it back.
  const blocker = await startTestServer(t, {}, { masterData: false })
  await t.rejects(startTestServer(t, { httpPort: blocker.ports.http! }, { dataDir: dir, masterData: false }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /cannot listen/ })
  lockDataDir(dir, 'restore').release()
})

t.test('a holder killed with SIGKILL leaves no lock behind', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e',
    `import('${new URL('../../src/store/data-dir-lock.ts', import.meta.url).href}').then((m) => { m.lockDataDir(${JSON.stringify(dir)}, 'serve'); console.log('held'); setInterval(() => {}, 1000) })`],
  { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { holder.kill('SIGKILL') })
  let out = ''
  holder.stdout.on('data', (c: Buffer) => { out += c.toString() })
  await waitFor(() => out.includes('held'), 20_000, 'the child to take the lock')
  t.throws(() => lockDataDir(dir, 'restore'), { code: 'EDGE_ERR_DATA_DIR_IN_USE', message: new RegExp(`pid ${holder.pid!}`) })
  holder.kill('SIGKILL')
  await new Promise((resolve) => holder.once('exit', resolve))
  lockDataDir(dir, 'restore').release()
  t.pass('free once the holder is gone')
})

t.test('a lock file the user cannot write is a clear start-up error, not a crash', async (t) => {
  const dir = tempDir()
  t.teardown(() => rmrf(dir))
  lockDataDir(dir, 'serve').release() // the file now belongs to this user...
  chmodSync(dir, 0o755)
  chmodSync(join(dir, LOCK_FILE), 0o644)
  // ...and another one tries: root drops to nobody (setpriv) for it, as a service user would be.
  const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath]
  const lockModule = new URL('../../src/store/data-dir-lock.ts', import.meta.url).href
  const script = `import(${JSON.stringify(lockModule)}).then((m) => m.lockDataDir(${JSON.stringify(dir)}, 'serve')).then(() => console.log('locked'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`
  if (process.getuid?.() !== 0) chmodSync(join(dir, LOCK_FILE), 0o444)
  const out = await new Promise<string>((resolve, reject) => {
    execFile(asOther[0], [...asOther.slice(1), '--import', 'tsx', '-e', script], { cwd: projectRoot() }, (err, stdout, stderr) => err ? reject(new Error(stderr)) : resolve(stdout))
  })
  t.match(JSON.parse(out), { code: 'EDGE_ERR_CONFIG_INVALID', message: new RegExp(`^config key "dataDir": cannot lock ${join(dir, LOCK_FILE)}: .*must be writable by the user running store-edge`) })
})
