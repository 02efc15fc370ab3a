// The offline bundle (npm run bundle): what the archive holds and leaves out, its BUNDLE.json, and
// that the program runs from the unpacked folder alone, in a network namespace with nothing but
// loopback: no registry, no repository node_modules, no Node.js but the one it carries.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrations } from '../../edge/src/store/migrations/index.js'
import { ROOT, testBundle, type TestBundle } from './helpers/bundle.js'
import { have, tempRoot } from './helpers/run.js'

t.setTimeout(600_000) // the first file to ask builds the bundle (about a minute; more on a busy machine)

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
const top = `store-edge-${pkg.version}`
let bundle: TestBundle
let listing: string[]

t.before(async () => {
  bundle = await testBundle()
  if (bundle.builtInS !== null) t.comment(`bundle built in ${bundle.builtInS.toFixed(1)} s`)
  listing = spawnSync('tar', ['-tvzf', bundle.archive], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout.trim().split('\n')
})

const names = (): string[] => listing.map((l) => l.slice(l.indexOf(`${top}/`)))
const has = (path: string): boolean => names().includes(`${top}/${path}`)

t.test('the archive is named for its version and machine and holds one folder, BUNDLE.json first', async (t) => {
  t.equal(bundle.archive.split('/').pop(), `${top}-linux-${process.arch}.tar.gz`)
  t.ok(names().every((n) => n.startsWith(`${top}/`)), 'every member under the top folder')
  t.equal(names()[0], `${top}/BUNDLE.json`)
  const sum = readFileSync(`${bundle.archive}.sha256`, 'utf8')
  t.equal(sum, `${createHash('sha256').update(readFileSync(bundle.archive)).digest('hex')}  ${top}-linux-${process.arch}.tar.gz\n`, 'the .sha256 beside it matches')
})

t.test('it carries the program, its production modules, the runtime and the installer', async (t) => {
  for (const path of ['SHA256SUMS', 'package.json', 'package-lock.json', 'bin/store-edge.js', 'bin/cloud-relay.js',
    'dist/edge/src/cli/run.js', 'dist/cloud-relay/src/cli.js', 'edge/web/dist/index.html', 'edge/web/dist/panel.js',
    'device-profiles/profile.schema.json', 'device-profiles/serial-barcode-scanner.json',
    'models/shelf-risk/shelf-risk.onnx', 'models/shelf-risk/model-card.json',
    'node_modules/fastify/package.json', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    `node_modules/onnxruntime-node/bin/napi-v6/linux/${process.arch}/onnxruntime_binding.node`,
    'installer/install.sh', 'installer/uninstall.sh', 'installer/lib/common.sh', 'installer/systemd/store-edge.service',
    'installer/udev/70-store-edge-serial.rules', 'installer/README.md', 'node/bin/node']) {
    t.ok(has(path), path)
  }
  const mode = (path: string): string | undefined => listing.find((l) => l.endsWith(`${top}/${path}`))?.split(' ')[0]
  t.equal(mode('installer/install.sh'), '-rwxr-xr-x', 'install.sh stays executable')
  t.equal(mode('node/bin/node'), '-rwxr-xr-x', 'the runtime is executable')
})

t.test('it leaves out development packages, other machines\' binaries, sources and training material', async (t) => {
  const all = names()
  for (const dev of ['typescript', 'tap', 'tsx', 'esbuild', 'playwright-core', '@types/better-sqlite3']) {
    t.notOk(all.some((n) => n.startsWith(`${top}/node_modules/${dev}/`)), `no ${dev}`)
  }
  const foreign = all.filter((n) => {
    const onnx = /onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(n)
    if (onnx !== null) return onnx[1] !== 'linux' || onnx[2] !== process.arch
    const prebuild = /bindings-cpp\/prebuilds\/([^/]+)\//.exec(n)
    return prebuild !== null && prebuild[1] !== `linux-${process.arch}`
  })
  t.same(foreign, [], 'native binaries for this platform and architecture only')
  t.same(all.filter((n) => /\.(ts|mts)$/.test(n) && !n.endsWith('.d.ts') && !n.includes('/node_modules/')), [], 'no TypeScript sources')
  t.notOk(all.some((n) => n.startsWith(`${top}/installer/test/`) || n.startsWith(`${top}/installer/bundle/`)), 'not the installer\'s tests or this builder')
  t.notOk(all.some((n) => n.includes('/models/') && /\/(src|test)\//.test(n)), 'no training code in models/')
  t.notOk(all.some((n) => n.startsWith(`${top}/node_modules/protobufjs/cli/`)), 'no protobufjs code generators')
  t.notOk(all.some((n) => n.startsWith(`${top}/node_modules/.bin/`)), 'no command shims')
})

t.test('BUNDLE.json says what it is, for which machine, and the digest of its file list', async (t) => {
  const m = bundle.meta
  t.match(m, {
    name: 'store-edge',
    version: pkg.version,
    platform: 'linux',
    arch: process.arch,
    node: process.version,
    nodeAbi: process.versions.modules,
    nodeIncluded: true,
    schemaVersion: Math.max(...migrations.map((x) => x.version))
  })
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  t.equal(m.gitCommit, head)
  t.ok(Date.parse(String(m.builtAt)) > Date.now() - 24 * 3600_000, 'built at: a recent ISO time')
  const sums = spawnSync('tar', ['-xzOf', bundle.archive, `${top}/SHA256SUMS`], { maxBuffer: 64 * 1024 * 1024 }).stdout
  t.equal(m.sha256sums, createHash('sha256').update(sums).digest('hex'))
  t.equal(m.files, sums.toString().trim().split('\n').length)
  const parts = m.parts as Record<string, { files: number, bytes: number, sha256: string }>
  t.same(Object.keys(parts).sort(), ['bin', 'device-profiles', 'dist', 'edge', 'installer', 'models', 'node', 'node_modules', 'package-lock.json', 'package.json'])
  t.equal(Object.values(parts).reduce((n, p) => n + p.files, 0), m.files)
  t.same(m.nativeAddons, (m.nativeAddons as string[]).filter((a) => !/darwin|win32|android/.test(a)), 'the native addons it lists are all for linux')
})

// Runs inside the network namespace with the bundle's own Node.js: starts the store server and the
// relay from the unpacked folder on port 0, asks each for its health, stops them, prints JSON.
const PROBE = `
import { spawn } from 'node:child_process'
const [dir, data] = process.argv.slice(2)
function run (script, env, marker) {
  const proc = spawn(process.execPath, [script, 'serve'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr.on('data', (c) => { err += c })
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(script + ' did not start: ' + err)) }, 60000)
    proc.stdout.on('data', (c) => {
      buf += c
      for (const line of buf.split('\\n')) {
        if (line.includes(marker)) { clearTimeout(timer); resolve({ proc, line: JSON.parse(line), exited }) }
      }
    })
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(script + ' exited ' + code + ': ' + err)) })
  })
}
async function health (url) {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() }
}
const edge = await run('bin/store-edge.js', { EDGE_HOST: '127.0.0.1', EDGE_HTTP_PORT: '0', EDGE_MQTT_PORT: '0', EDGE_DATA_DIR: data + '/edge' }, '"store-edge listening"')
const edgeHealth = await health('http://127.0.0.1:' + edge.line.ports.http + '/api/v1/health')
edge.proc.kill('SIGTERM')
const edgeExit = await edge.exited
const relay = await run('bin/cloud-relay.js', { RELAY_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_DATA_DIR: data + '/relay' }, '"cloud relay listening"')
const relayHealth = await health('http://127.0.0.1:' + relay.line.port + '/v1/health')
relay.proc.kill('SIGTERM')
const relayExit = await relay.exited
process.stdout.write(JSON.stringify({ edgeHealth, edgeExit, edgeLine: edge.line, relayHealth, relayExit }))
`

t.test('unpacked anywhere, it runs with its own Node.js and no network', async (t) => {
  const tmp = tempRoot(t, 'unpacked')
  spawnSync('tar', ['-xzf', bundle.archive, '-C', tmp])
  const dir = join(tmp, top)
  const verify = spawnSync('sha256sum', ['--quiet', '--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })
  t.equal(verify.status, 0, `every file matches SHA256SUMS ${verify.stdout}${verify.stderr}`)

  // Nothing from this machine's setup: no NODE_OPTIONS (the test runner's loader), no NODE_PATH.
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: tmp, LANG: 'C.UTF-8' }
  const help = spawnSync('node/bin/node', ['bin/store-edge.js', '--help'], { cwd: dir, env, encoding: 'utf8' })
  t.equal(help.status, 0, help.stderr)
  t.match(help.stdout, /^usage: store-edge <command>/)

  writeFileSync(join(tmp, 'probe.mjs'), PROBE)
  // A network namespace of its own with only loopback up. Where one cannot be made (no root, no
  // ip) the servers run on this machine's network, saying so; under CI that is a failure.
  const isolated = have('ip') && spawnSync('unshare', ['-n', 'true']).status === 0
  if (process.env.CI !== undefined) t.ok(isolated, 'unshare -n and ip work (root, iproute2: .ci/run installs it)')
  else if (!isolated) t.comment('no network namespace here (unshare -n or ip missing): the servers run on this machine\'s network')
  const cmd = isolated
    ? ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', 'node/bin/node', join(tmp, 'probe.mjs'), dir, tmp]
    : ['node/bin/node', join(tmp, 'probe.mjs'), dir, tmp]
  const probe = spawnSync(cmd[0], cmd.slice(1), { cwd: dir, env, encoding: 'utf8', timeout: 150_000 })
  t.equal(probe.status, 0, `probe: ${probe.stderr}`)
  const r = JSON.parse(probe.stdout) as {
    edgeHealth: { status: number, body: { status: string, version: string } }
    edgeExit: { code: number }
    edgeLine: { dataDir: string, version: string }
    relayHealth: { status: number, body: { status: string, storage: string } }
    relayExit: { code: number }
  }
  t.equal(r.edgeHealth.status, 200)
  t.match(r.edgeHealth.body, { status: 'ok', version: pkg.version })
  t.equal(r.edgeLine.dataDir, join(tmp, 'edge'), 'data in the temp dir given')
  t.equal(r.edgeExit.code, 0, 'the server drains and exits 0 on SIGTERM')
  t.equal(r.relayHealth.status, 200)
  t.match(r.relayHealth.body, { status: 'ok', storage: 'sqlite' })
  t.equal(r.relayExit.code, 0)
})

t.test('npm run bundle refuses a bad option with the usage, exit 2', async (t) => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'installer', 'bundle', 'main.ts'), '--gzip-level', '0'], { cwd: ROOT, encoding: 'utf8' })
  t.equal(res.status, 2)
  t.match(res.stderr, /--gzip-level must be 1-9, got "0"/)
  t.match(res.stderr, /usage: npm run bundle -- \[--out DIR\] \[--no-node\]/)
  const unknown = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'installer', 'bundle', 'main.ts'), '--fast'], { cwd: ROOT, encoding: 'utf8' })
  t.equal(unknown.status, 2)
  t.match(unknown.stderr, /Unknown option '--fast'/)
})
