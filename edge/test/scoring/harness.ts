// A real store server for the shelf-risk tests: the small store's master data, a test model (or
// none) at riskModelPath, a handheld to post events with, and helpers that read the API.

import type { EdgeConfig } from '../../src/core/config.js'
import type { RiskView } from '../../src/scoring/service/views.js'
import type { Log } from '../../src/core/log.js'
import type { Clock } from '../../src/core/clock.js'
import { basic, postEvents, type PostResult } from '../http/api.js'
import { rmrf, startTestServer, tempDir, type TestServer } from '../helpers/server.js'
import { treeModel, writeModel } from './models.js'

interface Tap { teardown (fn: () => unknown): void }

export type { RiskView } from '../../src/scoring/service/views.js'

export interface RiskHarness {
  server: TestServer
  /** A scratch folder for model files. */
  dir: string
  modelPath: string | null
  post (events: unknown[]): Promise<PostResult>
  /** GET /api/v1/risk with a query string; the body. */
  risk (query?: string): Promise<{ scores: RiskView[], total: number, scored: number }>
  /** The current scores of one item (GET /api/v1/items/:sku). */
  itemRisk (sku: string): Promise<Array<RiskView & { features: Record<string, number> }>>
  models (): Promise<Record<string, any>>
  /** The slow tier now, as its cron would: every SKU-location, then monitoring and the write. */
  rescore (): Promise<void>
}

export interface HarnessOptions {
  /** The model at riskModelPath: bytes (written with its card), a path, or 'none'. Default the test tree ensemble. */
  model?: Uint8Array | string
  card?: Record<string, unknown> | null
  overrides?: Partial<EdgeConfig>
  log?: Log
  clock?: Clock
  dataDir?: string
  dir?: string
}

let devices = 0

export async function riskServer (t: Tap, o: HarnessOptions = {}): Promise<RiskHarness> {
  const dir = o.dir ?? tempDir('risk-models-')
  if (!o.dir) t.teardown(() => rmrf(dir))
  let modelPath: string | null
  if (o.model === 'none') modelPath = null
  else if (typeof o.model === 'string') modelPath = o.model
  else modelPath = writeModel(dir, 'shelf-risk', o.model ?? treeModel(), o.card)
  const server = await startTestServer(t, { riskModelPath: modelPath ?? 'none', ...o.overrides }, { log: o.log, clock: o.clock, dataDir: o.dataDir })
  const device = `hh-${++devices}`
  const auth = basic(device, server.addDevice(device, 'handheld-scanner-app'))
  const h: RiskHarness = {
    server,
    dir,
    modelPath,
    async post (events) {
      const { status, body } = await postEvents(server, auth, events)
      if (status !== 200) throw new Error(`POST /api/v1/events answered ${status}: ${JSON.stringify(body)}`)
      return body
    },
    async risk (query = '') {
      const res = await server.app.inject({ url: `/api/v1/risk${query}` })
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/risk${query} answered ${res.statusCode}: ${res.body}`)
      return res.json()
    },
    async itemRisk (sku) {
      const res = await server.app.inject({ url: `/api/v1/items/${sku}` })
      return res.json().risk
    },
    async models () {
      return (await server.app.inject({ url: '/api/v1/models' })).json()
    },
    async rescore () {
      await server.risk.rescoreAll()
    }
  }
  // Master data arrives after start (startTestServer imports it): score it once, as the slow tier would.
  await h.rescore()
  return h
}

let n = 0
/** A canonical event as a handheld posts it, at `minutesAgo` before now. */
export function event (type: string, fields: Record<string, unknown>, minutesAgo = 0, nowMs = Date.now()): Record<string, unknown> {
  return { id: `e-${process.pid}-${++n}`, type, occurredAt: new Date(nowMs - minutesAgo * 60_000).toISOString(), ...fields }
}
