// What install.sh and uninstall.sh refuse, each with a clear message and its own exit status
// (2 usage, 1 a check failed, 3 another version installed), before they touch anything.

import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testBundle, type TestBundle } from './helpers/bundle.js'
import { INSTALLER, runScript, tempRoot } from './helpers/run.js'

t.setTimeout(600_000) // may wait for the bundle (built once for all test files)

let bundle: TestBundle
t.before(async () => { bundle = await testBundle() })

/** A bundle archive holding only BUNDLE.json: the real one with some fields changed (the installer reads it first). */
function fakeBundle (dir: string, changes: Record<string, unknown>): string {
  const meta = { ...bundle.meta, ...changes }
  const top = `store-edge-${String(meta.version)}`
  mkdirSync(join(dir, 'src', top), { recursive: true })
  writeFileSync(join(dir, 'src', top, 'BUNDLE.json'), JSON.stringify(meta, null, 2) + '\n')
  const file = join(dir, `${top}-linux-${String(meta.arch)}.tar.gz`)
  spawnSync('tar', ['-czf', file, '-C', join(dir, 'src'), top])
  return file
}

const otherArch = process.arch === 'x64' ? 'arm64' : 'x64'

for (const [args, said] of [
  [[], /--bundle FILE is required/],
  [['--bundle', 'x.tar.gz', '--frobnicate'], /unknown argument '--frobnicate'/],
  [['--bundle', 'x.tar.gz', '--http-port', '70000'], /--http-port must be a port number 1-65535, got '70000'/],
  [['--bundle', 'x.tar.gz', '--mqtt-port', 'one'], /--mqtt-port must be a port number 1-65535, got 'one'/],
  [['--bundle', 'x.tar.gz', '--http-port', '--no-start'], /--http-port needs a value/],
  [['--bundle'], /--bundle needs a value/],
  [['--bundle', 'x.tar.gz', '--store-id', 'store 7!'], /--store-id must be 1-64 letters, digits, _ or -, got 'store 7!'/],
  [['--bundle', 'x.tar.gz', '--prefix', 'opt/store-edge'], /--prefix must be an absolute path/],
  [['--bundle', 'x.tar.gz', '--prefix', '/usr'], /--prefix \/usr is a system folder/],
  [['--bundle', 'x.tar.gz', '--prefix', '/opt/my store'], /--prefix may hold letters, digits and \. _ - \/ only/],
  [['--bundle', 'x.tar.gz', '--relay', '--store-id', 's1'], /--store-id, --http-port and --mqtt-port are for the store server, not --relay/],
  [['--bundle', 'x.tar.gz', '--relay-port', '8091'], /--relay-port goes with --relay/]
] as const) {
  t.test(`install.sh ${args.join(' ') || '(no arguments)'}: usage error`, async (t) => {
    const res = await runScript('install.sh', [...args])
    t.equal(res.code, 2)
    t.match(res.stderr, said)
    t.match(res.stderr, /usage: install\.sh --bundle FILE\.tar\.gz/, 'with the usage')
    t.equal(res.stdout, '')
  })
}

t.test('uninstall.sh with an unknown argument: usage error', async (t) => {
  const res = await runScript('uninstall.sh', ['--force'])
  t.equal(res.code, 2)
  t.match(res.stderr, /unknown argument '--force'/)
  t.match(res.stderr, /usage: uninstall\.sh/)
})

t.test('--help prints the usage and exits 0', async (t) => {
  for (const script of ['install.sh', 'uninstall.sh']) {
    const res = await runScript(script, ['--help'])
    t.equal(res.code, 0)
    t.match(res.stdout, `usage: ${script}`)
  }
})

t.test('without --root it must run as root', async (t) => {
  const res = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'bash', join(INSTALLER, 'install.sh'), '--bundle', bundle.archive], { encoding: 'utf8' })
  t.equal(res.status, 1)
  t.match(res.stderr, /install\.sh: error: run as root \(sudo install\.sh \.\.\.\), or with --root DIR/)
})

t.test('a file that is missing or not a bundle', async (t) => {
  const dir = tempRoot(t, 'notbundle')
  const missing = await runScript('install.sh', ['--bundle', join(dir, 'nope.tar.gz'), '--root', join(dir, 'root')])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /bundle \S+nope\.tar\.gz: no such file/)
  writeFileSync(join(dir, 'notes.tar.gz'), 'just text')
  const text = await runScript('install.sh', ['--bundle', join(dir, 'notes.tar.gz'), '--root', join(dir, 'root')])
  t.equal(text.code, 1)
  t.match(text.stderr, /is not a store-edge bundle \(a \.tar\.gz with BUNDLE\.json\)/)
})

t.test('a bundle for another architecture or platform is refused before anything is written', async (t) => {
  const dir = tempRoot(t, 'arch')
  const root = join(dir, 'root')
  mkdirSync(root)
  const arch = await runScript('install.sh', ['--bundle', fakeBundle(join(dir, 'a'), { arch: otherArch }), '--root', root])
  t.equal(arch.code, 1)
  t.match(arch.stderr, `is for linux-${otherArch}, this machine is linux-${process.arch}`)
  const platform = await runScript('install.sh', ['--bundle', fakeBundle(join(dir, 'p'), { platform: 'darwin' }), '--root', root])
  t.equal(platform.code, 1)
  t.match(platform.stderr, /is for darwin, this machine runs linux/)
  t.same(readdirSync(root), [], 'the root is untouched')
})

t.test('an operating system other than Debian 12+ / Ubuntu 22.04+ is refused unless --skip-os-check', async (t) => {
  const root = tempRoot(t, 'os')
  mkdirSync(join(root, 'etc'))
  const wrongArch = fakeBundle(tempRoot(t, 'fake'), { arch: otherArch })
  for (const [release, ok] of [['ID=fedora\nVERSION_ID=40\n', false], ['ID=ubuntu\nVERSION_ID="20.04"\n', false], ['ID=debian\nVERSION_ID="11"\n', false],
    ['ID=ubuntu\nVERSION_ID="22.04"\n', true], ['ID=debian\nVERSION_ID="12"\n', true], ['ID=ubuntu\nVERSION_ID="24.04"\n', true]] as const) {
    writeFileSync(join(root, 'etc', 'os-release'), release)
    // The wrong-arch bundle stops the install right after the OS check: which error comes tells which check passed.
    const res = await runScript('install.sh', ['--bundle', wrongArch, '--root', root])
    t.equal(res.code, 1)
    if (ok) t.match(res.stderr, /this machine is linux-/, `${release.trim()}: supported`)
    else t.match(res.stderr, /store-edge supports Debian 12\+ and Ubuntu 22\.04\+ \(--skip-os-check to go on anyway\)/, `${release.trim()}: refused`)
  }
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=fedora\nVERSION_ID=40\n')
  const skipped = await runScript('install.sh', ['--bundle', wrongArch, '--root', root, '--skip-os-check'])
  t.match(skipped.stderr, /this machine is linux-/, '--skip-os-check goes on to the next check')
})

t.test('another version installed: install.sh points to upgrade.sh and changes nothing', async (t) => {
  const root = tempRoot(t, 'versions')
  // The state an install of the real bundle leaves, as far as the check reads it.
  mkdirSync(join(root, 'opt', 'store-edge', 'releases', bundle.meta.version), { recursive: true })
  symlinkSync(`releases/${bundle.meta.version}`, join(root, 'opt', 'store-edge', 'current'))
  const newer = await runScript('install.sh', ['--bundle', fakeBundle(tempRoot(t, 'fake'), { version: '99.0.0' }), '--root', root])
  t.equal(newer.code, 3)
  t.match(newer.stderr, `store-edge ${bundle.meta.version} is installed in /opt/store-edge; this bundle is 99.0.0: upgrade with`)
  t.match(newer.stderr, `${INSTALLER}/upgrade.sh --bundle `, 'the upgrade.sh beside this install.sh')
  t.match(newer.stderr, /store-edge-99\.0\.0-linux-\S+\.tar\.gz/)
  const older = await runScript('install.sh', ['--bundle', fakeBundle(tempRoot(t, 'fake'), { version: '0.0.1' }), '--root', root])
  t.equal(older.code, 3)
  t.match(older.stderr, `newer than this bundle (0.0.1): install.sh does not go back`)
  t.same(readdirSync(join(root, 'opt', 'store-edge', 'releases')), [bundle.meta.version], 'nothing unpacked')
})

t.test('one installer at a time: a second one while the first holds the lock stops at once', async (t) => {
  const root = tempRoot(t, 'lock')
  mkdirSync(join(root, 'run', 'lock'), { recursive: true })
  const lock = join(root, 'run', 'lock', 'store-edge-installer.lock')
  // Holds the lock the way a running install.sh does, until killed.
  const holder = spawn('flock', [lock, 'sleep', '60'], { stdio: 'ignore' })
  t.teardown(() => { holder.kill() })
  for (let i = 0; spawnSync('flock', ['-n', lock, 'true']).status === 0; i++) {
    if (i > 200) throw new Error('flock did not take the lock in 10 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const res = await runScript('install.sh', ['--bundle', bundle.archive, '--root', root])
  t.equal(res.code, 1)
  t.match(res.stderr, `another install.sh, upgrade.sh or uninstall.sh is running on ${root}`)
  t.notOk(readdirSync(root).includes('opt'), 'nothing installed')
})
