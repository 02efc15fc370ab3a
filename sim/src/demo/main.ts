// `npm run demo`: the cloud relay, a store server registered at it, and a simulated store selling
// real M5 demand at accelerated time against that server (the simulator's own store-edge session:
// devices over MQTT, handhelds over HTTP, the server's tasks and order proposals). Prints the panel
// and a manager sign-in, runs until Ctrl-C, then stops the simulator, the server and the relay in
// that order and removes the temp data.

import { randomBytes } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { parseArgs } from '../cli/args.js'
import { defaultM5File, loadM5 } from '../demand/m5.js'
import { addDays } from '../engine/day-plan.js'
import { setUp } from '../engine/setup.js'
import { runSession } from '../session.js'
import { createManager } from './account.js'
import { DEMO_USAGE, parseDemoArgs, UsageError, type DemoOptions } from './args.js'
import { banner, dayLine, HOLDING, pacedLine, startingLine, STOPPING } from './banner.js'
import { prepareDataDir, type DemoData } from './data-dir.js'
import { lanAddresses, listenCodeIn, listenError, listenProblem } from './lan.js'
import { DemoStopped, Pacer } from './pace.js'
import { registerStore, startRelay, type DemoRelay } from './relay.js'

const SEED = 7
/**
 * Days run flat out before the clock is paced: the panel opens on a store with a day behind it
 * (sales, counts and fills done, the evening's orders sent, the morning's delivery in) rather
 * than an empty one at midnight.
 */
const WARM_UP_DAYS = 1
/** Seconds between the store's heartbeats to the relay: the fleet view shows it live. */
const HEARTBEAT_S = 10

export async function main (argv: readonly string[]): Promise<number> {
  let opts: DemoOptions
  try {
    opts = parseDemoArgs(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`demo: ${err.message}\n\n${DEMO_USAGE}`)
    return 2
  }
  if (opts.help) {
    process.stdout.write(DEMO_USAGE)
    return 0
  }
  // A taken port or an address this machine does not have, said before anything starts.
  const problem = await listenProblem(opts.host, opts.port, networkInterfaces())
  if (problem !== null) {
    process.stderr.write(`demo: ${problem}\n`)
    return 2
  }

  // Ctrl-C from here on stops what has been started and removes the temp data.
  const stop = new AbortController()
  const children: { relay: DemoRelay | null, serverPid: number | null, data: DemoData | null } = { relay: null, serverPid: null, data: null }
  const onSignal = (): void => {
    if (!stop.signal.aborted) {
      process.stdout.write(`\n${STOPPING}\n`)
      stop.abort()
      return
    }
    // A second Ctrl-C: no more waiting for a graceful drain.
    for (const pid of [children.serverPid, children.relay?.pid]) if (pid != null) try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
    children.data?.remove()
    process.exit(130)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // Nobody reads the output any more (`npm run demo | head`): stop as on Ctrl-C, not with a crash
  // that would leave the temp data behind.
  process.stdout.on('error', () => { stop.abort() })

  const m5 = loadM5(defaultM5File())
  if (!m5.stores.includes(opts.store)) {
    process.stderr.write(`demo: --store ${opts.store}: not in the M5 data (stores: ${m5.stores.join(', ')})\n`)
    return 2
  }
  let data: DemoData
  try {
    data = children.data = prepareDataDir(opts)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`demo: ${err.message}\n`)
    return 2
  }

  const started = Date.now()
  const sim = { ...parseArgs(['--store', opts.store, '--days', String(opts.days), '--skus', String(opts.skus)]).sim, seed: SEED }
  let code = 0
  try {
    process.stdout.write(startingLine('relay', opts))
    const relayAdminToken = randomBytes(24).toString('hex')
    // A Ctrl-C during the start takes effect between its steps (each is a few seconds at most).
    const carryOn = (): void => { if (stop.signal.aborted) throw new DemoStopped() }
    carryOn()
    const storeToken = await registerStore(data.relay, opts.store, `Demo store ${opts.store}`)
    carryOn()
    children.relay = await startRelay({ dataDir: data.relay, adminToken: relayAdminToken })
    const relay = children.relay
    carryOn()
    process.stdout.write(startingLine('store', opts))
    const warmUpDays = Math.min(WARM_UP_DAYS, opts.days - 1)
    const pacer = new Pacer({
      speed: opts.speed,
      fromDay: warmUpDays,
      signal: stop.signal,
      onFirstPaced: (now) => { process.stdout.write(pacedLine(now, sim.startDate, opts.speed) + '\n') }
    })
    await runSession('store-edge', sim, setUp(m5, sim), {
      server: true,
      serverDataDir: data.store,
      serverHost: opts.host,
      serverEnv: {
        EDGE_HTTP_PORT: String(opts.port),
        EDGE_API_AUTH: 'sessions',
        EDGE_RELAY_URL: relay.url,
        EDGE_RELAY_TOKEN: storeToken,
        EDGE_OUTBOX_HEARTBEAT_S: String(HEARTBEAT_S)
      },
      onServer: async (server, api) => {
        children.serverPid = server.pid
        carryOn()
        // The first order run at onboarding (the sales history is in): proposals to review from
        // the start, not only after the evening's run.
        await api.runOrderProposals()
        const { username, password } = await createManager(api)
        process.stdout.write(banner({
          opts,
          startDate: sim.startDate,
          warmUpDays,
          items: sim.skus,
          panelUrl: `${server.baseUrl}/`,
          lan: lanAddresses(networkInterfaces()),
          username,
          password,
          storeAdminToken: server.adminToken,
          mqttPort: server.mqttPort,
          relayUrl: relay.url,
          relayAdminToken: relay.adminToken,
          dataDir: data.root,
          removedOnExit: data.removable
        }) + '\n')
      },
      pace: (now) => pacer.wait(now),
      progress: (d, n) => { process.stdout.write(dayLine(d, n, addDays(sim.startDate, d - 1), Date.now() - started) + '\n') },
      hold: async () => {
        if (stop.signal.aborted) return
        process.stdout.write(`${HOLDING}\n`)
        await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }))
      }
    })
  } catch (err) {
    // Once stopping, what breaks on the way out (a call the stopping server no longer answers,
    // the whole process group having had the terminal's Ctrl-C) is the stop, not a failure.
    if (!stop.signal.aborted && !(err instanceof DemoStopped)) {
      const msg = (err as Error).message
      // The port taken (or the address gone) between the check above and the server's start.
      const listen = listenCodeIn(msg)
      process.stderr.write(listen !== null
        ? `demo: ${listenError(listen, opts.host, opts.port, networkInterfaces())}\n`
        : `demo: ${(err as Error).stack ?? msg}\n`)
      code = 1
    }
  } finally {
    await children.relay?.stop()
    data.remove()
  }
  if (code === 0) process.stdout.write(`Stopped${data.removable ? '; the demo data was removed' : `; the data is in ${data.root}`}.\n`)
  return code
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: Error) => {
  process.stderr.write(`demo: ${err.stack ?? err.message}\n`)
  process.exitCode = 1
})
