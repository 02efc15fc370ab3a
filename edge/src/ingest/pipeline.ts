// The ingest pipeline every source shares: profile decode -> normalize -> commit queue. Device
// messages (MQTT, serial) come in raw and are decoded by their profile; handhelds and integrations
// post canonical events over HTTP. Whatever fails a step becomes a dead letter with its reason code,
// committed in the same batch as the good events, so nothing accepted is dropped silently.

import { createHash } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import type { EdgeConfig } from '../core/config.js'
import type { CanonicalEvent, EventDraft, EventSource } from '../core/event.js'
import { EdgeError, Errors, isEdgeError } from '../core/errors.js'
import type { Log } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'
import { decodeMessage } from '../profiles/decode.js'
import type { ProfileCatalogue } from '../profiles/loader.js'
import type { DecodeContext } from '../profiles/types.js'
import type { Catalog } from '../store/catalog.js'
import type { BatchEntry, DeadLetter, EntryOutcome } from '../store/journal.js'
import type { CommitQueue } from './commit-queue.js'
import { normalize, type NormalizeLimits } from './normalize.js'

export interface DeviceMessage {
  deviceId: string
  profileId: string
  stream: string
  raw: Buffer
  transport: 'mqtt' | 'serial'
  /** MQTT topic or serial port path. */
  channel: string
  /** Used as the id source for devices that send none: the MQTT payload hash, a serial counter. */
  derivedId?: string
  /** Stamped on events that carry no location (a serial scanner's dock). */
  defaultLocation?: string
}

export interface PostedResult {
  index: number
  id: string | null
  status: 'accepted' | 'duplicate' | 'rejected'
  seq?: number
  error?: { code: string, message: string }
}

export interface IngestOptions {
  config: Pick<EdgeConfig, 'storeId' | 'maxPayloadBytes' | 'maxEventAgeS' | 'maxEventFutureS' | 'maxQty'>
  clock: Clock
  log: Log
  metrics: Metrics
  catalog: Catalog
  profiles: ProfileCatalogue
  queue: CommitQueue
}

/** Dead letters keep at most this much of a payload, bytes: enough to review, not a disk filler. */
const DEAD_RAW_MAX = 4096
/** How often the item cache checks for changes made by another process (the CLI), milliseconds. */
const CATALOG_CHECK_MS = 1000

export class Ingest {
  private readonly limits: NormalizeLimits
  private readonly decodeCtx: DecodeContext
  private lastCatalogCheck = 0

  constructor (private readonly opts: IngestOptions) {
    this.limits = opts.config
    this.decodeCtx = { item: (sku) => opts.catalog.item(sku) }
  }

  /** A raw device message; `done` runs after its events (or its dead letter) are committed. */
  deviceMessage (msg: DeviceMessage, done: (err: Error | null) => void): void {
    const receivedAt = performance.now()
    const nowMs = this.opts.clock.now()
    this.opts.metrics.messagesIn.inc({ transport: msg.transport })
    this.checkCatalog(nowMs)
    const entries = this.decode(msg, nowMs)
    this.opts.queue.submit(entries, msg.transport, receivedAt, (err) => done(err))
  }

  /** Canonical events posted by a handheld or integration, all from `deviceId`. */
  postEvents (deviceId: string, events: ReadonlyArray<Record<string, unknown>>, channel: string): Promise<PostedResult[]> {
    const receivedAt = performance.now()
    const nowMs = this.opts.clock.now()
    this.opts.metrics.messagesIn.inc({ transport: 'http' }, events.length)
    this.checkCatalog(nowMs)
    const entries: BatchEntry[] = []
    const errors: Array<EdgeError | null> = []
    for (const raw of events) {
      try {
        const event = this.fromPosted(deviceId, raw, nowMs, channel)
        entries.push({ kind: 'event', event })
        errors.push(null)
      } catch (err) {
        const e = asEdgeError(err)
        errors.push(e)
        entries.push({ kind: 'dead', dead: this.deadLetter(deviceId, 'http', channel, e, JSON.stringify(raw), nowMs) })
      }
    }
    return new Promise((resolve, reject) => {
      this.opts.queue.submit(entries, 'http', receivedAt, (err, outcomes) => {
        if (err) { reject(err); return }
        resolve(outcomes.map((o, index) => result(index, events[index], o, errors[index])))
      })
    })
  }

  private fromPosted (deviceId: string, raw: Record<string, unknown>, nowMs: number, channel: string): CanonicalEvent {
    if (raw.deviceId !== undefined && raw.deviceId !== deviceId) {
      throw new EdgeError(Errors.DEVICE_MISMATCH, `event names device "${String(raw.deviceId)}" but was sent by "${deviceId}"`)
    }
    if (raw.storeId !== undefined && raw.storeId !== this.opts.config.storeId) {
      throw new EdgeError(Errors.BAD_EVENT, `event is for store "${String(raw.storeId)}", this is "${this.opts.config.storeId}"`)
    }
    const draft: EventDraft = {
      id: raw.id as string,
      type: raw.type as EventDraft['type'],
      occurredAt: raw.occurredAt as string,
      data: (raw.data as Record<string, unknown> | undefined) ?? {}
    }
    for (const k of ['sku', 'gtin', 'location', 'qty'] as const) {
      if (raw[k] !== undefined) (draft as unknown as Record<string, unknown>)[k] = raw[k]
    }
    const source: EventSource = { transport: 'http', channel }
    return normalize(draft, { storeId: this.opts.config.storeId, deviceId, receivedAtMs: nowMs, source, derivedId: String(raw.id) }, this.opts.catalog, this.limits)
  }

  private decode (msg: DeviceMessage, nowMs: number): BatchEntry[] {
    const dead = (err: unknown): BatchEntry[] =>
      [{ kind: 'dead', dead: this.deadLetter(msg.deviceId, msg.transport, msg.channel, asEdgeError(err), msg.raw, nowMs) }]
    if (msg.raw.length > this.opts.config.maxPayloadBytes) {
      return dead(new EdgeError(Errors.PAYLOAD_TOO_BIG, `payload of ${msg.raw.length} bytes is over the limit of ${this.opts.config.maxPayloadBytes}`))
    }
    const profile = this.opts.profiles.get(msg.profileId)
    const stream = profile && this.opts.profiles.stream(msg.profileId, msg.stream)
    if (!profile || !stream) {
      return dead(new EdgeError(Errors.UNKNOWN_STREAM, `stream "${msg.stream}" is not in profile ${msg.profileId}`))
    }
    let drafts: EventDraft[]
    try {
      drafts = decodeMessage(profile, stream, msg.raw, this.decodeCtx)
    } catch (err) {
      return dead(err)
    }
    // Only devices that send no id of their own need one made from the message (hashing costs
    // ~2 % of ingest at full load, so it is not done for the rest).
    let baseId = msg.derivedId
    const idFor = (i: number): string => {
      baseId ??= createHash('sha256').update(msg.channel).update('\0').update(msg.raw).digest('base64url').slice(0, 22)
      return drafts.length > 1 ? `${baseId}:${i}` : baseId
    }
    const source: EventSource = { transport: msg.transport, profile: profile.id, stream: stream.name, channel: msg.channel }
    const entries: BatchEntry[] = []
    drafts.forEach((draft, i) => {
      if (draft.location === undefined && msg.defaultLocation !== undefined) draft.location = msg.defaultLocation
      try {
        const event = normalize(draft, {
          storeId: this.opts.config.storeId,
          deviceId: msg.deviceId,
          receivedAtMs: nowMs,
          source,
          derivedId: draft.id === undefined ? idFor(i) : ''
        }, this.opts.catalog, this.limits)
        entries.push({ kind: 'event', event })
      } catch (err) {
        // One bad basket line does not cost the good ones; the bad one is kept for review.
        entries.push({ kind: 'dead', dead: this.deadLetter(msg.deviceId, msg.transport, msg.channel, asEdgeError(err), msg.raw, nowMs, draft.gtin) })
      }
    })
    return entries
  }

  private deadLetter (deviceId: string | null, transport: string, channel: string | null, err: EdgeError, raw: Buffer | string, nowMs: number, gtin?: string): DeadLetter {
    const details = err.details as { gtin?: string } | undefined
    this.opts.log.debug({ deviceId, reason: err.code, detail: err.message }, 'dead letter')
    return {
      receivedAt: new Date(nowMs).toISOString(),
      deviceId,
      transport,
      channel,
      reason: err.code,
      detail: err.message,
      gtin: details?.gtin ?? (err.code === Errors.UNKNOWN_GTIN.code ? gtin ?? null : null),
      raw: typeof raw === 'string' ? raw.slice(0, DEAD_RAW_MAX) : raw.subarray(0, DEAD_RAW_MAX)
    }
  }

  private checkCatalog (nowMs: number): void {
    if (nowMs - this.lastCatalogCheck < CATALOG_CHECK_MS) return
    this.lastCatalogCheck = nowMs
    if (this.opts.catalog.refreshIfChanged()) this.opts.log.info({ items: this.opts.catalog.itemCount }, 'item master reloaded')
  }
}

function asEdgeError (err: unknown): EdgeError {
  if (isEdgeError(err)) return err
  return new EdgeError(Errors.CODEC_FAILED, (err as Error)?.message ?? String(err))
}

function result (index: number, raw: Record<string, unknown> | undefined, o: EntryOutcome, err: EdgeError | null): PostedResult {
  const id = typeof raw?.id === 'string' ? raw.id : null
  if (o.kind === 'accepted') return { index, id, status: 'accepted', seq: o.seq }
  if (o.kind === 'duplicate') return { index, id, status: 'duplicate' }
  if (o.kind === 'presence') throw new Error('a presence outcome answered a posted event')
  return { index, id, status: 'rejected', error: { code: err?.code ?? o.reason, message: err?.message ?? o.reason } }
}
