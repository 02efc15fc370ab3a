import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { envName, loadConfig } from '../src/core/config.js'
import { tempDir } from './helpers/server.js'

t.test('defaults are the embedded store server of DESIGN.md', async (t) => {
  const c = loadConfig({ env: {} })
  t.equal(c.httpPort, 8080)
  t.equal(c.mqttPort, 1883)
  t.equal(c.mqttTlsPort, 8883)
  t.equal(c.dataDir, './data')
  t.equal(c.dbSynchronous, 'FULL')
  t.equal(c.relayUrl, null)
})

t.test('environment names are EDGE_ and the key in upper snake case', async (t) => {
  t.equal(envName('httpPort'), 'EDGE_HTTP_PORT')
  t.equal(envName('storeId'), 'EDGE_STORE_ID')
  t.equal(envName('relayUrl'), 'EDGE_RELAY_URL')
  const c = loadConfig({ env: { EDGE_HTTP_PORT: '0', EDGE_STORE_ID: 'CA_1', EDGE_DATA_DIR: '/tmp/x', EDGE_RELAY_URL: 'http://hq:8090' } })
  t.equal(c.httpPort, 0, 'port 0 means any free port')
  t.equal(c.storeId, 'CA_1')
  t.equal(c.dataDir, '/tmp/x')
  t.equal(c.relayUrl, 'http://hq:8090')
})

t.test('a bad value stops start-up naming the key and what is allowed', async (t) => {
  t.throws(() => loadConfig({ env: { EDGE_HTTP_PORT: '70000' } }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /"httpPort".*EDGE_HTTP_PORT.*0-65535/ })
  t.throws(() => loadConfig({ env: { EDGE_MQTT_PORT: 'abc' } }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /"mqttPort"/ })
  t.throws(() => loadConfig({ env: { EDGE_LOG_LEVEL: 'loud' } }), { message: /"logLevel".*allowed: fatal, error/ })
  t.throws(() => loadConfig({ env: { EDGE_STORE_ID: 'has spaces' } }), { message: /"storeId"/ })
  t.throws(() => loadConfig({ env: { EDGE_RELAY_URL: 'ftp://x' } }), { message: /"relayUrl"/ })
  t.throws(() => loadConfig({ env: { EDGE_ADMIN_TOKEN: 'short' } }), { message: /"adminToken".*16 or more/ })
  t.throws(() => loadConfig({ env: { EDGE_SERIAL_PORTS: '[{"path":"/dev/ttyUSB0"}]' } }), { message: /"serialPorts\[0\]\.deviceId"/ })
})

t.test('a config file is validated too, and unknown keys are named', async (t) => {
  const dir = tempDir()
  t.teardown(() => import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true })))
  const file = join(dir, 'edge.json')
  writeFileSync(file, JSON.stringify({ httpPort: 9000, storeId: 'TX_1' }))
  const c = loadConfig({ file, env: { EDGE_HTTP_PORT: '9001' } })
  t.equal(c.storeId, 'TX_1')
  t.equal(c.httpPort, 9001, 'the environment overrides the file')

  writeFileSync(file, JSON.stringify({ htpPort: 9000 }))
  t.throws(() => loadConfig({ file, env: {} }), { message: /"htpPort".*unknown/ })
  writeFileSync(file, JSON.stringify({ httpPort: '9000' }))
  t.throws(() => loadConfig({ file, env: {} }), { message: /"httpPort" \(from .*edge\.json\)/ }, 'a string is not a port in a JSON file')
  writeFileSync(file, '{ not json')
  t.throws(() => loadConfig({ file, env: {} }), { code: 'EDGE_ERR_CONFIG_FILE', message: /edge\.json/ })
  t.throws(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), { code: 'EDGE_ERR_CONFIG_FILE' })
})

t.test('TLS needs both a certificate and a key', async (t) => {
  t.throws(() => loadConfig({ env: { EDGE_TLS_CERT: '/etc/cert.pem' } }), { message: /"tlsKey" is missing/ })
})
