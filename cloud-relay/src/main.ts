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
import { readRelayTls } from './tls.js'
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

/** `onConnectionError`: a pooled PostgreSQL connection broke while idle (the pool reconnects by itself). */
export async function openStorage (config: RelayConfig, onConnectionError?: (err: Error) => void): Promise<{ storage: RelayStorage, kind: string }> {
  if (config.databaseUrl !== null) return { storage: await PostgresRelayStorage.open({ connectionString: config.databaseUrl, onConnectionError }), kind: 'postgres' }
  mkdirSync(config.dataDir, { recursive: true })
  return { storage: new SqliteRelayStorage({ file: join(config.dataDir, 'relay.db') }), kind: 'sqlite' }
}

/** `opened`: a storage opened by the caller (a test's own PostgreSQL schema); the relay closes it. */
export async function startRelay (config: RelayConfig, opened?: { storage: RelayStorage, kind: string }): Promise<RelayServer> {
  const tls = readRelayTls(config)
  // The app's logger exists only once the app is built (after the storage it needs): until then a
  // broken idle connection (during the migrations) has nobody to tell, and the open fails anyway.
  let log: FastifyInstance['log'] | null = null
  const { storage, kind } = opened ?? await openStorage(config, (err) => {
    log?.warn({ cause: err.message, code: (err as { code?: string }).code }, 'relay database connection lost while idle: dropped, the pool reconnects on the next query')
  })
  let app: FastifyInstance
  try {
    app = await buildRelayApp({ config, storage, storageKind: kind, version: packageVersion(), tls })
    log = app.log
    await app.listen({ host: config.host, port: config.httpPort })
  } catch (err) {
    await storage.close()
    throw err
  }
  const port = (app.server.address() as { port: number }).port
  app.log.info({ port, storage: kind, tls: tls !== null }, 'cloud relay listening')
  const forwarders: Forwarder[] = []
  if (config.forwardUrl !== null) {
    const adapter = config.erp === 'erpnext'
      ? new ErpNextAdapter({ url: config.forwardUrl, apiKey: config.erpApiKey!, apiSecret: config.erpApiSecret!, warehouse: config.erpWarehouse, timeoutMs: config.forwardTimeoutMs })
      : new WebhookAdapter({ url: config.forwardUrl, timeoutMs: config.forwardTimeoutMs })
    for (let i = 0; i < config.forwardWorkers; i++) {
      const f = new Forwarder({ storage, adapter, workerId: `${hostname()}:${process.pid}:${i}`, log: app.log, retryMinMs: config.forwardRetryMinMs, retryMaxMs: config.forwardRetryMaxMs })
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
