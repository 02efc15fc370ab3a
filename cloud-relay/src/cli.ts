// `cloud-relay serve` starts the relay on its configuration (RELAY_* environment); `cloud-relay
// stores add <storeId> [name]` registers a store and prints its token once. Errors name the key or
// the store and exit 1.

import { loadRelayConfig } from './config.js'
import { openStorage, startRelay } from './main.js'

async function run (argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv
  const config = loadRelayConfig()
  if (cmd === 'serve') {
    const relay = await startRelay(config)
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void relay.close().then(() => process.exit(0)) })
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

run(process.argv.slice(2)).then((code) => { if (code >= 0) process.exit(code) }, (err: Error & { code?: string }) => {
  process.stderr.write(`cloud-relay: ${err.code !== undefined ? `${err.code}: ` : ''}${err.message}\n`)
  process.exit(1)
})
