// One policy over one seed, start to finish: a fresh store server in simulated-clock mode with the
// store's master data and opening stock, the store's devices registered and connected, the run,
// and the server stopped. The traditional policy may also run with no server at all.

import { StoreApi, type SkuRecord } from './drive/api.js'
import { journalTotals } from './drive/journal.js'
import { startStoreServer, type StoreServer } from './drive/server.js'
import type { WriteStream } from 'node:fs'
import type { StoreDevices } from './engine/devices.js'
import { featureBookFor, LocalStore } from './engine/local-store.js'
import { TeeDevices } from './engine/tee-devices.js'
import { TrainingRows, type RunTag } from './export/training-rows.js'
import { runStore, type HourObserver, type RunContext, type RunOutcome } from './engine/run.js'
import { ServerDevices } from './engine/server-devices.js'
import type { Setup, SimOptions } from './engine/setup.js'
import { DEFAULT_HOURS } from './demand/intraday.js'
import { historyChunks, salesHistory } from './demand/history.js'
import { masterData } from './layout.js'
import type { Policy } from './policy/policy.js'
import { StoreManager } from './policy/manager.js'
import { RecordOrders, RecordTasks } from './policy/record-sources.js'
import { decisionShares, ServerOrders, type OrderDecisions } from './policy/server-orders.js'
import { RiskTasks } from './policy/risk-tasks.js'
import { ServerTasks } from './policy/server-tasks.js'
import { ServerView, type StoreView } from './policy/server-view.js'
import { StoreEdgePolicy } from './policy/store-edge.js'
import { TraditionalPolicy } from './policy/traditional.js'
import { crewFor } from './world/labor.js'

/**
 * The simulator's server skips the fsync per commit (WAL with synchronous=NORMAL still survives a
 * process crash): a simulated day commits presence every simulated minute, and the run measures
 * the store, not the disk.
 */
const hh = (h: number): string => `${String(h).padStart(2, '0')}:00`
// The server knows the simulated store's opening hours: no fill is raised while it is closed.
const SIM_SERVER_ENV = { EDGE_DB_SYNCHRONOUS: 'NORMAL', EDGE_STORE_HOURS: `${hh(DEFAULT_HOURS.open)}-${hh(DEFAULT_HOURS.close)}` }

export type PolicyName = 'traditional' | 'store-edge'

export interface SessionOptions {
  /**
   * Drive a real store server. Without one, the store's record lives in-process (LocalStore: the
   * server's own feature and inventory rules fed the same events), which is how training data
   * for many seeds is made quickly.
   */
  server: boolean
  observer?: HourObserver
  /** Write shelf-risk training rows (the server's features and what happened next) to this stream. */
  training?: { out: WriteStream, tag: RunTag, rows?: (r: { rows: number, positives: number }) => void }
  progress?: (dayDone: number, days: number) => void
  /** Looks at the server and the in-process shadow at the end of the run, before the server stops. */
  inspect?: (at: { baseUrl: string | null, api: StoreApi | null, local: LocalStore | null, endMs: number }) => Promise<void>
  /** Extra env for the server child (e.g. EDGE_LOG_LEVEL). */
  serverEnv?: Record<string, string>
  /** Where store-edge work comes from with a server: its task list (default) or the simulator's reading of its record. */
  tasks?: TaskSourceName
  /** Where store-edge orders come from with a server: its order proposals as the manager decides them (default), or min-max on its record. */
  orders?: OrderSourceName
  /** The server's data dir, kept after the run (default: a temp dir, removed). */
  serverDataDir?: string
  /** The IPv4 address the server's HTTP and MQTT listen on (default 127.0.0.1; 0.0.0.0 = every interface). */
  serverHost?: string
  /** Once the server has its master data, history and devices, before the first simulated minute. */
  onServer?: (server: StoreServer, api: StoreApi) => Promise<void>
  /** Awaited before each simulated minute (RunContext.pace): accelerated time for the demo; may throw to stop. */
  pace?: RunContext['pace']
  /** After the run and its figures, before the server stops: the demo keeps serving until Ctrl-C. */
  hold?: () => Promise<void>
}

export type TaskSourceName = 'server' | 'record'
export type OrderSourceName = 'server' | 'record'

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
  /** Counts done and how many found the record wrong: the policy's own tally, or the server's. */
  countPrecision: { counts: number, discrepancies: number, source: 'policy' | 'server' } | null
  /** The server's own task KPIs (/api/v1/kpis over the run), when it served the store-edge side. */
  serverKpis: unknown
  /** Task actions the server refused (conflicts: a task cancelled or done meanwhile), with reasons. */
  taskRefusals: Array<{ associate: string, taskId: number, code: string, message: string }>
  /** How the order proposals were decided (store-edge on the proposals API; null otherwise). */
  orderDecisions: OrderDecisions | null
}

export async function runSession (policyName: PolicyName, o: SimOptions, setup: Setup, opts: SessionOptions): Promise<SessionResult> {
  const started = Date.now()
  const associates = crewFor(setup.layout.skus.length, setup.layout.zones).map((a) => a.id)
  let server: StoreServer | null = null
  let devices: StoreDevices
  let api: StoreApi | null = null
  let view: StoreView
  // The in-process record and features: the whole store without a server, or a shadow of what
  // the server's devices send when training rows are wanted.
  const local = !opts.server || opts.training || opts.inspect ? new LocalStore(featureBookFor(setup.layout, setup.initial), setup.layout, associates) : null
  try {
    if (opts.server) {
      server = await startStoreServer({ storeId: o.storeId, clockStartMs: Date.parse(`${o.startDate}T00:00:00Z`), dataDir: opts.serverDataDir, host: opts.serverHost, env: { ...SIM_SERVER_ENV, ...opts.serverEnv } })
      api = new StoreApi({ baseUrl: server.baseUrl, adminToken: server.adminToken })
      await api.importMasterData(masterData(setup.layout, (s) => setup.initial[s.index]))
      if (policyName === 'store-edge' && (opts.orders ?? 'server') === 'server') {
        // Onboarding: the year of sales the ERP holds, the calendar and the promotions ahead.
        const history = salesHistory({ layout: setup.layout, storeId: o.storeId, startDate: o.startDate, days: o.days, seed: o.seed, promos: setup.promos })
        for (const chunk of historyChunks(history)) await api.postSalesHistory(chunk)
      }
      const onServer = await ServerDevices.create({ api, mqttHost: server.host, mqttPort: server.mqttPort, storeId: o.storeId, layout: setup.layout, associates })
      devices = local ? new TeeDevices(onServer, local) : onServer
      view = new ServerView(api, server.baseUrl)
    } else {
      devices = local!
      view = local!
    }
    const orders = api && policyName === 'store-edge' && (opts.orders ?? 'server') === 'server' ? new ServerOrders(api, new StoreManager(o.seed)) : null
    const policy = makePolicy(policyName, setup, devices, view, server?.baseUrl ?? null, api, opts.tasks ?? 'server', orders)
    const rows = opts.training && local ? new TrainingRows(opts.training.out, local.book, setup.layout.skus, opts.training.tag) : undefined
    const observer = rows && opts.observer ? both(rows, opts.observer) : rows ?? opts.observer
    try {
      if (server && api) await opts.onServer?.(server, api)
      const outcome = await runStore(o, { setup, policy, devices, observer, progress: opts.progress, pace: opts.pace })
      if (rows) opts.training?.rows?.({ rows: rows.rows, positives: rows.positives })
      await opts.inspect?.({ baseUrl: server?.baseUrl ?? null, api, local, endMs: Date.parse(`${o.startDate}T00:00:00Z`) + o.days * 86400000 })
      const rejections = devices instanceof ServerDevices ? devices.rejections() : devices instanceof TeeDevices ? devices.rejections() : []
      const serverInventory = api ? canonical(await api.inventory()) : null
      const serverSoldUnits = server ? (await journalTotals(server.baseUrl, server.adminToken, 'sale')).qty : null
      const onServer = devices instanceof ServerDevices ? devices : devices instanceof TeeDevices ? devices.server() : null
      const taskRefusals = onServer?.taskRefusals() ?? []
      const serverSide = api && policyName === 'store-edge' && (opts.tasks ?? 'server') === 'server' ? await serverTaskFigures(api, o.days) : null
      const own = policy.countPrecision?.()
      const countPrecision = own ? { ...own, source: 'policy' as const } : serverSide?.counts ?? null
      if (countPrecision) {
        outcome.kpis.countsDone = countPrecision.counts
        outcome.kpis.countPrecisionPct = countPrecision.counts === 0 ? 0 : 100 * countPrecision.discrepancies / countPrecision.counts
      }
      const orderDecisions = orders?.decisions() ?? null
      if (orderDecisions) {
        const shares = decisionShares(orderDecisions)
        outcome.kpis.proposalsDecided = shares.decided
        outcome.kpis.proposalsAutoApprovedPct = shares.autoApprovedPct
        outcome.kpis.managerOverridePct = shares.overridePctOfManager
        outcome.kpis.overridePctOfAllProposals = shares.overridePctOfAll
      }
      await opts.hold?.()
      return { ...outcome, policy: policyName, seed: o.seed, wallMs: Date.now() - started, serverLog: server?.logSummary(), serverWarnings: server ? warningsOf(server.logLines()) : undefined, rejections, serverInventory, serverSoldUnits, countPrecision, serverKpis: serverSide?.kpis ?? null, taskRefusals, orderDecisions }
    } finally {
      await devices.close()
    }
  } finally {
    await server?.stop()
  }
}

/** The server's task KPIs and count precision over the run (its /api/v1/kpis and /api/v1/phantom). */
async function serverTaskFigures (api: StoreApi, days: number): Promise<{ kpis: unknown, counts: { counts: number, discrepancies: number, source: 'server' } | null }> {
  const kpis = await api.get<unknown>(`/api/v1/kpis?hours=${days * 24}`)
  const phantom = await api.get<{ precision: { completed: number, discrepancies: number } }>(`/api/v1/phantom?days=${days}`)
  return { kpis, counts: { counts: phantom.precision.completed, discrepancies: phantom.precision.discrepancies, source: 'server' } }
}

function both (a: HourObserver, b: HourObserver): HourObserver {
  return {
    hour: (now, world, policy) => { a.hour(now, world, policy); b.hour(now, world, policy) },
    sold: (now, sku, qty) => { a.sold(now, sku, qty); b.sold(now, sku, qty) },
    openTick: (now, world) => { a.openTick(now, world); b.openTick(now, world) },
    gap: (now, sku) => { a.gap(now, sku); b.gap(now, sku) },
    close: () => { a.close(); b.close() }
  }
}

function makePolicy (name: PolicyName, setup: Setup, devices: StoreDevices, view: StoreView, baseUrl: string | null, api: StoreApi | null, source: TaskSourceName, orders: ServerOrders | null): Policy {
  if (name === 'traditional') {
    return new TraditionalPolicy(setup.layout, (s) => setup.initial[s.index].shelf + setup.initial[s.index].backroom, devices)
  }
  // With a server, its task list runs the store ('server'), or the simulator's own reading of its
  // record and risk scores ('record'); in-process, the record alone.
  const recordTasks = new RecordTasks(setup.layout, view)
  const tasks = api && source === 'server' ? new ServerTasks(setup.layout, api) : baseUrl ? new RiskTasks(setup.layout, view, recordTasks, baseUrl) : recordTasks
  return new StoreEdgePolicy(setup.layout, view, tasks, orders ?? new RecordOrders(setup.layout, view), devices, devices)
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
