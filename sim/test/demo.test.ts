// `npm run demo` as a newcomer runs it: the command as a child process, its printed panel address
// and sign-in used as printed, the store's live data read through the API as the signed-in manager
// and the relay's fleet view, then Ctrl-C (SIGINT) and nothing left running, listening or on disk.
// On a machine with a LAN address the one run is bound to every interface (--host 0.0.0.0), as for
// a manager's tablet, and the panel is also signed in to through that address.

import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lanAddresses } from '../src/demo/lan.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const START_TIMEOUT_MS = 40_000 // two tsx cold starts, the store's master data and a year of sales history
const DATA_TIMEOUT_MS = 20_000 // from the printed sign-in to every panel section having data
const STOP_TIMEOUT_MS = 20_000 // the server's graceful drain, then the relay's
const POLL_MS = 50 // between looks at the demo's output and API
const DEMO = join(ROOT, 'sim', 'src', 'demo', 'main.ts')
/** This machine's first LAN address; without one the run stays on loopback and the LAN part is skipped. */
const LAN = lanAddresses(networkInterfaces())[0]

interface Printed { panel: string, lanPanels: Array<{ url: string, iface: string }>, warning: string | null, username: string, password: string, adminToken: string, relay: string, relayToken: string, mqttPort: number, data: string }

function parseBanner (out: string): Printed | null {
  const panel = /^ {2}Panel\s+(http:\/\/\S+\/)(?:\s+this machine)?$/m.exec(out)
  const sign = /^ {2}Sign in\s+(\S+) \/ (\S+)$/m.exec(out)
  const api = /^ {2}API\s+\S+\s+admin token (\S+)$/m.exec(out)
  const relay = /^ {2}Relay\s+(http:\/\/\S+)\/v1\/fleet\s+admin token (\S+)$/m.exec(out)
  const mqtt = /^ {2}MQTT\s+127\.0\.0\.1:(\d+)(?:, \S+)*$/m.exec(out)
  const data = /^ {2}Data\s+(\S+)/m.exec(out)
  if (!panel || !sign || !api || !relay || !mqtt || !data) return null
  const lanPanels = [...out.matchAll(/^ {12}(http:\/\/\S+\/)\s+LAN \((\S+)\)$/gm)].map((m) => ({ url: m[1], iface: m[2] }))
  const warning = /^ {2}Warning\s+(.+)$/m.exec(out)?.[1] ?? null
  return { panel: panel[1], lanPanels, warning, username: sign[1], password: sign[2], adminToken: api[1], relay: relay[1], relayToken: relay[2], mqttPort: Number(mqtt[1]), data: data[1] }
}

async function until<T> (what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = null
  for (;;) {
    try {
      const v = await probe()
      if (v) return v
    } catch (err) { last = err }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** The promise's value, or null after timeoutMs (the timer cleared either way: it must not hold the test open). */
async function within<T> (p: Promise<T>, timeoutMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs) })
  try {
    return await Promise.race([p, late])
  } finally {
    clearTimeout(timer)
  }
}

async function signIn (panel: string, username: string, password: string): Promise<{ status: number, cookie: string }> {
  const res = await fetch(`${panel}api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] }
}

function listening (url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname)
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

t.test('a port already taken is named before anything starts, without a stack trace', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port
  const proc = spawn(process.execPath, ['--import', 'tsx', DEMO, '--host', '0.0.0.0', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stdout.on('data', (c: Buffer) => { out += c.toString() })
  proc.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const [code] = await once(proc, 'exit') as [number | null]
  t.equal(code, 2, 'exit 2: a usage problem')
  t.equal(err, `demo: --port ${port}: taken on 0.0.0.0 (another program listens there); pass --port 0 (any free port) or another port\n`)
  t.equal(out, '', 'nothing was started')
})

t.test('npm run demo: the panel address and sign-in, live data within seconds, and Ctrl-C stops it all', async (t) => {
  const hostArgs = LAN === undefined ? [] : ['--host', '0.0.0.0']
  const proc = spawn(process.execPath, ['--import', 'tsx', DEMO, '--port', '0', '--speed', '3000', '--days', '3', ...hostArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stdout.on('data', (c: Buffer) => { out += c.toString() })
  proc.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  let gone = false
  void exited.then(() => { gone = true })
  t.teardown(() => { if (!gone) proc.kill('SIGKILL') })

  const launchedAt = Date.now()
  const printed = await until('the banner', START_TIMEOUT_MS, async () => {
    if (gone) throw new Error(`the demo exited early: ${out}\n${err}`)
    return parseBanner(out)
  })
  const shownAt = Date.now()
  t.comment(`the sign-in was printed ${((shownAt - launchedAt) / 1000).toFixed(1)} s after the launch`)
  const timeline: string[] = []
  const seen = (what: string): void => { timeline.push(`${what} ${((Date.now() - shownAt) / 1000).toFixed(1)} s`) }
  t.match(printed.panel, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'the panel URL is printed')
  t.equal(printed.username, 'manager')
  t.ok(printed.password.length >= 10, 'with a generated password')

  // Signs in as the manager with exactly what was printed.
  const { status, cookie } = await signIn(printed.panel, printed.username, printed.password)
  t.equal(status, 200, 'the printed sign-in works')
  t.ok(cookie.includes('='), 'a session cookie')
  const anonymous = await fetch(`${printed.panel}api/v1/tasks`)
  t.equal(anonymous.status, 401, 'the API is protected (apiAuth sessions)')
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${printed.panel}${path}`, { headers: { cookie } })
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
    return await res.json() as T
  }

  const items = await until('master data', DATA_TIMEOUT_MS, async () => (await get<{ items: unknown[] }>('api/v1/items?limit=100')).items.length > 0 && true)
  seen('items')
  t.ok(items, 'items are imported')
  const devices = await until('devices online', DATA_TIMEOUT_MS, async () => { const d = (await get<{ devices: Array<{ id: string }> }>('api/v1/devices?status=online')).devices; return d.length > 0 && d })
  seen('devices')
  t.ok(devices.some((d) => d.id.startsWith('pos-')) && devices.some((d) => d.id.startsWith('cam-')), `POS lanes and cameras online (${devices.length} devices)`)
  t.ok(devices.some((d) => d.id.startsWith('hh-')), 'associates\' handhelds online')
  const proposals = await until('an order proposal', DATA_TIMEOUT_MS, async () => { const p = (await get<{ proposals: unknown[] }>('api/v1/order-proposals')).proposals; return p.length > 0 && p })
  seen('proposals')
  t.ok(proposals.length > 0, `order proposals (${proposals.length})`)
  const risk = await until('risk scores', DATA_TIMEOUT_MS, async () => { const r = await get<{ scores: unknown[], scored: number }>('api/v1/risk'); return r.scores.length > 0 && r })
  seen('risk')
  t.ok(risk.scored > 0, `risk scores (${risk.scored} scored)`)
  const tasks = await until('open tasks', DATA_TIMEOUT_MS, async () => { const x = (await get<{ tasks: unknown[] }>('api/v1/tasks?state=open')).tasks; return x.length > 0 && x })
  seen('open tasks')
  t.ok(tasks.length > 0, `open tasks (${tasks.length})`)
  const done = await until('tasks associates have done', DATA_TIMEOUT_MS, async () => { const x = (await get<{ tasks: Array<{ assignee: string | null }> }>('api/v1/tasks?state=done')).tasks; return x.length > 0 && x })
  seen('done tasks')
  t.ok(done.some((x) => x.assignee !== null), `associates work the tasks (${done.length} done)`)
  // The outbox reaches the relay: the fleet view shows the store with rows stored and a heartbeat.
  const fleet = await until('the store in the relay\'s fleet view with rows', DATA_TIMEOUT_MS, async () => {
    const res = await fetch(`${printed.relay}/v1/fleet`, { headers: { authorization: `Bearer ${printed.relayToken}` } })
    const body = await res.json() as { stores: Array<{ storeId: string, storedCount: number, lastHeartbeatAt: string | null }> }
    const s = body.stores.find((x) => x.storeId === 'CA_1')
    return s !== undefined && s.storedCount > 0 && s.lastHeartbeatAt !== null && s
  })
  seen('relay rows')
  t.ok(fleet.storedCount > 0, `the relay holds ${fleet.storedCount} of the store's rows`)
  t.comment(`after the sign-in was printed: ${timeline.join(', ')}`)

  // A tablet on the store's LAN: the printed LAN address serves the panel and the same sign-in.
  const lanPanel = LAN === undefined ? undefined : `http://${LAN.address}:${new URL(printed.panel).port}/`
  await t.test('--host 0.0.0.0: the panel and its sign-in from the LAN', { skip: lanPanel === undefined ? 'this machine has no IPv4 address but loopback' : false }, async (t) => {
    t.ok(printed.lanPanels.some((p) => p.url === lanPanel && p.iface === LAN!.iface), `the banner lists ${lanPanel} (${LAN!.iface})`)
    t.match(printed.warning, /--host 0\.0\.0\.0: the demo's sign-in, its API and MQTT are reachable from the LAN/, 'and warns that the sign-in is on the LAN')
    const page = await fetch(lanPanel!)
    t.equal(page.status, 200, 'the panel\'s page (npm run build makes it)')
    t.match(page.headers.get('content-type'), /text\/html/)
    const lan = await signIn(lanPanel!, printed.username, printed.password)
    t.equal(lan.status, 200, 'the printed sign-in works from the LAN')
    const items = await fetch(`${lanPanel!}api/v1/items?limit=1`, { headers: { cookie: lan.cookie } })
    t.equal(items.status, 200, 'and reads the store')
    t.ok(await listening(`http://${LAN!.address}:${printed.mqttPort}`), 'MQTT on the LAN address too')
    t.notOk(await listening(`http://${LAN!.address}:${new URL(printed.relay).port}`), 'the relay stays on loopback')
  })

  // Ctrl-C: the demo stops its children and removes its temp data.
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(proc.pid)], { encoding: 'utf8' }).stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)
  t.ok(children.length >= 2, `the relay and the store server run as children (${children.join(', ')})`)
  t.ok(existsSync(printed.data), 'the temp data dir exists while it runs')
  const stopAt = Date.now()
  proc.kill('SIGINT')
  const exit = await within(exited, STOP_TIMEOUT_MS)
  t.same(exit, { code: 0, signal: null }, `the demo exits 0 on Ctrl-C\n${out}\n${err}`)
  t.match(out, /Stopped; the demo data was removed/)
  t.comment(`stopped ${((Date.now() - stopAt) / 1000).toFixed(1)} s after SIGINT`)
  await until('the children to be gone', 5_000, async () => children.every((pid) => !alive(pid)))
  const lanUrls = LAN === undefined ? [] : [`http://${LAN.address}:${new URL(printed.panel).port}`, `http://${LAN.address}:${printed.mqttPort}`]
  for (const url of [printed.panel, printed.relay, `http://127.0.0.1:${printed.mqttPort}`, ...lanUrls]) t.notOk(await listening(url), `nothing listens at ${url}`)
  t.notOk(existsSync(printed.data), 'the temp data dir is removed')
})
