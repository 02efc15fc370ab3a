// The composition root: builds every part from the configuration, wires them together, listens,
// and knows the order to take them down again. Nothing below this file reaches for a singleton.

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { WebSocketServer } from 'ws'
import type { Clock } from './core/clock.js'
import type { EdgeConfig } from './core/config.js'
import { EdgeError, Errors } from './core/errors.js'
import { createLog, type Log } from './core/log.js'
import { createMetrics, type Metrics } from './core/metrics.js'
import { createServerTime } from './core/time.js'
import { packageVersion, projectRoot } from './core/version.js'
import { buildApp } from './app.js'
import { CommitQueue } from './ingest/commit-queue.js'
import { createBroker, type EdgeBroker } from './ingest/mqtt/broker.js'
import { attachWebSocket, closeServer, listenTcp, listenTls, type Listening } from './ingest/mqtt/listeners.js'
import { guardConnection } from './ingest/mqtt/packet-guard.js'
import { Ingest } from './ingest/pipeline.js'
import { Presence } from './ingest/presence.js'
import { SerialReader } from './ingest/serial/port.js'
import { loadProfiles, type ProfileCatalogue } from './profiles/loader.js'
import { Catalog } from './store/catalog.js'
import { openDatabase, type Database } from './store/db.js'
import { lockDataDir, type DataDirLock } from './store/data-dir-lock.js'
import { DeviceRegistry } from './store/devices.js'
import { Associates } from './store/associates.js'
import { TaskService } from './decisions/tasks/service.js'
import { TASK_DEVICE_ID } from './decisions/tasks/completers/post.js'
import { FillDetector } from './decisions/fill-detector.js'
import { TaskPush } from './decisions/tasks/push.js'
import { KpiService } from './decisions/kpis/service.js'
import { PhantomService } from './decisions/phantom/service.js'
import { PutawayDetector } from './decisions/putaway-detector.js'
import { OrderService } from './decisions/orders/service.js'
import { OutboxSender } from './outbox/sender.js'
import { readRelayCa, relayPoster } from './outbox/relay-ca.js'
import { Accounts } from './store/accounts.js'
import { Sessions } from './store/sessions.js'
import { OutboxBudget } from './outbox/budget.js'
import { Heartbeat } from './outbox/heartbeat.js'
import { diskUse } from './store/disk.js'
import { OutboxRows } from './store/outbox-rows.js'
import { SalesStore } from './store/sales.js'
import { ReceivingService } from './decisions/receiving/service.js'
import type { CommittedEntry } from './ingest/commit-queue.js'
import { FEATURE_COUNT, FEATURE_INDEX } from './scoring/spec.js'
import { startJournalThread, type JournalWriter } from './store/journal-thread.js'
import { startCheckpointer, type Checkpointer } from './store/checkpointer.js'
import { Queries } from './store/queries.js'
import { AuditLog } from './store/audit.js'
import { PolicyStore } from './decisions/governance/policy-store.js'
import { loadFeatureBook } from './scoring/features/bootstrap.js'
import type { FeatureBook } from './scoring/features/book.js'
import { commitFeed } from './scoring/features/commit-feed.js'
import { RiskService } from './scoring/service/service.js'
import { riskModelPathOf } from './scoring/service/shipped.js'
import type { Ports } from './http/deps.js'
import { ChangeHub } from './core/change-hub.js'
import { feedChanges } from './http/panel/feed.js'

export interface StartOptions {
  config: EdgeConfig
  log?: Log
  /** Replaces the system clock (tests pass a ManualClock); not allowed with clockMode "sim". */
  clock?: Clock
  /** Presence sweep period, milliseconds of the server's clock (tests shorten it). */
  presenceSweepMs?: number
  /** Heartbeat comments on the panel's event streams, real milliseconds (15,000; tests shorten it). */
  streamHeartbeatMs?: number
  /** Polls for panel changes no source announces, real milliseconds (2,000; tests shorten it). */
  changePollMs?: number
  /** Checks that each open event stream's session still holds, real milliseconds (30,000; tests shorten it). */
  streamCheckMs?: number
  /** One window for every topic of the panel's change notices, real milliseconds (250, risk 1,000; tests shorten it). */
  changeWindowMs?: number
}

export interface EdgeServer {
  config: EdgeConfig
  log: Log
  ports: Ports
  app: FastifyInstance
  broker: EdgeBroker
  db: Database
  registry: DeviceRegistry
  catalog: Catalog
  profiles: ProfileCatalogue
  metrics: Metrics
  serial: SerialReader[]
  /** Shelf-risk features per SKU-location, fed by every commit. */
  features: FeatureBook
  /** Shelf-risk scores (fast tier on fresh events, slow tier on riskSlowCron), models, monitoring. */
  risk: RiskService
  /** Associate tasks: the store, handheld actions, the stale-claim sweep. */
  tasks: TaskService
  /** Phantom inventory: the detector on phantomEveryMin, suspects, count budget and precision. */
  phantom: PhantomService
  /** ASNs, receipts against them, their check on close (review tasks, ERP-bound discrepancies). */
  receiving: ReceivingService
  /** Put-away tasks from stock at receiving locations. */
  putaways: PutawayDetector
  /** Governance policies in force (policiesFile at start, PUT /api/v1/policies). */
  policies: PolicyStore
  /** The append-only audit log. */
  audit: AuditLog
  /** Order proposals: the daily run (orderProposalsCron), expiry, decisions. */
  orders: OrderService
  /** Sends the ERP-bound outbox to the cloud relay (off without relayUrl). */
  sender: OutboxSender
  /** The heartbeat to the relay (off without relayUrl). */
  heartbeat: Heartbeat
  /** Why the journal thread stopped committing, or null while it commits (health, the systemd watchdog). */
  journalFailure (): Error | null
  /** Graceful stop: refuse new work, commit what is queued, close connections, close the database. */
  close (): Promise<void>
}

const iso = (clock: Clock) => (): string => new Date(clock.now()).toISOString()

export async function startServer (opts: StartOptions): Promise<EdgeServer> {
  const { config } = opts
  const log = opts.log ?? createLog({ level: config.logLevel })
  const time = createServerTime(config, log.child({ module: 'scheduler' }), opts.clock)
  const { clock } = time
  const version = packageVersion()
  const metrics = createMetrics()

  // Profiles first: a broken profile must stop start-up before anything is opened.
  const profiles = loadProfiles(config.profilesDir)
  const relayPost = relayPoster(readRelayCa(config.relayCaFile))
  // One process owns a data dir: a second server, or a restore or migration under a running server,
  // is refused (store/data-dir-lock.ts). Held until close; the kernel drops it if the process dies.
  const lock = lockDataDir(config.dataDir, 'serve')
  let db: Database
  try {
    db = openDatabase({ dataDir: config.dataDir, synchronous: config.dbSynchronous, log: log.child({ module: 'store' }), now: iso(clock) })
  } catch (err) {
    lock.release()
    throw err
  }
  // The checkpointer thread copies the WAL; this connection's commits (presence, imports) must not
  // stall the event loop doing it (backstop only, 16,384 pages of 4 KB).
  db.pragma('wal_autocheckpoint = 16384')
  // What start-up has opened so far, closed in reverse if a later step fails (a port in use, a
  // serial port naming an unknown device) so a failed start leaves no handle behind.
  const undo: Array<() => unknown> = [() => lock.release(), () => db.close()]
  const listeners: Listening[] = []
  const ports: Ports = { http: null, mqtt: null, mqttTls: null }
  let draining = false
  try {
    const registry = new DeviceRegistry(db, iso(clock))
    const catalog = new Catalog(db)
    const queries = new Queries(db)
    // Governance before anything starts: a broken policies file stops start-up naming file and line.
    const audit = new AuditLog(db, iso(clock), version)
    const sealed = audit.seal() // rows written before the hash chain existed (migration 010) join it
    if (sealed > 0) log.info({ rows: sealed }, 'audit log rows from before the hash chain sealed')
    const policies = new PolicyStore({ db, audit, clock, log: log.child({ module: 'policies' }), storeFormat: config.storeFormat })
    policies.loadFile(config.policiesFile, config.dataDir)
    const writer = await startJournalThread({ dataDir: config.dataDir, synchronous: config.dbSynchronous })
    undo.push(() => writer.close())
    const checkpointer = await startCheckpointer({ dataDir: config.dataDir, everyMs: 250 })
    undo.push(() => checkpointer.close())
    // Before any event can arrive: positions and the last weeks of the journal, then every commit.
    const features = loadFeatureBook(db, {
      item: (sku) => catalog.item(sku),
      kindOf: (id) => catalog.location(id)?.kind,
      nowMs: clock.now(),
      log: log.child({ module: 'features' }),
      refreshCatalog: () => catalog.refreshIfChanged()
    })
    const feed = commitFeed(features, (e) => risk.applied(e))
    // After the book has the batch: receipts tallied against their ASNs, put-aways replanned (set once built below).
    let afterFeed = (_accepted: ReadonlyArray<CommittedEntry>): void => {}
    const queue = new CommitQueue({ writer, log: log.child({ module: 'commit' }), metrics, batchMax: config.ingestBatchMax, onCommitted: (accepted) => { feed(accepted); afterFeed(accepted) } })
    const presence = new Presence({
      registry,
      queue,
      clock,
      scheduler: time.scheduler,
      log: log.child({ module: 'presence' }),
      metrics,
      graceFactor: config.heartbeatGraceFactor,
      heartbeatOf: (profileId) => profiles.get(profileId)?.heartbeatS ?? 0,
      sweepMs: opts.presenceSweepMs
    })
    // Scores are written through the journal thread; the fast tier hears of each event the book applied.
    const risk: RiskService = new RiskService({
      config,
      modelPath: riskModelPathOf(config.riskModelPath),
      modelsDir: join(config.dataDir, 'models'),
      db,
      writer,
      book: features,
      kindOf: (id) => catalog.location(id)?.kind,
      clock,
      scheduler: time.scheduler,
      log: log.child({ module: 'risk' }),
      metrics
    })
    await risk.start()
    undo.push(() => risk.stop())
    const ingest = new Ingest({ config, clock, log: log.child({ module: 'ingest' }), metrics, catalog, profiles, queue })
    // Task rows are written on this connection in small transactions; a completion's movements go through ingest.
    const tasks = new TaskService({
      config,
      db,
      ingest,
      clock,
      scheduler: time.scheduler,
      log: log.child({ module: 'tasks' }),
      zoneOf: (id) => catalog.location(id)?.zone,
      reads: {
        onHand: (sku, location) => features.record(sku, location).onHand,
        kindOf: (id) => catalog.location(id)?.kind,
        onHandDelta: (eventId, location) => queries.onHandDelta(TASK_DEVICE_ID, eventId, location)
      }
    })
    tasks.start()
    undo.push(() => tasks.stop())
    // Every rescoring (fast tier per batch, slow tier on its cron) turns shelf risk and the record into fill tasks.
    const fills = new FillDetector({ config, now: () => clock.now(), scores: risk.scores, stock: features, tasks: tasks.store, item: (sku) => catalog.item(sku), kindOf: (id) => catalog.location(id)?.kind, log: log.child({ module: 'fills' }) })
    // Phantom inventory on the server scheduler: counts for the likeliest wrong records, within a daily budget.
    const phantom = new PhantomService({ config, db, book: features, tasks: tasks.store, item: (sku) => catalog.item(sku), clock, scheduler: time.scheduler, log: log.child({ module: 'phantom' }) })
    phantom.start()
    undo.push(() => phantom.stop())
    // Receipts against ASNs, checked when an ASN closes (by the API or receivingCloseMin after its last receipt).
    const receiving = new ReceivingService({ config, db, tasks: tasks.store, clock, scheduler: time.scheduler, log: log.child({ module: 'receiving' }), item: (sku) => catalog.item(sku) })
    receiving.start()
    undo.push(() => receiving.stop())
    // Stock at a receiving location becomes put-aways: the shelf's need first, the rest to the backroom.
    const rateBuf = new Float32Array(FEATURE_COUNT)
    const putaways = new PutawayDetector({
      config,
      scores: risk.scores,
      stock: features,
      tasks: tasks.store,
      item: (sku) => catalog.item(sku),
      kindOf: (id) => catalog.location(id)?.kind,
      backroomBins: () => receiving.asns.locationsOfKind('backroom'),
      rateOf: (sku, shelf) => { features.vector(sku, shelf, clock.now(), rateBuf); return rateBuf[FEATURE_INDEX.rate_now] },
      clock,
      scheduler: time.scheduler,
      log: log.child({ module: 'putaways' })
    })
    putaways.start()
    undo.push(() => putaways.stop())
    // Daily sales per SKU, the order forecast's history: caught up with the journal, then kept per batch.
    const sales = new SalesStore(db)
    const caught = sales.catchUp()
    if (caught > 0) log.info({ sales: caught }, 'daily sales caught up from the journal')
    afterFeed = (accepted) => {
      sales.committed(accepted)
      receiving.committed(accepted)
      putaways.detect(skusOf(accepted))
    }
    risk.onScored((keys) => {
      fills.detect(keys)
      putaways.detect(keys.map((k) => k.sku))
    })
    const associates = new Associates(db, () => clock.now())
    const serial = serialReaders(config, { registry, profiles, ingest, presence, clock, log: log.child({ module: 'serial' }), metrics })
    const broker = await createBroker({ storeId: config.storeId, log: log.child({ module: 'mqtt' }), metrics, registry, ingest, presence, version, now: iso(clock) })
    undo.push(() => broker.close())
    // Each committed task change goes to the handhelds that should know, over MQTT.
    const push = new TaskPush({ publish: (id, m) => broker.publishTasks(id, m), signedIn: () => associates.signedIn(), zoneOf: (id) => catalog.location(id)?.zone, now: () => clock.now(), log: log.child({ module: 'task-push' }) })
    tasks.store.onChange(push.onChange)
    // Order proposals on the server scheduler (orderProposalsCron) and on demand, held to the governance policies.
    const orders = new OrderService({
      config,
      db,
      sales,
      audit,
      policies: { resolve: (category) => policies.resolve(category) },
      items: () => catalog.allItems(),
      kindOf: (id) => catalog.location(id)?.kind,
      phantom: () => new Map(phantom.suspects(0, Number.MAX_SAFE_INTEGER).map((s) => [`${s.sku}\u0000${s.location}`, s.probability])),
      modelFallback: () => modelFallbackOf(risk),
      versions: () => ({ model: risk.slots.active?.model.version ?? null }),
      clock,
      scheduler: time.scheduler,
      log: log.child({ module: 'orders' })
    })
    orders.start()
    undo.push(() => orders.stop())
    // The outbox to the cloud relay, urgent lane first; rows go only when the relay has them.
    const outboxRows = new OutboxRows(db)
    const sender = new OutboxSender({ config, rows: outboxRows, log: log.child({ module: 'outbox' }), post: relayPost })
    sender.start()
    undo.push(() => sender.stop())
    // The outbox's disk budget, measured every minute of the server clock (and on each status read).
    const budget = new OutboxBudget({ rows: outboxRows, budgetMb: config.outboxDiskBudgetMb, log: log.child({ module: 'outbox' }) })
    budget.check()
    const stopBudget = time.scheduler.every('outbox-budget', 60_000, () => { budget.check() })
    undo.push(stopBudget)
    // Every minute the relay hears how the store is: versions, queue, devices, disk, the sender.
    const heartbeat = new Heartbeat({
      relayUrl: config.relayUrl,
      relayToken: config.relayToken,
      storeId: config.storeId,
      everyMs: config.outboxHeartbeatS * 1000,
      timeoutMs: config.outboxSendTimeoutMs,
      log: log.child({ module: 'outbox' }),
      post: relayPost,
      collect: () => ({
        at: new Date().toISOString(),
        versions: { server: version, model: risk.slots.active?.model.version ?? null, policies: policies.current().version },
        queue: Object.fromEntries(outboxRows.depth().map((l) => [l.lane, { rows: l.rows, oldestCreatedAt: l.oldestCreatedAt }])),
        outboxBudget: budget.status(),
        devices: { registered: registry.list().filter((d) => d.status !== 'revoked').length, online: registry.list().filter((d) => presence.isOnline(d.id)).length },
        disk: diskUse(config.dataDir),
        sender: (({ state, failures, lastAck, lastError }) => ({ state, failures, lastAck, lastError }))(sender.status()),
        // What the relay acknowledged per day written, the last week: the relay reconciles against it.
        acked: outboxRows.acked(new Date(clock.now() - 7 * 86_400_000).toISOString().slice(0, 10))
      })
    })
    heartbeat.start()
    undo.push(() => heartbeat.stop())
    // The phantom detector's precision joins the KPIs: the share of counts that found the record wrong.
    // Panel accounts and sessions: wall-clock time (a simulated clock must not expire a session in seconds).
    const accounts = new Accounts(db)
    const sessions = new Sessions(db, { idleMs: config.sessionIdleMin * 60_000, maxMs: config.sessionMaxHours * 3_600_000 })
    if (config.apiAuth === 'sessions' && accounts.count() === 0) log.warn({}, 'no panel account yet: create a manager with `store-edge accounts add <name> --role manager`')
    const kpis = new KpiService({
      db,
      clock,
      phantomPrecision: (w) => phantom.precision(new Date(w.fromMs).toISOString()),
      orderProposals: (w) => orders.proposals.decisions(new Date(w.fromMs).toISOString(), new Date(w.toMs + 1).toISOString())
    })
    // The panel's live updates: tasks, scores, proposals and presence announce their changes; one
    // risk notice a second at most (the fast tier rescored every batch), the rest within 250 ms.
    const changes = new ChangeHub(opts.changeWindowMs === undefined ? { windowMs: { risk: 1000 } } : { defaultWindowMs: opts.changeWindowMs })
    feedChanges(changes, { tasks: tasks.store, risk, orders, presence })
    undo.push(() => changes.close())
    const app = await buildApp({
      config,
      log,
      clock,
      clockMode: time.mode,
      advanceClock: time.advanceTo,
      metrics,
      db,
      registry,
      catalog,
      queries,
      profiles,
      ingest,
      presence,
      risk,
      tasks,
      phantom,
      receiving,
      associates,
      accounts,
      sessions,
      panelDir: join(projectRoot(), 'edge', 'web', 'dist'),
      sales,
      orders,
      sender,
      outboxBudget: budget,
      heartbeat,
      kpis,
      policies,
      audit,
      version,
      ports: () => ports,
      serialHealth: () => serial.map((s) => s.health()),
      pendingCommits: () => queue.pending,
      journalFailure: () => writer.failure(),
      disconnectDevice: (id) => broker.disconnect(id),
      draining: () => draining,
      changes,
      streamHeartbeatMs: opts.streamHeartbeatMs ?? 15_000,
      changePollMs: opts.changePollMs,
      streamCheckMs: opts.streamCheckMs
    })
    undo.push(() => app.close())
    await app.listen({ host: config.host, port: config.httpPort })
    ports.http = (app.server.address() as { port: number }).port
    const wrap = (socket: Duplex): Duplex => guardConnection(socket, config.maxPacketBytes, (err) => {
      metrics.refused.inc({ reason: 'packet_too_large' })
      log.warn({ declared: err.declared, limit: err.limit }, 'mqtt packet too large, connection closed')
    })
    const wss = attachWebSocket(broker.aedes, app.server, wrap)
    const tcp = await listenTcp(broker.aedes, config.host, config.mqttPort, wrap)
    listeners.push(tcp)
    ports.mqtt = tcp.port
    if (config.tlsCert && config.tlsKey) {
      const tls = await listenTls(broker.aedes, config.host, config.mqttTlsPort, config.tlsCert, config.tlsKey, wrap)
      listeners.push(tls)
      ports.mqttTls = tls.port
    }
    return finishStart({ lock, config, log, clock, version, ports, app, broker, db, registry, catalog, profiles, metrics, serial, features, risk, tasks, phantom, receiving, putaways, policies, audit, orders, sender, heartbeat, presence, queue, writer, checkpointer, listeners, wss, changes, setDraining: () => { draining = true } })
  } catch (err) {
    await Promise.all(listeners.map((l) => closeServer(l.server)))
    for (const fn of undo.reverse()) await fn()
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      throw new EdgeError(Errors.CONFIG_INVALID, `cannot listen: ${e.message}; set another port (config keys httpPort, mqttPort, mqttTlsPort; 0 = any free port)`)
    }
    throw err
  }
}

/** Everything start-up built, handed to the last step that starts the timers and defines close. */
interface Started extends Omit<EdgeServer, 'close' | 'journalFailure'> {
  lock: DataDirLock
  clock: Clock
  version: string
  presence: Presence
  queue: CommitQueue
  writer: JournalWriter
  checkpointer: Checkpointer
  listeners: Listening[]
  wss: WebSocketServer
  changes: ChangeHub
  setDraining: () => void
}

async function finishStart (s: Started): Promise<EdgeServer> {
  const { config, log, ports, app, broker, db, presence, queue, writer, checkpointer, listeners, wss, serial, profiles, version } = s
  presence.start()
  for (const reader of serial) reader.start()
  await broker.publishStatus('online', { ports })
  log.info({ storeId: config.storeId, ports, dataDir: config.dataDir, profiles: profiles.list().length, version, clockMode: config.clockMode, now: new Date(s.clock.now()).toISOString() }, 'store-edge listening')

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      s.setDraining()
      log.info({}, 'shutting down: draining')
      // Stop taking new connections, then let everything already received commit and be
      // acknowledged before sessions are closed.
      const stopAccepting = Promise.all(listeners.map((l) => closeServer(l.server)))
      await Promise.all(serial.map((reader) => reader.stop()))
      await withTimeout(queue.idle(), config.shutdownTimeoutMs)
      await broker.publishStatus('offline', { reason: 'shutdown' }).catch(() => {})
      wss.clients.forEach((c) => c.terminate())
      await broker.close()
      await stopAccepting
      s.changes.close()
      await app.close()
      // Devices went offline as their sessions closed; that is written last, then nothing more is.
      presence.stop()
      s.tasks.stop()
      s.phantom.stop()
      s.receiving.stop()
      s.putaways.stop()
      s.orders.stop()
      await withTimeout(queue.close(), config.shutdownTimeoutMs)
      // Scores still in memory are written before the journal thread goes.
      await s.risk.stop()
      await writer.close()
      await checkpointer.close()
      // Rows a batch in flight carried stay until the relay's answer deletes them; a cut send is sent again.
      s.heartbeat.stop()
      await s.sender.stop()
      db.close()
      s.lock.release()
      log.info({}, 'shut down')
    })()
    return closing
  }

  return { config, log, ports, app, broker, db, registry: s.registry, catalog: s.catalog, profiles, metrics: s.metrics, serial, features: s.features, risk: s.risk, tasks: s.tasks, phantom: s.phantom, receiving: s.receiving, putaways: s.putaways, policies: s.policies, audit: s.audit, orders: s.orders, sender: s.sender, heartbeat: s.heartbeat, journalFailure: () => writer.failure(), close }
}

/** The SKUs of a committed batch's events. */
function skusOf (accepted: ReadonlyArray<CommittedEntry>): string[] {
  const out: string[] = []
  for (const { entry } of accepted) {
    const sku = entry.kind === 'event' ? entry.event.sku : entry.kind === 'row' ? entry.row[6] : undefined
    if (typeof sku === 'string') out.push(sku)
  }
  return out
}

interface SerialDeps {
  registry: DeviceRegistry
  profiles: ProfileCatalogue
  ingest: Ingest
  presence: Presence
  clock: Clock
  log: Log
  metrics: Metrics
}

/** One reader per configured port; each must name a registered device with a serial profile. */
function serialReaders (config: EdgeConfig, d: SerialDeps): SerialReader[] {
  // Serial frames carry no id: they get this boot's random prefix and a counter, unique forever.
  const boot = randomBytes(6).toString('base64url')
  return config.serialPorts.map((p, i) => {
    const key = `serialPorts[${i}].deviceId`
    const device = d.registry.get(p.deviceId)
    if (!device) throw new EdgeError(Errors.CONFIG_INVALID, `config key "${key}": device "${p.deviceId}" is not registered (store-edge devices add)`)
    const profile = d.profiles.get(device.profileId)
    if (!profile || profile.transport !== 'serial') {
      throw new EdgeError(Errors.CONFIG_INVALID, `config key "${key}": device "${p.deviceId}" has profile "${device.profileId}", which is not a serial profile`)
    }
    const stream = profile.streams.find((s) => s.serial !== undefined)!
    let n = 0
    return new SerialReader({
      path: p.path,
      framing: stream.serial!,
      log: d.log,
      clock: d.clock,
      onFrame: (frame) => {
        n++
        d.metrics.serialFrames.inc({ port: p.path, result: 'ok' })
        d.presence.seen(device.id, device.profileId)
        d.ingest.deviceMessage({
          deviceId: device.id,
          profileId: device.profileId,
          stream: stream.name,
          raw: frame,
          transport: 'serial',
          channel: p.path,
          derivedId: `${boot}-${n}`,
          defaultLocation: p.location
        }, (err) => { if (err) d.log.error({ err, path: p.path }, 'serial frame not committed') })
      }
    })
  })
}

function withTimeout (p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout
  return Promise.race([p, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) })]).finally(() => clearTimeout(timer))
}

/**
 * Why the shelf-risk model stands down, for the order proposals' fallback: calibration drift, or a
 * configured model that failed to load. Rules by choice (riskModelPath "none") is not a fallback.
 */
function modelFallbackOf (risk: RiskService): string | null {
  const g = risk.governance()
  if (g.drift !== null) return `calibration drift: ${g.drift}`
  const p = risk.slots.problem
  if (risk.slots.active === null && p !== null && p.path !== null) return `${p.reason}: ${p.detail}`
  return null
}
