// One policy over one seed, start to finish: a fresh store server in simulated-clock mode with the
// store's master data and opening stock, the store's devices registered and connected, the run,
// and the server stopped. The traditional policy may also run with no server at all.

import { StoreApi, type SkuRecord } from './drive/api.js'
import { journalTotals } from './drive/journal.js'
import { startStoreServer, type StoreServer } from './drive/server.js'
import { NoDevices, POS_LANES, cameraId, handheldId, posId, type StoreDevices } from './engine/devices.js'
import { runStore, type HourObserver, type RunOutcome } from './engine/run.js'
import { ServerDevices } from './engine/server-devices.js'
import type { Setup, SimOptions } from './engine/setup.js'
import { masterData } from './layout.js'
import type { Policy } from './policy/policy.js'
import type { HandheldPort } from './policy/ports.js'
import { RecordOrders, RecordTasks } from './policy/record-sources.js'
import { ServerView } from './policy/server-view.js'
import { StoreEdgePolicy } from './policy/store-edge.js'
import { TraditionalPolicy } from './policy/traditional.js'
import { crewFor } from './world/labor.js'

/**
 * The simulator's server skips the fsync per commit (WAL with synchronous=NORMAL still survives a
 * process crash): a simulated day commits presence every simulated minute, and the run measures
 * the store, not the disk.
 */
const SIM_SERVER_ENV = { EDGE_DB_SYNCHRONOUS: 'NORMAL' }

export type PolicyName = 'traditional' | 'store-edge'

export interface SessionOptions {
  /** Drive a real store server (required for store-edge). */
  server: boolean
  observer?: HourObserver
  progress?: (dayDone: number, days: number) => void
  /** Extra env for the server child (e.g. EDGE_LOG_LEVEL). */
  serverEnv?: Record<string, string>
}

export interface SessionResult extends RunOutcome {
  policy: PolicyName
  seed: number
  wallMs: number
  serverLog?: { warn: number, error: number, firstErrors: string[] }
  /** The server's warning messages, counted by text. */
  serverWarnings?: Record<string, number>
  rejections: Array<{ device: string, id: string | null, code: string, message: string }>
  /** The server's final perpetual inventory, canonical: SKU -> location -> on hand (null without a server). */
  serverInventory: Record<string, Record<string, number>> | null
  /** Units the server's journal holds as sold (null without a server). */
  serverSoldUnits: number | null
}

export async function runSession (policyName: PolicyName, o: SimOptions, setup: Setup, opts: SessionOptions): Promise<SessionResult> {
  const started = Date.now()
  if (policyName === 'store-edge' && !opts.server) throw new Error('the store-edge policy needs a store server to ask')
  const associates = crewFor(setup.layout.skus.length, setup.layout.zones).map((a) => a.id)
  let server: StoreServer | null = null
  let devices: StoreDevices
  let api: StoreApi | null = null
  try {
    if (opts.server) {
      server = await startStoreServer({ storeId: o.storeId, clockStartMs: Date.parse(`${o.startDate}T00:00:00Z`), env: { ...SIM_SERVER_ENV, ...opts.serverEnv } })
      api = new StoreApi({ baseUrl: server.baseUrl, adminToken: server.adminToken })
      await api.importMasterData(masterData(setup.layout, (s) => setup.initial[s.index]))
      devices = await ServerDevices.create({ api, mqttPort: server.mqttPort, storeId: o.storeId, layout: setup.layout, associates })
    } else {
      devices = new NoDevices([...POS_LANES.map(posId), ...setup.layout.zones.map(cameraId), ...associates.map(handheldId)])
    }
    const policy = makePolicy(policyName, setup, devices, api, server?.baseUrl ?? '')
    try {
      const outcome = await runStore(o, { setup, policy, devices, observer: opts.observer, progress: opts.progress })
      const rejections = devices instanceof ServerDevices ? devices.rejections() : []
      const serverInventory = api ? canonical(await api.inventory()) : null
      const serverSoldUnits = server ? (await journalTotals(server.baseUrl, 'sale')).qty : null
      return { ...outcome, policy: policyName, seed: o.seed, wallMs: Date.now() - started, serverLog: server?.logSummary(), serverWarnings: server ? warningsOf(server.logLines()) : undefined, rejections, serverInventory, serverSoldUnits }
    } finally {
      await devices.close()
    }
  } finally {
    await server?.stop()
  }
}

function makePolicy (name: PolicyName, setup: Setup, hh: HandheldPort, api: StoreApi | null, baseUrl: string): Policy {
  if (name === 'traditional') {
    return new TraditionalPolicy(setup.layout, (s) => setup.initial[s.index].shelf + setup.initial[s.index].backroom, hh)
  }
  const view = new ServerView(api!, baseUrl)
  return new StoreEdgePolicy(setup.layout, view, new RecordTasks(setup.layout, view), new RecordOrders(setup.layout, view), hh)
}

function warningsOf (lines: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of lines) {
    try {
      const o = JSON.parse(line) as { level: number, msg: string, reason?: string }
      if (o.level !== 40) continue
      const k = o.reason ? `${o.msg} (${o.reason})` : o.msg
      out[k] = (out[k] ?? 0) + 1
    } catch { /* not a pino line */ }
  }
  return out
}

function canonical (inv: Map<string, SkuRecord>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  for (const sku of [...inv.keys()].sort()) {
    const r = inv.get(sku)!
    out[sku] = Object.fromEntries([...r.byLocation.entries()].sort(([a], [b]) => a < b ? -1 : 1))
  }
  return out
}
