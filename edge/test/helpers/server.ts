// Starts a real store server for a test: a real SQLite file in a temp dir, MQTT and HTTP on free
// ports, the shipped profiles, the small store's master data, and devices registered on request.
// Torn down with the test.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import { loadConfig, type EdgeConfig } from '../../src/core/config.js'
import { silentLog, type Log } from '../../src/core/log.js'
import type { Clock } from '../../src/core/clock.js'
import { startServer, type EdgeServer } from '../../src/main.js'
import { SHIPPED_PROFILES_DIR } from '../../src/profiles/loader.js'
import { importMasterData } from '../../src/store/import/index.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')

export interface TestServer extends EdgeServer {
  dataDir: string
  /** Registers a device and returns its secret. */
  addDevice (id: string, profileId: string): string
  url (path: string): string
  mqttUrl: string
  close (): Promise<void>
}

interface Tap { teardown (fn: () => unknown): void }

export function tempDir (prefix = 'store-edge-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export async function startTestServer (t: Tap, overrides: Partial<EdgeConfig> = {}, opts: { log?: Log, clock?: Clock, masterData?: boolean, presenceSweepMs?: number, streamHeartbeatMs?: number, changePollMs?: number, streamCheckMs?: number, changeWindowMs?: number, dataDir?: string, keepData?: boolean } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir()
  const config = loadConfig({
    env: {},
    // apiAuth 'open': tests of other features call the API as the trusted LAN did before accounts;
    // edge/test/http/access.test.ts and the panel's tests run with the default ('sessions').
    overrides: { storeId: 'store-1', host: '127.0.0.1', httpPort: 0, mqttPort: 0, mqttTlsPort: 0, dataDir, profilesDir: SHIPPED_PROFILES_DIR, logLevel: 'silent', apiAuth: 'open', ...overrides }
  })
  const server = await startServer({ config, log: opts.log ?? silentLog(), clock: opts.clock, presenceSweepMs: opts.presenceSweepMs ?? 50, streamHeartbeatMs: opts.streamHeartbeatMs, changePollMs: opts.changePollMs, streamCheckMs: opts.streamCheckMs, changeWindowMs: opts.changeWindowMs })
  if (opts.masterData !== false) {
    importMasterData(server.db, { format: 'json', text: readFileSync(join(FIXTURES, 'store-small.json'), 'utf8') }, new Date().toISOString())
    server.catalog.reload()
  }
  let closed = false
  const stopServer = server.close
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await stopServer()
    if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
  t.teardown(close)
  return Object.assign(server, {
    dataDir,
    addDevice: (id: string, profileId: string) => server.registry.add(id, profileId).secret,
    url: (path: string) => `http://127.0.0.1:${server.ports.http}${path}`,
    mqttUrl: `mqtt://127.0.0.1:${server.ports.mqtt}`,
    close
  })
}

/** Connects a device over MQTT; resolves on CONNACK, rejects on refusal. */
export function connectDevice (t: Tap, url: string, deviceId: string, secret: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0, connectTimeout: 5000, ...extra })
    t.teardown(() => new Promise<void>((r) => client.end(true, {}, () => r())))
    client.once('connect', () => resolve(client))
    client.once('error', (err) => { client.end(true); reject(err) })
  })
}

export function publish (client: MqttClient, topic: string, payload: string | Buffer | object, qos: 0 | 1 = 1): Promise<void> {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)
  return new Promise((resolve, reject) => client.publish(topic, body, { qos }, (err) => err ? reject(err) : resolve()))
}

export { waitFor } from './wait-for.js'

export function topic (deviceId: string, stream: string, storeId = 'store-1'): string {
  return `stores/${storeId}/devices/${deviceId}/${stream}`
}

export function rmrf (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
