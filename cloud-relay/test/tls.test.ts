// TLS between the store and the relay with a private CA: the relay serves HTTPS with a certificate
// the headquarters CA signed; a store given that CA (relayCaFile) sends over it; a store that does
// not trust the CA, or a certificate for another host name, is refused and keeps its rows. Broken
// TLS files stop start-up naming the key.

import t, { type Test } from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../edge/src/core/config.js'
import { startServer } from '../../edge/src/main.js'
import { SHIPPED_PROFILES_DIR } from '../../edge/src/profiles/loader.js'
import { silentLog } from '../../edge/src/core/log.js'
import { OutboxRows } from '../../edge/src/store/outbox-rows.js'
import { startTestServer, waitFor } from '../../edge/test/helpers/server.js'
import { loadRelayConfig } from '../src/config.js'
import { startRelay, type RelayServer } from '../src/main.js'
import { issueServerCert, makePrivateCa } from './helpers/private-ca.js'

const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const ca = makePrivateCa(dir)
const good = issueServerCert(ca, 'relay', 'IP:127.0.0.1')
const otherHost = issueServerCert(ca, 'other', 'DNS:relay.example')

async function relayWith (t: Test, cert: { cert: string, key: string }): Promise<RelayServer> {
  const relay = await startRelay(loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: mkdtempSync(join(dir, 'data-')), logLevel: 'silent', tlsCertFile: cert.cert, tlsKeyFile: cert.key } }))
  t.teardown(() => relay.close())
  return relay
}

const addRows = (rows: OutboxRows, n: number): void => {
  for (let i = 1; i <= n; i++) rows.add({ eventId: `receipt:${i}`, type: 'receipt', sku: 'FOODS_1_001', payload: { i }, occurredAt: '2016-03-01T10:00:00.000Z' })
}

t.test('a store that trusts the private CA sends over HTTPS; its heartbeat goes the same way', async (t) => {
  const relay = await relayWith(t, good)
  const { token } = await relay.storage.registerStore('store-1')
  const store = await startTestServer(t, { relayUrl: `https://127.0.0.1:${relay.port}`, relayToken: token, relayCaFile: ca.caCert, outboxHeartbeatS: 1, outboxLingerMs: 0 })
  const rows = new OutboxRows(store.db)
  addRows(rows, 5)
  await waitFor(() => rows.after(0, 10).length === 0, 10_000)
  t.match(await relay.storage.stats('store-1'), { storedCount: 5, highestSeq: 5 })
  await waitFor(() => store.heartbeat.status().sent >= 1, 5000)
  t.pass('heartbeat taken over HTTPS')
  const plain = await fetch(`http://127.0.0.1:${relay.port}/v1/health`).then(() => 'answered', () => 'refused')
  t.equal(plain, 'refused', 'the relay speaks HTTPS only')
})

t.test('a store that does not trust the CA refuses the relay and keeps its rows', async (t) => {
  const relay = await relayWith(t, good)
  const { token } = await relay.storage.registerStore('store-1')
  const store = await startTestServer(t, { relayUrl: `https://127.0.0.1:${relay.port}`, relayToken: token, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 100, outboxLingerMs: 0 })
  const rows = new OutboxRows(store.db)
  addRows(rows, 3)
  await waitFor(() => store.sender.status().failures >= 2, 10_000)
  t.match(store.sender.status().lastError, { status: null, message: /certificate/i }, 'the error names the certificate')
  t.equal(rows.after(0, 10).length, 3, 'rows kept')
  t.equal((await relay.storage.stats('store-1'))?.storedCount, 0, 'nothing reached the relay')
})

t.test('a certificate from the right CA for another host name is refused', async (t) => {
  const relay = await relayWith(t, otherHost)
  const { token } = await relay.storage.registerStore('store-1')
  const store = await startTestServer(t, { relayUrl: `https://127.0.0.1:${relay.port}`, relayToken: token, relayCaFile: ca.caCert, outboxBackoffMinMs: 20, outboxBackoffMaxMs: 100, outboxLingerMs: 0 })
  const rows = new OutboxRows(store.db)
  addRows(rows, 2)
  await waitFor(() => store.sender.status().failures >= 1, 10_000)
  t.match(store.sender.status().lastError, { status: null, message: /altnames|IP: 127\.0\.0\.1|does not match/i })
  t.equal(rows.after(0, 10).length, 2, 'rows kept')
})

t.test('broken TLS files stop start-up, naming the key', async (t) => {
  const notPem = join(dir, 'not-pem.txt')
  writeFileSync(notPem, 'hello\n')
  const storeConfig = (file: string): ReturnType<typeof loadConfig> => loadConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, mqttPort: 0, mqttTlsPort: 0, dataDir: mkdtempSync(join(dir, 'store-')), profilesDir: SHIPPED_PROFILES_DIR, logLevel: 'silent', relayUrl: 'https://127.0.0.1:1', relayCaFile: file } })
  await t.rejects(startServer({ config: storeConfig(join(dir, 'missing.crt')), log: silentLog() }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /relayCaFile.*missing\.crt/ })
  await t.rejects(startServer({ config: storeConfig(notPem), log: silentLog() }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /relayCaFile.*not-pem\.txt holds no PEM certificate/ })
  const relayConfig = (o: Record<string, string | null>): ReturnType<typeof loadRelayConfig> => loadRelayConfig({ env: {}, overrides: { host: '127.0.0.1', httpPort: 0, dataDir: mkdtempSync(join(dir, 'r-')), logLevel: 'silent', ...o } })
  t.throws(() => relayConfig({ tlsCertFile: good.cert }), { code: 'RELAY_ERR_CONFIG_INVALID', message: /tlsKeyFile.*both or neither/ })
  await t.rejects(startRelay(relayConfig({ tlsCertFile: good.cert, tlsKeyFile: notPem })), { code: 'RELAY_ERR_CONFIG_INVALID', message: /tlsKeyFile.*not-pem\.txt holds no PEM private key/ })
  await t.rejects(startRelay(relayConfig({ tlsCertFile: join(dir, 'nope.crt'), tlsKeyFile: good.key })), { code: 'RELAY_ERR_CONFIG_INVALID', message: /tlsCertFile.*cannot read .*nope\.crt/ })
})
