// `store-edge accounts`: the first manager of a fresh appliance, with a generated password shown
// once (or one from stdin, never from the command line), listed and removed; the last manager stays.

import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { accountsCommand } from '../../src/cli/accounts.js'
import { configFrom } from '../../src/cli/context.js'
import { Accounts } from '../../src/store/accounts.js'
import { openDatabase } from '../../src/store/db.js'
import { run, storeDir } from './run.js'

function accounts<T> (dataDir: string, fn: (a: Accounts) => T): T {
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  try { return fn(new Accounts(db)) } finally { db.close() }
}

t.test('accounts add prints a generated password once, and it signs in', async (t) => {
  const { dataDir, cfg } = storeDir(t)
  const r = await run('accounts', 'add', 'maria', '--role', 'manager', '--name', 'Maria Lopez', ...cfg)
  t.equal(r.code, 0, r.text)
  t.equal(r.lines[0], 'created maria (manager)')
  const password = /^password: (\S{16})$/.exec(r.lines[1])?.[1]
  t.ok(password, 'a 16-character password')
  accounts(dataDir, (a) => t.match(a.verify('maria', password!), { username: 'maria', displayName: 'Maria Lopez', role: 'manager' }))
  const list = await run('accounts', 'list', ...cfg)
  t.same(list.lines, ['maria\tmanager\tactive\tMaria Lopez'])
})

t.test('--password-stdin takes the password from stdin and does not print it; a weak one is refused', async (t) => {
  const { dataDir, configFile } = storeDir(t)
  const lines: string[] = []
  const errors: string[] = []
  const out = { line: (s: string) => { lines.push(s) }, error: (s: string) => { errors.push(s) } }
  const code = accountsCommand(['add', 'victor'], { config: configFile, role: 'viewer', 'password-stdin': true, json: false }, out, () => 'backroom-view-7\n')
  t.equal(code, 0)
  t.same(lines, ['created victor (viewer)'], 'nothing secret printed')
  accounts(dataDir, (a) => t.equal(a.verify('victor', 'backroom-view-7').role, 'viewer'))
  t.throws(() => accountsCommand(['add', 'sam'], { config: configFile, role: 'viewer', 'password-stdin': true, json: false }, out, () => 'short\n'), { code: 'EDGE_ERR_PASSWORD_WEAK' })
  t.ok(configFrom({ config: configFile }))
})

t.test('usage errors exit 2; removing the last manager is refused', async (t) => {
  const { cfg } = storeDir(t)
  t.equal((await run('accounts', 'add', 'maria', ...cfg)).code, 2, 'a role is required')
  t.equal((await run('accounts', 'add', 'maria', '--role', 'owner', ...cfg)).code, 2)
  await run('accounts', 'add', 'maria', '--role', 'manager', ...cfg)
  const last = await run('accounts', 'remove', 'maria', ...cfg)
  t.not(last.code, 0)
  t.match(last.text, /EDGE_ERR_LAST_MANAGER|last active manager/)
})
