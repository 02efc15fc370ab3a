// The relay's composition root: storage by configuration (PostgreSQL when databaseUrl is set, else
// SQLite in dataDir), the HTTP app, listen; and a graceful close.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { packageVersion } from '../../edge/src/core/version.js'
import { hostname } from 'node:os'
import { buildRelayApp } from './app.js'
import { Forwarder } from './forward/forwarder.js'
import { WebhookAdapter } from './forward/webhook.js'
import { ErpNextAdapter } from './forward/erpnext.js'
import type { RelayConfig } from './config.js'
import { PostgresRelayStorage } from './storage/postgres.js'
import { SqliteRelayStorage } from './storage/sqlite.js'
import type { RelayStorage } from './storage/types.js'

export interface RelayServer {
  config: RelayConfig
  app: FastifyInstance
  storage: RelayStorage
  /** The forwarding workers (none without forwardUrl). */
  forwarders: Forwarder[]
  port: number
  close (): Promise<void>
}

export async function openStorage (config: RelayConfig): Promise<{ storage: RelayStorage, kind: string }> {
  if (config.databaseUrl !== null) return { storage: await PostgresRelayStorage.open({ connectionString: config.databaseUrl, schema: config.databaseSchema }), kind: 'postgres' }
  mkdirSync(config.dataDir, { recursive: true })
  return { storage: new SqliteRelayStorage({ file: join(config.dataDir, 'relay.db') }), kind: 'sqlite' }
}

export async function startRelay (config: RelayConfig): Promise<RelayServer> {
  const { storage, kind } = await openStorage(config)
  let app: FastifyInstance
  try {
    app = await buildRelayApp({ config, storage, storageKind: kind, version: packageVersion() })
    await app.listen({ host: config.host, port: config.httpPort })
  } catch (err) {
    await storage.close()
    throw err
  }
  const port = (app.server.address() as { port: number }).port
  app.log.info({ port, storage: kind }, 'cloud relay listening')
  const forwarders: Forwarder[] = []
  if (config.forwardUrl !== null) {
    const adapter = config.erp === 'erpnext'
      ? new ErpNextAdapter({ url: config.forwardUrl, apiKey: config.erpApiKey!, apiSecret: config.erpApiSecret!, warehouse: config.erpWarehouse })
      : new WebhookAdapter({ url: config.forwardUrl })
    for (let i = 0; i < config.forwardWorkers; i++) {
      const f = new Forwarder({ storage, adapter, workerId: `${hostname()}:${process.pid}:${i}`, log: app.log })
      f.start()
      forwarders.push(f)
    }
  }
  let closing: Promise<void> | null = null
  return {
    config,
    app,
    storage,
    forwarders,
    port,
    close: () => {
      closing ??= (async () => { await app.close(); await Promise.all(forwarders.map((f) => f.stop())); await storage.close() })()
      return closing
    }
  }
}
