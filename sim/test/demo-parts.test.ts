// The demo's parts that need no processes: its command line, its banner, where it listens, its
// data dir and its pace.

import t from 'tap'
import { mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import type { NetworkInterfaceInfo } from 'node:os'
import { join } from 'node:path'
import { DEMO_USAGE, parseDemoArgs } from '../src/demo/args.js'
import { banner, type BannerFacts } from '../src/demo/banner.js'
import { lanAddresses, listenCodeIn, listenProblem } from '../src/demo/lan.js'
import { prepareDataDir } from '../src/demo/data-dir.js'
import { DemoStopped, PACED_FROM, PACED_UNTIL, Pacer } from '../src/demo/pace.js'

const DAY_MS = 86_400_000
const at = (day: number, minute: number): { t: number, day: number, minute: number } => ({ t: Date.UTC(2016, 2, 1) + day * DAY_MS + minute * 60_000, day, minute })

t.test('the command line: defaults for a newcomer, every option, mistakes named', async (t) => {
  t.match(parseDemoArgs([]), { port: 8080, host: '127.0.0.1', speed: 300, store: 'CA_1', days: 28, skus: 500, keep: false, data: null })
  t.match(parseDemoArgs(['--port', '0', '--speed', '3000', '--store', 'TX_2', '--days', '3', '--skus', '28', '--keep', '--data', 'd']), { port: 0, speed: 3000, store: 'TX_2', days: 3, skus: 28, keep: true, data: 'd' })
  t.throws(() => parseDemoArgs(['--port', '70000']), /--port 70000: a whole number 0-65535/)
  t.throws(() => parseDemoArgs(['--speed', '0']), /--speed 0: a whole number 1-/)
  t.throws(() => parseDemoArgs(['--store', 'ca1']), /--store ca1: an M5 store such as CA_1/)
  t.throws(() => parseDemoArgs(['--days']), /--days needs a value/)
  t.throws(() => parseDemoArgs(['--fast']), /unknown option --fast/)
})

t.test('--host: this machine only by default, every interface or one address on request, anything else named', async (t) => {
  t.equal(parseDemoArgs(['--host', '0.0.0.0']).host, '0.0.0.0')
  t.equal(parseDemoArgs(['--host', '192.168.1.20', '--port', '0']).host, '192.168.1.20')
  t.throws(() => parseDemoArgs(['--host']), /--host needs an address/)
  t.throws(() => parseDemoArgs(['--host', '--port', '0']), /--host needs an address/)
  for (const bad of ['192.168.1.300', 'tablet.local', '::', '']) t.throws(() => parseDemoArgs(['--host', bad]), new RegExp(`--host ${bad}: an IPv4 address`), `refused: '${bad}'`)
  t.match(DEMO_USAGE, /--host ADDR .*127\.0\.0\.1 =\s+this machine only, 0\.0\.0\.0 = every interface/s, '--help tells both')
  t.match(DEMO_USAGE, /\[127\.0\.0\.1\]/, 'and the default')
})

const NETS: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [
    { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' },
    { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '00:00:00:00:00:00', internal: true, cidr: '::1/128', scopeid: 0 }
  ],
  eth0: [
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.20/24' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 }
  ],
  wlan0: [{ address: '10.0.0.7', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.0.0.7/24' }]
}

t.test('the LAN addresses: every interface\'s IPv4 but loopback', async (t) => {
  t.same(lanAddresses(NETS), [{ iface: 'eth0', address: '192.168.1.20' }, { iface: 'wlan0', address: '10.0.0.7' }])
  t.same(lanAddresses({ lo: NETS.lo }), [])
})

function facts (args: string[], over: Partial<BannerFacts> = {}): BannerFacts {
  return {
    opts: parseDemoArgs(args),
    startDate: '2016-03-01',
    warmUpDays: 1,
    items: 500,
    panelUrl: 'http://127.0.0.1:8080/',
    lan: lanAddresses(NETS),
    username: 'manager',
    password: 'pw-0123456789',
    storeAdminToken: 'store-token',
    mqttPort: 41883,
    relayUrl: 'http://127.0.0.1:40073',
    relayAdminToken: 'relay-token',
    dataDir: '/tmp/store-edge-demo-x',
    removedOnExit: true,
    ...over
  }
}

t.test('the banner on this machine only: one panel address, no warning', async (t) => {
  const out = banner(facts([]))
  t.match(out, /^ {2}Panel {5}http:\/\/127\.0\.0\.1:8080\/$/m)
  t.notMatch(out, /192\.168|10\.0\.0\.7/, 'no LAN address')
  t.match(out, /^ {2}MQTT {6}127\.0\.0\.1:41883$/m)
  t.notMatch(out, /Warning/)
})

t.test('the banner on every interface: the panel on this machine and on each LAN address, and a warning', async (t) => {
  const out = banner(facts(['--host', '0.0.0.0']))
  const lines = out.split('\n')
  const at = lines.findIndex((l) => l.startsWith('  Panel '))
  t.same(lines.slice(at, at + 3).map((l) => l.trimEnd()), [
    '  Panel     http://127.0.0.1:8080/      this machine',
    '            http://192.168.1.20:8080/   LAN (eth0)',
    '            http://10.0.0.7:8080/       LAN (wlan0)'
  ])
  t.match(lines[at + 3], /^ {2}Sign in {3}manager \/ pw-0123456789$/, 'the sign-in follows')
  t.match(out, /^ {2}MQTT {6}127\.0\.0\.1:41883, 192\.168\.1\.20:41883, 10\.0\.0\.7:41883$/m)
  t.equal(lines.filter((l) => /Warning/.test(l)).length, 1, 'one warning line')
  t.match(out, /^ {2}Warning {3}--host 0\.0\.0\.0: the demo's sign-in, its API and MQTT are reachable from the LAN$/m)

  const alone = banner(facts(['--host', '0.0.0.0'], { lan: [] }))
  t.match(alone, /^ {2}Panel {5}http:\/\/127\.0\.0\.1:8080\/ +this machine\n {12}\(no LAN address: only loopback has IPv4 here\)$/m, 'no LAN interface up: said so')
  t.match(banner(facts(['--host', '0.0.0.0'], { panelUrl: 'http://127.0.0.1:80/' })), /http:\/\/192\.168\.1\.20:80\//, 'port 80 kept in the LAN address')
})

t.test('the banner on one LAN address: that address, and the warning', async (t) => {
  const out = banner(facts(['--host', '192.168.1.20'], { panelUrl: 'http://192.168.1.20:8080/' }))
  t.match(out, /^ {2}Panel {5}http:\/\/192\.168\.1\.20:8080\/$/m)
  t.match(out, /^ {2}MQTT {6}192\.168\.1\.20:41883$/m)
  t.match(out, /^ {2}Warning {3}--host 192\.168\.1\.20: .*reachable from the LAN$/m)
})

t.test('where it listens is checked before anything starts: a taken port and a foreign address named', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port
  t.match(await listenProblem('127.0.0.1', port, NETS), new RegExp(`^--port ${port}: taken on 127\\.0\\.0\\.1 .*--port 0`))
  t.match(await listenProblem('0.0.0.0', port, NETS), new RegExp(`^--port ${port}: taken on 0\\.0\\.0\\.0`), 'every interface includes loopback')
  // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): no machine has it.
  t.match(await listenProblem('203.0.113.7', 0, NETS), /^--host 203\.0\.113\.7: not an address of this machine \(its IPv4 addresses: 127\.0\.0\.1, 192\.168\.1\.20, 10\.0\.0\.7\)/)
  t.equal(await listenProblem('127.0.0.1', 0, NETS), null, 'a free port is fine')
  t.equal(await listenProblem('0.0.0.0', 0, NETS), null)
  // The same told when the server's own bind fails (a port taken after the check).
  t.equal(listenCodeIn('store-edge exited (1) before listening; stderr: store-edge: EdgeError: cannot listen: listen EADDRINUSE: address already in use 0.0.0.0:8080'), 'EADDRINUSE')
  t.equal(listenCodeIn('store-edge exited (1) before listening; stderr: EACCES: permission denied, open \'/data/x\''), null, 'not a listen error')
})

t.test('the data dir: a temp one removed unless kept; a given one must be empty and stays', async (t) => {
  const temp = prepareDataDir({ data: null, keep: false })
  t.ok(existsSync(temp.relay) && existsSync(temp.store), 'a dir each for the relay and the store')
  temp.remove()
  t.notOk(existsSync(temp.root), 'a temp dir goes')
  const kept = prepareDataDir({ data: null, keep: true })
  kept.remove()
  t.ok(existsSync(kept.root), '--keep keeps it')
  rmSync(kept.root, { recursive: true })

  const parent = mkdtempSync(join(tmpdir(), 'demo-data-test-'))
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const given = prepareDataDir({ data: join(parent, 'new'), keep: false })
  given.remove()
  t.ok(existsSync(given.store), 'a --data dir is never removed')
  writeFileSync(join(parent, 'old.txt'), 'x')
  t.throws(() => prepareDataDir({ data: parent, keep: false }), /not empty/, 'a demo starts from a fresh store')
})

t.test('the pace: open minutes follow the wall clock at speed, closed ones and the warm-up do not wait', async (t) => {
  const speed = 6000 // 10 ms of real time per simulated minute
  const pacer = new Pacer({ speed, fromDay: 1, signal: new AbortController().signal })
  let started = performance.now()
  for (let m = PACED_FROM; m < PACED_FROM + 30; m++) await pacer.wait(at(0, m))
  t.ok(performance.now() - started < 200, 'the warm-up day runs flat out')
  started = performance.now()
  for (let m = 0; m < PACED_FROM; m += 5) await pacer.wait(at(1, m))
  for (let m = PACED_UNTIL; m < 24 * 60; m += 5) await pacer.wait(at(1, m))
  t.ok(performance.now() - started < 200, 'closed hours run flat out')
  let told = 0
  const paced = new Pacer({ speed, fromDay: 1, signal: new AbortController().signal, onFirstPaced: () => { told++ } })
  started = performance.now()
  for (let m = PACED_FROM; m <= PACED_FROM + 20; m++) await paced.wait(at(1, m))
  t.ok(performance.now() - started >= 20 * 60_000 / speed - 5, '20 open minutes take 20 x 10 ms at the least')
  t.equal(told, 1, 'the first paced minute is told once')
})

t.test('the pace does not make up for a slow stretch with a burst', async (t) => {
  let real = 0
  const stop = new AbortController()
  const pacer = new Pacer({ speed: 60, fromDay: 0, signal: stop.signal, realNow: () => real })
  await pacer.wait(at(0, PACED_FROM))
  real = 120_000 // ms: the server took two real minutes over one simulated minute
  await pacer.wait(at(0, PACED_FROM + 1))
  let waited = false
  const next = pacer.wait(at(0, PACED_FROM + 2)).then(() => { waited = false }, () => { waited = true })
  await new Promise((resolve) => setTimeout(resolve, 50))
  stop.abort()
  await next
  t.ok(waited, 'the next minute waits its second again (the clock re-anchored) instead of running at once')
})

t.test('a stop ends the wait at once, and every later minute', async (t) => {
  const stop = new AbortController()
  const pacer = new Pacer({ speed: 1, fromDay: 0, signal: stop.signal })
  await pacer.wait(at(0, PACED_FROM))
  const waiting = pacer.wait(at(0, PACED_FROM + 1)) // a real minute away
  setTimeout(() => stop.abort(), 10)
  await t.rejects(waiting, DemoStopped)
  await t.rejects(pacer.wait(at(0, 0)), DemoStopped, 'closed hours too')
})
