// The command line's own contract: usage, exit codes (0 ok, 1 failed, 2 usage), unknown commands.

import t from 'tap'
import { run } from './run.js'

t.test('an unknown command exits 2 with the usage on stderr', async (t) => {
  const res = await run('frobnicate')
  t.equal(res.code, 2)
  t.same(res.lines, [])
  t.match(res.errors.join('\n'), /^store-edge: unknown command "frobnicate"/)
  t.match(res.errors.join('\n'), /usage: store-edge <command>/)
  for (const command of ['serve', 'devices add', 'items import', 'profiles check']) t.match(res.errors.join('\n'), command, `usage lists ${command}`)
})

t.test('no command at all is a usage error too', async (t) => {
  const res = await run()
  t.equal(res.code, 2)
  t.match(res.errors.join('\n'), /usage: store-edge <command>/)
})

t.test('--help and help print the usage and exit 0', async (t) => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const res = await run(...argv)
    t.equal(res.code, 0, argv.join(' '))
    t.match(res.lines.join('\n'), /usage: store-edge <command>/)
  }
})

t.test('an unknown option exits 2 naming it', async (t) => {
  const res = await run('devices', 'list', '--colour', 'red')
  t.equal(res.code, 2)
  t.match(res.errors.join('\n'), /--colour/)
})
