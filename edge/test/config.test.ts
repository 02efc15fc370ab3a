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

t.test('the clock follows system time unless clockMode is sim', async (t) => {
  const c = loadConfig({ env: {} })
  t.equal(c.clockMode, 'system')
  t.equal(c.clockStart, null, 'no start time: a simulation would start at the system time')
  const sim = loadConfig({ env: { EDGE_CLOCK_MODE: 'sim', EDGE_CLOCK_START: '2016-04-25T08:00:00Z' } })
  t.equal(sim.clockMode, 'sim')
  t.equal(sim.clockStart, '2016-04-25T08:00:00Z')
  t.equal(loadConfig({ overrides: { clockMode: 'sim', clockStart: '2016-04-25T10:00:00.250+02:00' }, env: {} }).clockStart, '2016-04-25T10:00:00.250+02:00', 'an offset is a zone too')
  t.equal(loadConfig({ env: { EDGE_CLOCK_MODE: 'sim', EDGE_CLOCK_START: '' } }).clockStart, null, 'an empty variable is no start time')
})

t.test('a bad clockMode or clockStart stops start-up naming the key', async (t) => {
  t.throws(() => loadConfig({ env: { EDGE_CLOCK_MODE: 'simulated' } }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /"clockMode".*EDGE_CLOCK_MODE.*system or sim/ })
  for (const bad of ['yesterday', '2016-04-25', '2016-04-25T08:00:00', '2016-02-30T08:00:00Z', '2016-04-25T24:00:00Z', '2016-04-25 08:00:00Z']) {
    t.throws(() => loadConfig({ env: { EDGE_CLOCK_MODE: 'sim', EDGE_CLOCK_START: bad } }),
      { code: 'EDGE_ERR_CONFIG_INVALID', message: /"clockStart".*EDGE_CLOCK_START.*ISO 8601 date-time with zone/ }, `${bad} is refused`)
  }
  t.throws(() => loadConfig({ overrides: { clockMode: 'sim', clockStart: 1461571200000 as unknown as string }, env: {} }), { message: /"clockStart"/ }, 'epoch milliseconds are not ISO 8601')
  t.throws(() => loadConfig({ env: { EDGE_CLOCK_START: '2016-04-25T08:00:00Z' } }),
    { code: 'EDGE_ERR_CONFIG_INVALID', message: /"clockStart" is set but clockMode is "system"/ }, 'a start time the system clock would ignore')
})
