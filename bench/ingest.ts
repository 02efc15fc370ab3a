// npm run bench:ingest: the store server's ingest path under load, against Mosquitto as the
// reference, in the same run (see bench/README.md).
//
//   1. prepare a temp data dir with the project's modules (master data, device fleet, secrets file)
//   2. start the store server as a child process (ports 0, log level warn, synchronous FULL)
//   3. memory: RSS idle, with 2,000 devices connected, after a burst
//   4. throughput: 200 devices x 20 QoS 1 in flight, events/s committed
//   5. latency: 5,000 msg/s offered open loop, publish-to-PUBACK percentiles
//   6. the same loads through Mosquitto with one QoS 1 subscriber
//   7. stop the server, check that every acknowledged event is in SQLite, report

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { compileBench } from './lib/compile.js'
import { runBench } from './lib/run.js'
import type { BenchDevice } from './lib/data.js'
import type { Fleet } from './lib/load.js'
import { parseOptions, type BenchOptions } from './lib/options.js'
import { mosquittoPhases } from './lib/phases-mosquitto.js'
import { memoryPhase, throughputAndLatency, type StoreContext } from './lib/phases-store.js'
import { prepareDataDir } from './lib/prepare.js'
import { formatReport, targetsOf, type Results } from './lib/report.js'
import { ROOT, startServerChild, stopServerChild, type ServerChild } from './lib/server.js'
import type { Subscriber } from './lib/subscriber.js'
import { gitCommit, openFilesLimit } from './lib/sysinfo.js'
import { formatSummary, summarise, type Profile } from './profile-summary.js'

const STORE_ID = 'bench-store'
const HOST = '127.0.0.1'
const OUT = join(ROOT, 'bench', 'out')

const log = (msg: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`) }

let onAbort: (() => Promise<void>) | null = null

async function main (o: BenchOptions): Promise<Results> {
  const needFds = o.memDevices + o.devices + 200
  if (openFilesLimit() < needFds) throw new Error(`ulimit -n is ${openFilesLimit()}; the bench needs about ${needFds} (raise it: ulimit -n ${needFds * 2})`)
  const startedAt = new Date().toISOString()
  const stamp = startedAt.replace(/[:.]/g, '-')
  const results: Results = {
    startedAt,
    machine: { cores: availableParallelism(), node: process.version, commit: gitCommit(ROOT) },
    options: { ...o },
    storeEdge: {},
    mosquitto: null,
    targets: []
  }
  const tmp = mkdtempSync(join(tmpdir(), 'store-edge-bench-'))
  let server: ServerChild | null = null
  const fleets = new Set<Fleet>()
  const subs = new Set<Subscriber>()
  const cleanup = async (): Promise<void> => {
    await Promise.all([...fleets].map((f) => f.close().catch(() => {})))
    await Promise.all([...subs].map((s) => s.close().catch(() => {})))
    if (server) await stopServerChild(server).catch(() => {})
    rmSync(tmp, { recursive: true, force: true })
  }
  onAbort = cleanup
  try {
    const dataDir = join(tmp, 'data')
    const fleetSize = Math.max(o.devices, o.memDevices)
    log(`preparing ${dataDir}: ${o.skus} SKUs, ${fleetSize} devices`)
    const prep = prepareDataDir(dataDir, o.skus, fleetSize)
    log(`imported ${JSON.stringify(prep.imported)}; secrets in ${prep.secretsFile}`)

    const compiled = compileBench(ROOT)
    server = await startServerChild(compiled(join(ROOT, 'bench', 'server-child.ts')), {
      EDGE_DATA_DIR: dataDir,
      EDGE_HOST: HOST,
      EDGE_HTTP_PORT: '0',
      EDGE_MQTT_PORT: '0',
      EDGE_STORE_ID: STORE_ID,
      EDGE_LOG_LEVEL: 'warn',
      EDGE_DB_SYNCHRONOUS: 'FULL'
    })
    const srv = server
    const health = await (await fetch(`http://${HOST}:${srv.ports.http}/api/v1/health`)).json() as { ports: { mqtt: number }, devices: { registered: number } }
    if (health.ports.mqtt !== srv.ports.mqtt) throw new Error(`health reports MQTT port ${health.ports.mqtt}, the server said ${srv.ports.mqtt}`)
    log(`store server pid ${srv.pid}: MQTT ${srv.ports.mqtt}, HTTP ${srv.ports.http}, ${health.devices.registered} devices registered`)

    const storeTopic = (d: BenchDevice): string => `stores/${STORE_ID}/devices/${d.id}/${d.stream}`
    const ctx: StoreContext = {
      srv,
      ep: { host: HOST, port: srv.ports.mqtt },
      devices: prep.devices,
      items: prep.items,
      fleetOptions: { topicOf: storeTopic, clientIdOf: (d) => d.id, auth: true, keepaliveS: 60 },
      o,
      log,
      open: fleets,
      profileFile: (phase) => join(OUT, `ingest-${stamp}-${phase}.cpuprofile`)
    }
    // Memory first, on a fresh process: its idle figure is the server as started.
    const mem = await memoryPhase(ctx)
    results.storeEdge.memory = mem.memory
    const tl = await throughputAndLatency(ctx)
    results.storeEdge.throughput = tl.throughput
    results.storeEdge.latency = tl.latency
    results.storeEdge.commits = tl.commits
    results.storeEdge.latencyCommits = tl.latencyCommits
    results.storeEdge.eventsPerMessage = tl.eventsPerMessage
    const ackedEvents = mem.ackedEvents + tl.ackedEvents

    if (o.mosquitto) {
      results.mosquitto = await mosquittoPhases(o, prep.devices, prep.items, storeTopic,
        compiled(join(ROOT, 'bench', 'lib', 'subscriber-worker.ts')), fleets, subs, log)
    }

    // Stop the server (graceful drain) and check the database against what was acknowledged.
    const exit = await stopServerChild(srv)
    server = null
    const db = new BetterSqlite3(join(dataDir, 'store.db'), { readonly: true })
    const eventsInDb = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
    const deadLetters = (db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n
    db.close()
    results.verification = { ackedEvents, eventsInDb, deadLetters, ok: eventsInDb === ackedEvents && deadLetters === 0 }
    const names: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
    const levels: Record<string, number> = {}
    for (const [lvl, n] of srv.logLevels) levels[names[lvl] ?? String(lvl)] = n
    results.server = { logLines: levels, errors: srv.errors, warnings: srv.warnings.slice(-5), exit: exit.signal ?? String(exit.code) }
    if (o.profile) {
      results.profiles = ['phase1', 'phase2'].map((phase) => {
        const file = ctx.profileFile(phase)
        return { phase, file, summary: formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile), 15) }
      })
    }
    results.targets = targetsOf(results)
    return results
  } finally {
    await cleanup()
    onAbort = null
  }
}

const opts = (() => {
  try {
    return parseOptions(process.argv.slice(2), process.env)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(2)
  }
})()

// Bounded in time whatever happens: the full run takes a few minutes, --quick well under one.
await runBench({
  name: 'ingest',
  outDir: OUT,
  deadlineMs: (opts.quick ? 180 : 900) * 1000,
  main: () => main(opts),
  format: formatReport,
  abort: () => onAbort?.(),
  log
})
