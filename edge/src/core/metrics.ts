// The server's Prometheus metrics, one registry per server instance (no global default registry,
// so two servers in one test process do not share counters).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  registry: Registry
  /** Run before each scrape of /metrics: gauges read from the store (outbox depth) are set here. */
  beforeScrape: Array<() => void>
  outboxRows: Gauge<'lane'>
  outboxOldestAge: Gauge<'lane'>
  outboxAckedSeq: Gauge
  outboxFailures: Gauge
  outboxSenderState: Gauge<'state'>
  outboxLastErrorAt: Gauge
  outboxBytes: Gauge
  messagesIn: Counter<'transport'>
  accepted: Counter<'transport'>
  duplicates: Counter<'transport'>
  deadLettered: Counter<'reason'>
  refused: Counter<'reason'>
  /** Receipt of a message to its commit, seconds. */
  ingestLatency: Histogram<'transport'>
  /** One journal transaction, seconds. */
  commitTime: Histogram
  batchSize: Histogram
  mqttClients: Gauge
  devicesOnline: Gauge
  serialFrames: Counter<'port' | 'result'>
  /** Shelf-risk: SKU-locations whose current score each scorer made (model, rules). */
  riskScorer: Gauge<'scorer'>
  /** Shelf-risk: current rule scores by why rules acted. */
  riskRulesReason: Gauge<'reason'>
  riskScores: Counter<'tier' | 'scorer'>
  /** One scoring pass (features, runtime, explanations), seconds. */
  riskScoringTime: Histogram<'tier'>
  /** A fresh event's commit to its SKU-location's new score, seconds. */
  riskFastLatency: Histogram
  /** Monitoring over the window, by model role (active, candidate) and rules. */
  riskModelAuc: Gauge<'role'>
  riskModelBrier: Gauge<'role'>
  riskCalibrationGap: Gauge<'role'>
  riskPsi: Gauge<'feature'>
  riskModelLoads: Counter<'result'>
}

export function createMetrics (opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry()
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'edge_' })
  const registers = [registry]
  return {
    registry,
    beforeScrape: [],
    outboxRows: new Gauge({ name: 'edge_outbox_rows', help: 'ERP-bound outbox rows waiting to be sent, by lane', labelNames: ['lane'], registers }),
    outboxBytes: new Gauge({ name: 'edge_outbox_bytes', help: 'Estimated bytes the outbox holds, as of the last budget check (outboxDiskBudgetMb)', registers }),
    outboxOldestAge: new Gauge({ name: 'edge_outbox_oldest_age_seconds', help: 'Age of the oldest unsent outbox row by lane, seconds of the server clock (0 when none)', labelNames: ['lane'], registers }),
    outboxAckedSeq: new Gauge({ name: 'edge_outbox_last_acked_seq', help: 'Highest outbox seq the relay has acknowledged since start (0 before the first)', registers }),
    outboxFailures: new Gauge({ name: 'edge_outbox_send_failures', help: 'Failed sends to the relay in a row (0 = the last send went)', registers }),
    outboxSenderState: new Gauge({ name: 'edge_outbox_sender_state', help: '1 for the sender\'s current state (off, idle, sending, backoff, refused), 0 for the others; refused needs a person', labelNames: ['state'], registers }),
    outboxLastErrorAt: new Gauge({ name: 'edge_outbox_last_error_timestamp_seconds', help: 'Unix time of the last failed send (0 = none since start); the message is on GET /api/v1/outbox', registers }),
    messagesIn: new Counter({ name: 'edge_messages_in_total', help: 'Messages received from devices and clients', labelNames: ['transport'], registers }),
    accepted: new Counter({ name: 'edge_events_accepted_total', help: 'Events committed to the journal', labelNames: ['transport'], registers }),
    duplicates: new Counter({ name: 'edge_events_duplicate_total', help: 'Events already in the journal (retries), applied once', labelNames: ['transport'], registers }),
    deadLettered: new Counter({ name: 'edge_dead_letters_total', help: 'Messages dead-lettered, by reason code', labelNames: ['reason'], registers }),
    refused: new Counter({ name: 'edge_mqtt_refused_total', help: 'MQTT connections, publishes and subscriptions refused, by reason', labelNames: ['reason'], registers }),
    ingestLatency: new Histogram({
      name: 'edge_ingest_latency_seconds',
      help: 'From receipt of a message to the commit of its events',
      labelNames: ['transport'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers
    }),
    commitTime: new Histogram({
      name: 'edge_commit_seconds',
      help: 'Duration of one journal transaction',
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers
    }),
    batchSize: new Histogram({ name: 'edge_commit_batch_size', help: 'Entries per journal transaction', buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000], registers }),
    mqttClients: new Gauge({ name: 'edge_mqtt_clients', help: 'Connected MQTT clients', registers }),
    devicesOnline: new Gauge({ name: 'edge_devices_online', help: 'Registered devices currently online', registers }),
    serialFrames: new Counter({ name: 'edge_serial_frames_total', help: 'Serial frames read, by port and result', labelNames: ['port', 'result'], registers }),
    riskScorer: new Gauge({ name: 'edge_risk_scorer', help: 'SKU-locations whose current shelf-risk score each scorer made', labelNames: ['scorer'], registers }),
    riskRulesReason: new Gauge({ name: 'edge_risk_rules_reason', help: 'Current rule-made shelf-risk scores by why rules acted', labelNames: ['reason'], registers }),
    riskScores: new Counter({ name: 'edge_risk_scores_total', help: 'Shelf-risk scores made, by tier and scorer', labelNames: ['tier', 'scorer'], registers }),
    riskScoringTime: new Histogram({
      name: 'edge_risk_scoring_seconds',
      help: 'Duration of one shelf-risk scoring pass (features, model runs, explanations)',
      labelNames: ['tier'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers
    }),
    riskFastLatency: new Histogram({
      name: 'edge_risk_fast_latency_seconds',
      help: 'From a fresh event committed to its SKU-location rescored',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers
    }),
    riskModelAuc: new Gauge({ name: 'edge_risk_model_auc', help: 'Shelf-risk AUC over the monitoring window, by role (active, candidate, rules)', labelNames: ['role'], registers }),
    riskModelBrier: new Gauge({ name: 'edge_risk_model_brier', help: 'Shelf-risk Brier score over the monitoring window, by role', labelNames: ['role'], registers }),
    riskCalibrationGap: new Gauge({ name: 'edge_risk_calibration_gap', help: 'Mean predicted risk minus the observed empty rate over the window, by role', labelNames: ['role'], registers }),
    riskPsi: new Gauge({ name: 'edge_risk_psi', help: 'Population stability index of each feature, last full rescoring vs the active model\'s training data', labelNames: ['feature'], registers }),
    riskModelLoads: new Counter({ name: 'edge_risk_model_loads_total', help: 'Shelf-risk model loads, by result (ok or the refusal code)', labelNames: ['result'], registers })
  }
}
