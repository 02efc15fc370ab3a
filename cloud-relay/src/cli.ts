// `cloud-relay serve` starts the relay on its configuration (RELAY_* environment); `cloud-relay
// stores add <storeId> [name]` registers a store and prints its token once. Errors name the key or
// the store and exit 1. Under a systemd Type=notify unit, serve says when it is ready and stopping
// and beats the watchdog while healthy: the same module as the store server's (edge's core, which
// the relay already imports for its version), not a copy.

import { SystemdNotifier, type HealthProbe } from '../../edge/src/core/systemd-notify.js'
import { loadRelayConfig } from './config.js'
import { openStorage, startRelay, type RelayServer } from './main.js'

async function run (argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv
  const config = loadRelayConfig()
  if (cmd === 'serve') {
    const relay = await startRelay(config)
    const notifier = new SystemdNotifier({ env: process.env, log: relay.app.log })
    notifier.ready(`relaying on port ${relay.port} (${config.databaseUrl === null ? 'SQLite' : 'PostgreSQL'})`)
    notifier.startWatchdog(watchdogProbe(relay))
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        notifier.stopping(`draining after ${sig}`)
        void relay.close().then(() => notifier.close()).then(() => process.exit(0))
      })
    }
    return -1
  }
  if (cmd === 'stores' && sub === 'add' && rest[0] !== undefined) {
    const { storage } = await openStorage(config)
    try {
      const { token } = await storage.registerStore(rest[0], rest[1])
      process.stdout.write(`store ${rest[0]} registered; its token (shown once, set it as the store's EDGE_RELAY_TOKEN):\n${token}\n`)
      return 0
    } finally {
      await storage.close()
    }
  }
  process.stderr.write('usage: cloud-relay serve | cloud-relay stores add <storeId> [name]\n')
  return 2
}

/**
 * The watchdog's health: with SQLite, the relay's own file must answer (a wedged local database is
 * fixed by a restart). A PostgreSQL outage is not the relay's fault and a restart does not end it:
 * the relay answers 503 and recovers by itself when the database is back (storage-outage tests), so
 * then only the event loop counts.
 */
function watchdogProbe (relay: RelayServer): HealthProbe {
  if (relay.config.databaseUrl !== null) return () => null
  return () => relay.storage.ping().then(() => null, (err: Error) => `the database does not answer: ${err.message}`)
}

run(process.argv.slice(2)).then((code) => { if (code >= 0) process.exit(code) }, (err: Error & { code?: string }) => {
  process.stderr.write(`cloud-relay: ${err.code !== undefined ? `${err.code}: ` : ''}${err.message}\n`)
  process.exit(1)
})
